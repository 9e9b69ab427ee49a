-- The file parts of model table {table} this run's build changed, from the rows
-- runs/hash_rows.sql hashed before and after it (with the part each row was in): a part
-- that lost or changed a row is written again whole (appends = false); a part that only
-- gained rows can take them in a file of their own (appends = true).
with

before as (select key_hash, row_hash, part from table_rows where side = 'before' and table_name = '{table}'),

after as (select key_hash, row_hash, part from table_rows where side = 'after' and table_name = '{table}'),

changed as (
    select before.part as before_part, after.part as after_part, before.key_hash is null as is_inserted
    from before
    full outer join after using (key_hash)
    where before.row_hash is distinct from after.row_hash or before.part is distinct from after.part
)

select before_part as part, false as appends from changed where before_part is not null
union
select after_part as part, is_inserted as appends from changed where after_part is not null
