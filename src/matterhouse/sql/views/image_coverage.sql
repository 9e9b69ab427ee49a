-- Grain: one row for the whole warehouse: how many articles have images, and typical sizes.
create or replace view image_coverage as
with

articles as (
    select article_id from main.articles
),

images as (
    select article_id, width, height from main.images
),

final as (
    select
        (select count(*) from articles) as articles,
        (select count(distinct article_id) from images) as articles_with_images,
        (select count(distinct article_id) from images) / nullif((select count(*) from articles), 0) as share_with_images,
        (select count(*) from images) as images,
        (select median(width) from images) as median_width,
        (select median(height) from images) as median_height,
        (
            select width || 'x' || height
            from images
            where width is not null and height is not null
            group by all
            order by count(*) desc, 1
            limit 1
        ) as most_common_size
)

select * from final
