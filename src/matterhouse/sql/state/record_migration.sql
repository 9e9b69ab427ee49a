-- Records a change to the warehouse's schema (see staging.schema_migrations).
insert into staging.schema_migrations (version, description, ddl_fingerprint, columns_fingerprint, applied_at)
values ($version, $description, $ddl_fingerprint, $columns_fingerprint, $applied_at)
