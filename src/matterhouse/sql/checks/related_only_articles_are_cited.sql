-- Holds when: every article known only from related lists is cited by a relation.
select articles.article_id, articles.url from articles
where not articles.has_source_file
  and articles.article_id not in (select related_article_id from article_relations)
