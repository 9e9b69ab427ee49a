-- Adds this run's rows to staging table {table}.
insert into staging.{table} by name
select * from run_{table}
