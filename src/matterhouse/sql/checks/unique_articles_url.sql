-- Holds when: url is unique.
-- dbt test: unique articles.url
select url, count(*) as copies from articles where {everything} or article_id in (select article_id from scope_checked_articles) group by url having count(*) > 1
