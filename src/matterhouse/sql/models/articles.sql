-- Grain: one row per article URL, from its chosen version (see chosen_versions.sql).
with

chosen as (
    select article_id, url, version_id, has_source_file
    from staging.chosen_versions
),

stories as (
    select article_id, story_id
    from staging.story_copies
),

versions as (
    select
        version_id, source_file_id, title, excerpt, published_at, updated_at,
        provider_id, category, type, quality, heat, is_published, amp_url, cdn_amp_url,
        secured, body, extra
    from staging.file_articles
),

files as (
    select source_file_id, path
    from staging.files
),

final as (
    select
        chosen.article_id,
        chosen.url,
        versions.title,
        versions.excerpt,
        versions.published_at,
        versions.updated_at,
        versions.provider_id,
        versions.category,
        versions.type,
        versions.quality,
        versions.heat,
        versions.is_published,
        versions.amp_url,
        versions.cdn_amp_url,
        versions.secured,
        versions.body,
        chosen.has_source_file,
        case when chosen.has_source_file then files.path end as source_path,
        case when chosen.has_source_file then files.source_file_id end as source_file_id,
        versions.extra::json as extra,
        coalesce(stories.story_id, chosen.article_id) as story_id
    from chosen
    inner join versions using (version_id)
    left join stories using (article_id)
    left join files using (source_file_id)
)

select * from final
