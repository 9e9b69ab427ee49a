-- Creates the persistent staging table {table} with the columns of this run's rows.
create table if not exists staging.{table} as
select * from run_{table} limit 0
