-- Adds this run's rows to parsed table {table}.
insert into parsed.{table} by name
select * from run_{table}
