-- Holds when: every article known only from related lists is cited by a relation.
select articles.article_id, articles.url from articles
where ({everything} or articles.article_id in (select article_id from scope_checked_articles))
  and not articles.has_source_file
  and articles.article_id not in (
      select related_article_id from article_relations
      where {everything} or related_article_id in (select article_id from scope_checked_articles)
  )
