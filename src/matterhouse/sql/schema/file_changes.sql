-- Grain: one row per file a run added, changed or deleted. Key: (run_id, source_file_id).
create table if not exists file_changes (
    run_id varchar not null,         -- -> etl_runs.run_id
    source_file_id varchar not null,
    source varchar not null,
    path varchar not null,
    change varchar not null,         -- added | changed | deleted
    content_hash varchar             -- the new content's hash; the last known one for deleted files
)
