-- The articles Parquet dataset, step 2: one month's file, sorted by publication time (and
-- key) so that row-group statistics prune too and the file is the same on every run.
copy (
    select *
    from read_parquet($month_files, hive_partitioning = false)
    order by published_at, article_id
) to $file (format parquet, compression zstd)
