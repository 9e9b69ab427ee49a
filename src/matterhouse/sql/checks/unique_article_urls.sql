-- Holds when: (article_id, url) is unique in article_urls.
-- dbt test: unique article_urls (article_id, url)
select article_id, url, count(*) as copies from article_urls where {everything} or article_id in (select article_id from scope_checked_articles) group by article_id, url having count(*) > 1
