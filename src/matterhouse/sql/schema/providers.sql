-- Grain: one row per provider domain. Key: provider_id = stable hash of domain.
create table if not exists providers (
    provider_id varchar not null,  -- stable hash of domain
    domain varchar not null,       -- lower-cased
    name varchar                   -- the name most articles use; ties: alphabetical first
)
