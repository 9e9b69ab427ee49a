-- Grain: one row per (article, URL by which it was seen): its own URL (kind web), the AMP
-- pages its own files declare (ampWebUrl: amp, cdnAmpWebUrl: cdn_amp; those a related
-- entry declares are not used, as in url_resolutions.sql), and every URL of a
-- related entry that resolved to it (url_resolutions.sql), with the kind its variant key
-- gives: cdn_amp, amp, or variant for tracking parameters. A URL seen as more than one
-- kind takes the first of web, cdn_amp, amp, variant. Files that are not rejected count,
-- superseded ones included; a URL names an article only while that article is published.
-- Built by key: the articles whose chosen file article may have changed, read from every
-- file article that resolves to them (sql/scopes/articles.sql).
with

files as (
    -- A file article's file holds its own article, or embeds it and holds its host.
    select source_file_id
    from parsed.files
    where reason is null
      and ({everything} or article_id in (select article_id from scope_raw_article_ids))
),

resolutions as (
    select named_id, article_id
    from intermediate.url_resolutions
),

articles as (
    select article_id, url
    from intermediate.chosen_file_articles
    where {everything} or article_id in (select article_id from scope_articles)
),

other_urls as (
    -- Only URLs other than the article's own: declared AMP pages and resolved citations.
    select
        coalesce(resolutions.article_id, file_articles.article_id) as article_id,
        urls.url,
        case urls.kind when 'cdn_amp' then 1 when 'amp' then 2 else 3 end as kind_order
    from parsed.file_article_urls as urls
    inner join parsed.file_articles as file_articles using (file_article_id)
    inner join files on files.source_file_id = file_articles.source_file_id
    left join resolutions on resolutions.named_id = file_articles.article_id
    where ((urls.url <> file_articles.url and file_articles.embed_position is null) or resolutions.article_id is not null)
      and ({everything} or file_articles.article_id in (select article_id from scope_raw_article_ids))
),

final as (
    select article_id, url, 'web' as kind
    from articles
    union all
    select
        other_urls.article_id,
        other_urls.url,
        case min(other_urls.kind_order) when 1 then 'cdn_amp' when 2 then 'amp' else 'variant' end as kind
    from other_urls
    inner join articles using (article_id)
    where other_urls.url <> articles.url
    group by other_urls.article_id, other_urls.url
)

select * from final
