-- Grain: one row per change of an article's title from one version to the next
-- (article_versions, in version order); changed_at is the new version's updated_at.
-- Versions that change only the excerpt or updated_at are not headline changes.
create or replace view headline_changes as
with

versions as (
    select
        article_id,
        version,
        title,
        updated_at,
        lag(title) over (partition by article_id order by version) as previous_title
    from main.article_versions
),

final as (
    select
        article_id,
        previous_title as from_title,
        title as to_title,
        updated_at as changed_at
    from versions
    where version > 1 and previous_title is distinct from title
)

select * from final
