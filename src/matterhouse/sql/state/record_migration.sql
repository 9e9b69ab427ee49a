-- Records a change to the warehouse's schema (see state.schema_migrations).
insert into state.schema_migrations (version, description, ddl_fingerprint, columns_fingerprint, applied_at)
values ($version, $description, $ddl_fingerprint, $columns_fingerprint, $applied_at)
