-- This run's rows for staging table {table}, from the Parquet its parse workers wrote.
-- A view: the rows stream from the files into each statement and are never held whole.
create or replace temp view run_{table} as
{staging_query}
