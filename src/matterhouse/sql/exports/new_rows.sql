-- The keys of model table {table}'s rows that this run's build added (runs/hash_rows.sql),
-- for writing them into files of their own.
create or replace temp table new_keys as
select key_hash from table_rows where side = 'after' and table_name = '{table}'
except
select key_hash from table_rows where side = 'before' and table_name = '{table}'
