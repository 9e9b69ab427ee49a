-- Grain: one row per article URL, from its chosen file article (see chosen_file_articles.sql).
-- Built by key: the articles whose chosen file article may have changed, and those whose
-- story did (sql/scopes/published.sql). A whole build of many articles runs in slices of
-- their ids ({slice}: steps/models.py).
with

chosen as (
    select article_id, url, file_article_id, has_source_file
    from intermediate.chosen_file_articles
    where ({everything} or article_id in (select article_id from scope_published_articles))
      and {slice}
),

stories as (
    select article_id, story_id
    from intermediate.story_copies
),

files as (
    -- An article's own chosen file holds it.
    select source_file_id, path
    from parsed.files
    where {everything} or article_id in (select article_id from scope_published_articles)
),

final as (
    select
        chosen.article_id,
        chosen.url,
        file_articles.title,
        file_articles.excerpt,
        file_articles.published_at,
        file_articles.updated_at,
        file_articles.provider_id,
        file_articles.category,
        file_articles.type,
        file_articles.quality,
        file_articles.heat,
        file_articles.is_published,
        file_articles.amp_url,
        file_articles.cdn_amp_url,
        file_articles.secured,
        file_articles.body,
        chosen.has_source_file,
        case when chosen.has_source_file then files.path end as source_path,
        case when chosen.has_source_file then files.source_file_id end as source_file_id,
        file_articles.extra::json as extra,
        coalesce(stories.story_id, chosen.article_id) as story_id
    from chosen
    -- Joined whole, not through an import CTE: final's list is the one place a column of
    -- the chosen file article is named.
    inner join parsed.file_articles as file_articles on file_articles.file_article_id = chosen.file_article_id
    left join stories on stories.article_id = chosen.article_id
    left join files on files.source_file_id = file_articles.source_file_id
)

select * from final
