-- Grain: one row per article_id: the file article the warehouse publishes (the merge rules),
-- the article's URL, and the chosen file article's publication time and story key (read by
-- story_copies.sql) and provider (read by providers.sql). Related entries count for the article their URL resolves to
-- (url_resolutions.sql).
-- 1. An article with files of its own takes its newest own file article: latest updated_at,
--    then latest published_at, then the greatest (path, source); nulls sort last.
-- 2. An article known only from related lists takes, among the entries in the related
--    lists of published file articles, the newest by the same order, then the lowest position.
--    Entries in superseded or rejected files do not count.
-- Built by key: the articles a changed file names, those an id resolved to or away from, and
-- those embedded in files that name them; read from the file articles that resolve to them
-- and their hosts' (sql/scopes/articles.sql).
with

files as (
    -- A file article's file holds its own article, or embeds it and holds its host.
    select source_file_id, source, path
    from parsed.files
    where reason is null
      and ({everything} or article_id in (select article_id from scope_raw_article_ids))
),

resolutions as (
    select named_id, article_id, url
    from intermediate.url_resolutions
),

file_articles as (
    select
        file_articles.file_article_id,
        file_articles.source_file_id,
        file_articles.embed_position,
        coalesce(resolutions.article_id, file_articles.article_id) as article_id,
        coalesce(resolutions.url, file_articles.url) as url,
        file_articles.updated_at,
        file_articles.published_at,
        file_articles.story_key,
        file_articles.provider_id,
        file_articles.provider_domain,
        file_articles.provider_name
    from parsed.file_articles as file_articles
    left join resolutions on resolutions.named_id = file_articles.article_id
    where {everything} or file_articles.article_id in (select article_id from scope_raw_article_ids)
),

own_ranked as (
    select
        file_articles.file_article_id,
        file_articles.source_file_id,
        file_articles.article_id,
        file_articles.url,
        file_articles.published_at,
        file_articles.story_key,
        file_articles.provider_id,
        file_articles.provider_domain,
        file_articles.provider_name,
        row_number() over (
            partition by file_articles.article_id
            order by
                file_articles.updated_at desc nulls last,
                file_articles.published_at desc nulls last,
                files.path desc,
                files.source desc
        ) as rank_in_article
    from file_articles
    inner join files using (source_file_id)
    where file_articles.embed_position is null
),

own_winners as (
    select file_article_id, source_file_id, article_id, url, published_at, story_key, provider_id, provider_domain, provider_name
    from own_ranked
    where rank_in_article = 1
),

embed_ranked as (
    select
        file_articles.file_article_id,
        file_articles.article_id,
        file_articles.url,
        file_articles.published_at,
        file_articles.story_key,
        file_articles.provider_id,
        file_articles.provider_domain,
        file_articles.provider_name,
        row_number() over (
            partition by file_articles.article_id
            order by
                file_articles.updated_at desc nulls last,
                file_articles.published_at desc nulls last,
                files.path desc,
                files.source desc,
                file_articles.embed_position
        ) as rank_in_article
    from file_articles
    inner join own_winners as hosts using (source_file_id)
    inner join files using (source_file_id)
    where file_articles.embed_position is not null
      and file_articles.article_id not in (select article_id from own_winners)
),

final as (
    select article_id, url, file_article_id, true as has_source_file, published_at, story_key, provider_id, provider_domain, provider_name
    from own_winners
    union all
    select article_id, url, file_article_id, false as has_source_file, published_at, story_key, provider_id, provider_domain, provider_name
    from embed_ranked
    where rank_in_article = 1
)

select * from final
