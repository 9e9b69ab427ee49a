-- Grain: one row per (article, related article) of a published article version. A related
-- entry counts for the article its URL resolves to (url_resolutions.sql); entries that
-- resolve to one article keep the first position; an entry that resolves to the citing
-- article itself (its own AMP page, say) is no relation and is left out.
with

chosen as (
    select article_id, version_id
    from staging.chosen_versions
),

resolutions as (
    select named_id, article_id
    from staging.url_resolutions
),

final as (
    select
        chosen.article_id,
        coalesce(resolutions.article_id, relations.related_article_id) as related_article_id,
        min(relations.position) as position
    from staging.version_relations as relations
    inner join chosen using (version_id)
    left join resolutions on resolutions.named_id = relations.related_article_id
    group by all
    having chosen.article_id <> coalesce(resolutions.article_id, relations.related_article_id)
)

select * from final
