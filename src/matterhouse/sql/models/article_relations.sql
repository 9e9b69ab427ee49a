-- Grain: one row per (article, related article) of an article's chosen file article. A related
-- entry counts for the article its URL resolves to (url_resolutions.sql); entries that
-- resolve to one article keep the first position; an entry that resolves to the citing
-- article itself (its own AMP page, say) is no relation and is left out.
-- Built by key: the articles whose chosen file article may have changed, and those citing an
-- id whose resolution changed (sql/scopes/published.sql).
with

chosen as (
    select article_id, file_article_id
    from intermediate.chosen_file_articles
    where {everything} or article_id in (select article_id from scope_relations)
),

resolutions as (
    select named_id, article_id
    from intermediate.url_resolutions
),

final as (
    select
        chosen.article_id,
        coalesce(resolutions.article_id, relations.related_article_id) as related_article_id,
        min(relations.position) as position
    from parsed.file_article_relations as relations
    inner join chosen using (file_article_id)
    left join resolutions on resolutions.named_id = relations.related_article_id
    group by all
    having chosen.article_id <> coalesce(resolutions.article_id, relations.related_article_id)
)

select * from final
