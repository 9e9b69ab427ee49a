-- Holds when: both ends of every relation are articles.
select relations.article_id, relations.related_article_id from article_relations as relations
where relations.article_id not in (select article_id from articles)
   or relations.related_article_id not in (select article_id from articles)
