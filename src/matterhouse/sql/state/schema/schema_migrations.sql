-- Grain: one row per change matterhouse made to this warehouse's schema: created at a
-- version, migrated to one (sql/migrations/), or given a new release's views.
create table if not exists state.schema_migrations (
    version integer not null,        -- the schema version reached; the warehouse is at the largest
    description varchar not null,
    ddl_fingerprint varchar not null, -- hash of the DDL and view texts applied, see matterhouse/store/schema.py
    columns_fingerprint varchar not null, -- hash of every table's columns then, to notice later changes
    applied_at timestamptz not null
)
