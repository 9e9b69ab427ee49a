-- Grain: one row per (publication day in UTC, provider). Articles without a publication
-- time or a provider are counted under a null day or provider.
create or replace view articles_per_day as
with

articles as (
    select article_id, published_at, provider_id from main.articles
),

providers as (
    select provider_id, domain, name from main.providers
),

final as (
    select
        cast(articles.published_at as date) as published_on,
        articles.provider_id,
        providers.domain as provider_domain,
        providers.name as provider_name,
        count(*) as articles
    from articles
    left join providers using (provider_id)
    group by all
)

select * from final
