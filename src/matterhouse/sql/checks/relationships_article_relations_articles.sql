-- Holds when: both ends of every relation are articles.
select relations.article_id, relations.related_article_id from article_relations as relations
where ({everything} or relations.article_id in (select article_id from scope_relations) or relations.related_article_id in (select article_id from scope_checked_articles))
  and (relations.article_id not in (select article_id from articles)
       or relations.related_article_id not in (select article_id from articles))
