-- Holds when: every image belongs to an article.
-- dbt test: relationships images.article_id -> articles.article_id
with

articles as (
    select * from articles where {everything} or article_id in (select article_id from scope_checked_articles)
)

select images.article_id, images.position from images
anti join articles using (article_id)
where {everything} or images.article_id in (select article_id from scope_checked_articles)
