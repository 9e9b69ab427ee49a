-- Grain: one row per provider domain among published articles.
-- Name rule: the name given by the most published articles; ties go to the
-- alphabetically first name; null when no article names the provider.
-- Built by key: the providers the articles whose chosen file article may have changed named
-- before and name now (sql/scopes/published.sql).
with

mentions as (
    select provider_id, provider_domain, provider_name
    from intermediate.chosen_file_articles
    where provider_id is not null
      and ({everything} or provider_id in (select provider_id from scope_providers))
),

name_counts as (
    select provider_id, provider_name, count(*) as articles
    from mentions
    where provider_name is not null
    group by provider_id, provider_name
),

names as (
    select provider_id, provider_name
    from name_counts
    qualify row_number() over (
        partition by provider_id order by articles desc, provider_name
    ) = 1
),

domains as (
    select distinct provider_id, provider_domain
    from mentions
),

final as (
    select
        domains.provider_id,
        domains.provider_domain as domain,
        names.provider_name as name
    from domains
    left join names using (provider_id)
)

select * from final
