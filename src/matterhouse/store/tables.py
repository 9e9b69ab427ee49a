"""The registry of every table, view and SQL parameter in the warehouse: the one place to
add one. Each name maps to its SQL files by convention, which tests/test_sql_registry.py
enforces in both directions (every registered name has its files; every SQL file names
only registered tables and parameters).

| kind              | DuckDB name           | columns declared in                 | filled by               |
|-------------------|-----------------------|-------------------------------------|-------------------------|
| parsed table      | parsed.<name>         | transforms/tables.py PARSED_SCHEMAS | each run's parse output |
| state table       | state.<name>          | sql/state/schema/<name>.sql         | the load's own steps    |
| intermediate model| intermediate.<name>   | (its query)                         | sql/models/<name>.sql   |
| model table       | <name>                | sql/schema/<name>.sql               | sql/models/<name>.sql   |
| history table     | <name>                | sql/schema/<name>.sql               | sql/runs/*.sql          |
| view              | <name>                | sql/views/<name>.sql                |                         |

Parsed tables hold what each file says (their Arrow schemas are what parse workers write,
and their DDL and the select that reads a run's Parquet are derived from them); model
tables are rebuilt from them with the merge rules; every model and history table is
published as a Parquet dataset, its columns as its DDL declares them, sorted by its
EXPORT_ORDER (steps/export.py).
"""

# parsed.<name>: one per parser output (transforms/tables.py PARSED_SCHEMAS, in its
# order; named here so that reading the registry imports no pyarrow).
PARSED_TABLES = (
    "files",
    "file_articles",
    "file_article_images",
    "file_article_topics",
    "file_article_relations",
    "file_article_urls",
    "file_warnings",
)
# Columns the load adds to a parsed table, beside those parse workers write: the run that
# last read each file. {column: DuckDB type}.
STAMPED_COLUMNS = {"files": {"run_id": "varchar not null"}}
# state.<name>: the warehouse's own bookkeeping.
STATE_TABLES = ("schema_migrations", "last_checks", "export_layout", "models_built")
# intermediate.<name>: rebuilt with the model tables, in this order, read by their models.
INTERMEDIATE_MODELS = ("url_resolutions", "chosen_file_articles", "story_copies")
# Built from the parsed tables by sql/models/<table>.sql, in this order; with the columns
# that identify a row (table_changes counts rows inserted, updated and deleted by them).
MODEL_TABLES = {
    "articles": "article_id",
    "providers": "provider_id",
    "images": "article_id, position",
    "article_relations": "article_id, related_article_id",
    "article_topics": "article_id, topic",
    "article_urls": "article_id, url",
    "source_files": "source_file_id",
    "data_warnings": "source_file_id, field, message",
}
# The key each model's rows are built by in a build by key, and the scope table that holds
# the keys to recompute (sql/scopes/ fills them; steps/models.py).
SCOPES = {
    "url_resolutions": ("named_id", "scope_named_ids"),
    "chosen_file_articles": ("article_id", "scope_articles"),
    "story_copies": ("story_key", "scope_story_keys"),
    "articles": ("article_id", "scope_published_articles"),
    "providers": ("provider_id", "scope_providers"),
    "images": ("article_id", "scope_articles"),
    "article_relations": ("article_id", "scope_relations"),
    "article_topics": ("article_id", "scope_articles"),
    "article_urls": ("article_id", "scope_articles"),
    "source_files": ("source_file_id", "scope_files"),
    "data_warnings": ("source_file_id", "scope_files"),
}
# Records kept across runs, which no refresh rebuilds: etl_runs and check_results gain rows
# every run; the change records only when files changed; article_versions keeps every
# version of an article ever seen (sql/runs/record_article_versions.sql).
RUN_RECORD_TABLES = ("etl_runs", "check_results")
HISTORY_TABLES = (*RUN_RECORD_TABLES, "file_changes", "table_changes", "article_versions")
PUBLISHED_TABLES = (*MODEL_TABLES, *HISTORY_TABLES)
# The order each published table's Parquet rows are written in: the same file on every run
# for the same rows, and row groups that readers filtering on these columns can skip.
EXPORT_ORDER = {
    "articles": "published_at, article_id",
    "providers": "provider_id",
    "images": "article_id, position",
    "article_relations": "article_id, position",
    "article_topics": "article_id, topic",
    "article_urls": "article_id, url",
    "source_files": "source, path",
    "data_warnings": "path, source_file_id, field, message",
    "etl_runs": "started_at, run_id",
    "check_results": "run_id, check_name",
    "file_changes": "run_id, source, path",
    "table_changes": "run_id, table_name",
    "article_versions": "article_id, version",
}
# How each published table's Parquet dataset is split into files, so that a run rewrites only
# the files holding rows it changed (steps/export.py): rows go to one of the table's buckets
# by this column (a hex hash or UUID, whose first 32 bits pick the bucket; an article's rows
# are in the same bucket of every table keyed by article), and articles also into Hive-style
# folders by publication month (published_month=YYYY-MM, or =unknown).
BUCKET_COLUMNS = {
    "articles": "article_id",
    "providers": "provider_id",
    "images": "article_id",
    "article_relations": "article_id",
    "article_topics": "article_id",
    "article_urls": "article_id",
    "source_files": "source_file_id",
    "data_warnings": "source_file_id",
    "etl_runs": "run_id",
    "check_results": "run_id",
    "file_changes": "run_id",
    "table_changes": "run_id",
    "article_versions": "article_id",
}
FOLDERS = {"articles": "'published_month=' || coalesce(strftime(published_at, '%Y-%m'), 'unknown')"}
FOLDER_COLUMNS = {"articles": "published_at"}  # the month folders' column, for reading one folder's rows
PARTITIONED_TABLES = tuple(FOLDERS)
# The column naming the run that wrote a history table's row: its files that hold this
# run's rows are written again, or, for tables whose rows never change once written, get
# them in a file of their own (True).
RUN_COLUMNS = {
    "etl_runs": ("run_id", True),
    "check_results": ("run_id", True),
    "file_changes": ("run_id", True),
    "table_changes": ("run_id", True),
    "article_versions": ("last_seen_run", False),
}
# Analysis views over the published tables (sql/views/<view>.sql), recreated with every run.
VIEWS = (
    "rejected_files",
    "articles_per_day",
    "topic_trends_weekly",
    "top_providers",
    "most_cited_articles",
    "provider_citations",
    "image_coverage",
    "coverage_gaps",
    "stories",
    "headline_changes",
)

