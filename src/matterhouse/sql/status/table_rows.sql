-- Rows in one published table, for `matterhouse status`.
select '{table}' as table_name, count(*) as row_count from {table}
