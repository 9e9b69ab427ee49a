-- The schema version a warehouse that records its migrations is at, and the fingerprints
-- of the DDL and views it last received and of its tables' columns then.
select version, ddl_fingerprint, columns_fingerprint
from {schema}.schema_migrations
order by version desc, applied_at desc
limit 1
