-- A reader's view of one published table: its Parquet dataset in the warehouse's current
-- snapshot, found through the `parquet` link at each query, so a reader that keeps the
-- views file open sees each new run. No data of its own.
create or replace view {table} as
select * from read_parquet({files}, hive_partitioning = {hive})
