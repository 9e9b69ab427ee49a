-- Grain: one row per image of an article's chosen file article.
-- Built by key: the articles whose chosen file article may have changed (sql/scopes/articles.sql).
with

chosen as (
    select article_id, file_article_id
    from intermediate.chosen_file_articles
    where {everything} or article_id in (select article_id from scope_articles)
),

final as (
    select
        chosen.article_id,
        images.position,
        images.url,
        images.width,
        images.height,
        images.title,
        images.extra::json as extra
    from parsed.file_article_images as images
    inner join chosen using (file_article_id)
)

select * from final
