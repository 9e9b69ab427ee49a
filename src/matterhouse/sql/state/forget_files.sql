-- Drops the staging rows of files that changed or disappeared; their new rows come next.
delete from staging.{table}
where source_file_id in (select source_file_id from forgotten_files)
