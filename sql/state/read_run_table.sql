-- This run's rows for staging table {table}, from the Parquet its parse tasks wrote.
create or replace temp table run_{table} as
{staging_query}
