-- Holds when: every warning names a file of source_files.
-- dbt test: relationships data_warnings.source_file_id -> source_files.source_file_id
with

source_files as (
    select source_file_id from source_files where {everything} or source_file_id in (select source_file_id from scope_files)
)

select warnings.source_file_id, warnings.field from data_warnings as warnings
anti join source_files using (source_file_id)
where {everything} or warnings.source_file_id in (select source_file_id from scope_files)
