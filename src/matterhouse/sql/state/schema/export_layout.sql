-- How each published table's Parquet dataset is split into files (steps/export.py): the
-- number of buckets its rows are spread over by their key. One row per table exported.
create table if not exists state.export_layout (
    table_name varchar primary key,
    buckets integer not null
)
