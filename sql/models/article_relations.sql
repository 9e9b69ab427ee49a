-- Grain: one row per (article, related article) of a published article version.
with

chosen as (
    select article_id, version_id
    from staging.chosen_versions
),

final as (
    select
        chosen.article_id,
        relations.related_article_id,
        relations.position
    from staging.version_relations as relations
    inner join chosen using (version_id)
)

select * from final
