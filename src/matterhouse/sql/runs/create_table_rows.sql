-- Hashes of every row's key and content, before and after a build, for counting the rows
-- each table gained, changed and lost and finding the file parts to write again
-- (runs/hash_rows.sql fills it).
create or replace temp table table_rows (
    side varchar,
    table_name varchar,
    key_hash ubigint,
    row_hash ubigint,
    part varchar
)
