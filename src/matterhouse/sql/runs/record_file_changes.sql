-- Records which files this run added, changed or deleted (run before forgetting them).
insert into file_changes (run_id, source_file_id, source, path, change, content_hash)
select
    $run_id,
    run_files.source_file_id,
    run_files.source,
    run_files.path,
    case when previous.source_file_id is null then 'added' else 'changed' end,
    run_files.content_hash
from run_files
left join parsed.files as previous using (source_file_id)
where previous.content_hash is distinct from run_files.content_hash
   or previous.reason is distinct from run_files.reason
union all
select $run_id, source_file_id, source, path, 'deleted', content_hash
from parsed.files
where source_file_id in (select unnest($deleted_ids))
