-- Grain: one row per image of a published article version.
with

chosen as (
    select article_id, version_id
    from staging.chosen_versions
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
    from staging.version_images as images
    inner join chosen using (version_id)
)

select * from final
