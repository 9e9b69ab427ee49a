-- Grain: one row per bad field value found in a file of the sources.
-- Built by key: the changed files (sql/scopes/published.sql).
with

final as (
    select
        warnings.source_file_id,
        files.path,
        warnings.field,
        warnings.raw_value,
        warnings.message,
        files.run_id
    from parsed.file_warnings as warnings
    inner join parsed.files as files using (source_file_id)
    where {everything} or source_file_id in (select source_file_id from scope_files)
)

select * from final
