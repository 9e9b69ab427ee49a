-- Grain: one row per article_id: the version the warehouse publishes (the merge rules),
-- and the article's URL. Related entries count for the article their URL resolves to
-- (url_resolutions.sql).
-- 1. An article with files of its own takes the newest own version: latest updated_at,
--    then latest published_at, then the greatest (path, source); nulls sort last.
-- 2. An article known only from related lists takes, among the entries in the related
--    lists of published versions, the newest by the same order, then the lowest position.
--    Entries in superseded or rejected files do not count.
with

files as (
    select source_file_id, source, path
    from staging.files
    where reason is null
),

resolutions as (
    select named_id, article_id, url
    from staging.url_resolutions
),

versions as (
    select
        versions.version_id,
        versions.source_file_id,
        versions.embed_position,
        coalesce(resolutions.article_id, versions.article_id) as article_id,
        coalesce(resolutions.url, versions.url) as url,
        versions.updated_at,
        versions.published_at
    from staging.file_articles as versions
    left join resolutions on resolutions.named_id = versions.article_id
),

own_ranked as (
    select
        versions.version_id,
        versions.source_file_id,
        versions.article_id,
        versions.url,
        row_number() over (
            partition by versions.article_id
            order by
                versions.updated_at desc nulls last,
                versions.published_at desc nulls last,
                files.path desc,
                files.source desc
        ) as version_rank
    from versions
    inner join files using (source_file_id)
    where versions.embed_position is null
),

own_winners as (
    select version_id, source_file_id, article_id, url
    from own_ranked
    where version_rank = 1
),

embed_ranked as (
    select
        versions.version_id,
        versions.article_id,
        versions.url,
        row_number() over (
            partition by versions.article_id
            order by
                versions.updated_at desc nulls last,
                versions.published_at desc nulls last,
                files.path desc,
                files.source desc,
                versions.embed_position
        ) as version_rank
    from versions
    inner join own_winners as hosts using (source_file_id)
    inner join files using (source_file_id)
    where versions.embed_position is not null
      and versions.article_id not in (select article_id from own_winners)
),

final as (
    select article_id, url, version_id, true as has_source_file
    from own_winners
    union all
    select article_id, url, version_id, false as has_source_file
    from embed_ranked
    where version_rank = 1
)

select * from final
