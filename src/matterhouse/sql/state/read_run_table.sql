-- This run's rows for parsed table {table}: the columns its Arrow schema declares, read from
-- the Parquet its parse workers wrote, and the columns the load stamps (tables.STAMPED_COLUMNS).
-- A view: the rows stream from the files into each statement and are never held whole.
create or replace temp view run_{table} as
select {columns}
from read_parquet({files})
