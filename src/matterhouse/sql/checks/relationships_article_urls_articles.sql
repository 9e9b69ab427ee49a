-- Holds when: every URL in article_urls belongs to an article, and every article has its own URL there as web.
-- dbt test: relationships article_urls.article_id -> articles.article_id
with

articles as (
    select * from articles where {everything} or article_id in (select article_id from scope_checked_articles)
),

article_urls as (
    select * from article_urls where {everything} or article_id in (select article_id from scope_checked_articles)
)

select article_urls.article_id, article_urls.url, 'no such article' as problem from article_urls
anti join articles using (article_id)
union all
select articles.article_id, articles.url, 'its url is not in article_urls as web' from articles
anti join article_urls on article_urls.article_id = articles.article_id and article_urls.url = articles.url
    and article_urls.kind = 'web'
