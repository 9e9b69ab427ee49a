-- The columns of the parsed, state and published tables of the current database, in
-- table and column order, to compare a warehouse with the DDL.
select schema_name || '.' || table_name as table_name, column_name, data_type, is_nullable
from duckdb_columns()
where database_name = current_database()
  and schema_name in ('main', 'parsed', 'state')
  and table_name in (select unnest($tables))
order by table_name, column_index