# Every $parameter a SQL file may take; run_sql refuses any other name.
PARAMETERS = {
    "run_id": "the run's id (a Prefect flow run id, or a fresh UUID outside Prefect)",
    "started_at": "when the run started",
    "finished_at": "when the load finished",
    "status": "succeeded | failed",
    "sources": "the run's source locations",
    "files_seen": "files the scan found",
    "files_read": "files the run opened",
    "scan_seconds": "stage timing",
    "parse_seconds": "stage timing",
    "load_seconds": "stage timing",
    "export_seconds": "stage timing",
    "deleted_ids": "source_file_ids of files the scan no longer finds",
    "full_refresh": "whether every file is read again",
    "parse_rules": "the parse-rule version of this matterhouse",
    "source_file_ids": "touched files: ids",
    "sizes": "touched files: new sizes",
    "modified_ats": "touched files: new modification times",
    "fingerprint": "hash of the data checks' names and texts",
    "check_name": "a data check's name",
    "failing_rows": "rows a data check returned",
    "sample": "a few of those rows, as JSON",
    "side": "before | after, for counting table changes",
    "limit": "how many rows a status or report query returns",
    "version": "a schema migration's number",
    "description": "a schema migration's description",
    "applied_at": "when a schema migration was applied",
    "ddl_fingerprint": "hash of the DDL and view texts a schema change applied",
    "rules_fingerprint": "hash of the DDL, views and merge rules a whole build used",
    "columns_fingerprint": "hash of every table's columns after a schema change",
    "tables": "the tables whose columns are compared with the DDL",
    "parts": "the file parts of a published table to write",
    "table_name": "a published table's name",
    "buckets": "how many buckets a published table's files use",
}
