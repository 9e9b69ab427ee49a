-- Every table the warehouse holds, as schema.table.
select schema_name || '.' || table_name as table_name
from duckdb_tables()
