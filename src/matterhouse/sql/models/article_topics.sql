-- Grain: one row per (article, topic) of a published article version.
with

chosen as (
    select article_id, version_id
    from staging.chosen_versions
),

final as (
    select distinct
        chosen.article_id,
        topics.topic
    from staging.version_topics as topics
    inner join chosen using (version_id)
)

select * from final
