-- Grain: one row per (article, URL by which it was seen): its own URL (kind web), the AMP
-- pages its files declare (ampWebUrl: amp, cdnAmpWebUrl: cdn_amp), and every URL of a
-- related entry that resolved to it (url_resolutions.sql), with the kind its variant key
-- gives: cdn_amp, amp, or variant for tracking parameters. A URL seen as more than one
-- kind takes the first of web, cdn_amp, amp, variant. Files that are not rejected count,
-- superseded ones included; a URL names an article only while that article is published.
with

files as (
    select source_file_id
    from staging.files
    where reason is null
),

resolutions as (
    select named_id, article_id
    from staging.url_resolutions
),

seen as (
    select
        coalesce(resolutions.article_id, versions.article_id) as article_id,
        urls.url,
        urls.kind
    from staging.version_urls as urls
    inner join staging.file_articles as versions using (version_id)
    inner join files on files.source_file_id = versions.source_file_id
    left join resolutions on resolutions.named_id = versions.article_id
),

articles as (
    select article_id, url
    from main.articles
),

final as (
    select
        seen.article_id,
        seen.url,
        case
            when seen.url = any_value(articles.url) then 'web'
            when bool_or(seen.kind = 'cdn_amp') then 'cdn_amp'
            when bool_or(seen.kind = 'amp') then 'amp'
            else 'variant'
        end as kind
    from seen
    inner join articles using (article_id)
    group by seen.article_id, seen.url
)

select * from final
