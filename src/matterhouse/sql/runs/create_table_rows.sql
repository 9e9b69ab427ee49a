-- Hashes of every row's key and content, before and after a rebuild, for counting the
-- rows each table gained, changed and lost (runs/hash_rows.sql fills it).
create or replace temp table table_rows (
    side varchar,
    table_name varchar,
    key_hash ubigint,
    row_hash ubigint
)
