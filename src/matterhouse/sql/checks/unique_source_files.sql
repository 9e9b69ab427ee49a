-- Holds when: source_file_id and (source, path) are unique.
-- dbt test: unique source_files.source_file_id
-- dbt test: unique source_files (source, path)
select source_file_id, count(*) as copies from source_files where {everything} or source_file_id in (select source_file_id from scope_files) group by all having count(*) > 1
union all
select source || '/' || path, count(*) from source_files where {everything} or source_file_id in (select source_file_id from scope_files) group by source, path having count(*) > 1
