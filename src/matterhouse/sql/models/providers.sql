-- Grain: one row per provider domain among published articles.
-- Name rule: the name given by the most published articles; ties go to the
-- alphabetically first name; null when no article names the provider.
with

chosen as (
    select version_id
    from staging.chosen_versions
),

mentions as (
    select versions.provider_id, versions.provider_domain, versions.provider_name
    from staging.file_articles as versions
    inner join chosen using (version_id)
    where versions.provider_id is not null
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
