-- Grain: one row per rejected file of the latest run.
create or replace view rejected_files as
select
    path,
    reason,
    source,
    source_file_id,
    run_id
from source_files
where status = 'rejected'
