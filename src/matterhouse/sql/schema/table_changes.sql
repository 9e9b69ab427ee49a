-- Grain: one row per (run, published table) a run rebuilt. Key: (run_id, table_name).
create table if not exists table_changes (
    run_id varchar not null,  -- -> etl_runs.run_id
    table_name varchar not null,
    rows_inserted bigint not null,
    rows_updated bigint not null,
    rows_deleted bigint not null
)
