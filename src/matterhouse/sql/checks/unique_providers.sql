-- Holds when: provider_id and domain are unique.
-- dbt test: unique providers.provider_id
-- dbt test: unique providers.domain
select provider_id, null as domain, count(*) as copies from providers group by provider_id having count(*) > 1
union all
select null, domain, count(*) from providers group by domain having count(*) > 1
