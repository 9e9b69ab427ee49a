-- Holds when: status is loaded, superseded or rejected, and only rejected and superseded files have a reason.
-- dbt test: accepted_values source_files.status: loaded, superseded, rejected
select path, status, reason from source_files
where ({everything} or source_file_id in (select source_file_id from scope_files))
  and (status not in ('loaded', 'superseded', 'rejected') or (status = 'loaded') <> (reason is null))
