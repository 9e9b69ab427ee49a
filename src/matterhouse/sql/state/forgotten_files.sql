-- Files whose parsed rows must go: those read again in this run, and those that are gone.
create or replace temp table forgotten_files as
select source_file_id from run_files
union
select unnest($deleted_ids) as source_file_id
union
select source_file_id from parsed.files where $full_refresh
