-- Grain: one row per (citing provider, cited provider): relations from the first's articles to the second's.
create or replace view provider_citations as
with

relations as (
    select article_id, related_article_id from main.article_relations
),

articles as (
    select article_id, provider_id from main.articles
),

final as (
    select
        citing.provider_id as citing_provider_id,
        cited.provider_id as cited_provider_id,
        count(*) as citations
    from relations
    inner join articles as citing on citing.article_id = relations.article_id
    inner join articles as cited on cited.article_id = relations.related_article_id
    where citing.provider_id is not null and cited.provider_id is not null
    group by all
)

select * from final
