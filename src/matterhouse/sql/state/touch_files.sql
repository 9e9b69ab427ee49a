-- Files whose modification time or size changed but whose bytes did not: keep their rows.
update parsed.files
set size_bytes = touched.size_bytes, modified_at = touched.modified_at
from (
    select unnest($source_file_ids) as source_file_id,
           unnest($sizes) as size_bytes,
           unnest($modified_ats) as modified_at
) as touched
where parsed.files.source_file_id = touched.source_file_id
