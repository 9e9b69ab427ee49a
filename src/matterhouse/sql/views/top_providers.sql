-- Grain: one row per provider: volume and mean quality, with their ranks (1 = top).
create or replace view top_providers as
with

articles as (
    select article_id, provider_id, quality from main.articles where provider_id is not null
),

providers as (
    select provider_id, domain, name from main.providers
),

totals as (
    select
        provider_id,
        count(*) as articles,
        avg(quality) as mean_quality,
        count(quality) as articles_with_quality
    from articles
    group by provider_id
),

final as (
    select
        providers.provider_id,
        providers.domain,
        providers.name,
        totals.articles,
        totals.mean_quality,
        totals.articles_with_quality,
        rank() over (order by totals.articles desc) as rank_by_volume,
        rank() over (order by totals.mean_quality desc nulls last) as rank_by_quality
    from totals
    inner join providers using (provider_id)
)

select * from final
