-- Rows inserted, updated and deleted per published table by this run's rebuild.
insert into table_changes (run_id, table_name, rows_inserted, rows_updated, rows_deleted)
with

before as (select table_name, key_hash, row_hash from table_rows where side = 'before'),

after as (select table_name, key_hash, row_hash from table_rows where side = 'after'),

compared as (
    select
        coalesce(after.table_name, before.table_name) as table_name,
        before.key_hash is null as is_inserted,
        after.key_hash is null as is_deleted,
        before.row_hash <> after.row_hash as is_updated
    from after
    full outer join before using (table_name, key_hash)
),

final as (
    select
        $run_id as run_id,
        table_name,
        count(*) filter (where is_inserted) as rows_inserted,
        count(*) filter (where is_updated) as rows_updated,
        count(*) filter (where is_deleted) as rows_deleted
    from compared
    group by table_name
)

select * from final
