-- Holds when: has_source_file is true exactly for articles with a loaded file.
select articles.article_id, articles.has_source_file from articles
where ({everything} or articles.article_id in (select article_id from scope_checked_articles))
  and articles.has_source_file <> (
    articles.article_id in (
        select article_id from source_files
        where status = 'loaded' and ({everything} or article_id in (select article_id from scope_checked_articles))
    )
)
