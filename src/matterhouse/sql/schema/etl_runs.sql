-- Grain: one row per run. Key: run_id (the Prefect flow run id, or a fresh UUID for a run outside Prefect).
create table if not exists etl_runs (
    run_id varchar not null,
    started_at timestamptz not null,
    finished_at timestamptz not null,
    status varchar not null,         -- succeeded | failed (a data check failed; nothing else changed)
    sources varchar[] not null,
    files_seen bigint not null,
    files_read bigint not null,
    files_new bigint not null,
    files_changed bigint not null,
    files_unchanged bigint not null,
    files_deleted bigint not null,
    files_loaded bigint not null,
    files_superseded bigint not null,
    files_rejected bigint not null,
    data_warnings bigint not null,
    articles bigint not null,
    providers bigint not null,
    images bigint not null,
    article_relations bigint not null,
    article_topics bigint not null,
    checks_passed bigint not null,
    checks_failed bigint not null,
    scan_seconds double not null,
    parse_seconds double not null,
    load_seconds double not null,
    export_seconds double not null
)
