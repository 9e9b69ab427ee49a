-- Drops the parsed rows of files that changed or disappeared; their new rows come next.
delete from parsed.{table}
where source_file_id in (select source_file_id from forgotten_files)
