"""The end-of-run summary, written once for every way a run is started: `print(result)`
after `matterhouse.run`, the CLI, and the Prefect flow run's log and artifact."""

from pathlib import Path

from matterhouse.plumbing import words
from matterhouse.store.snapshots import PARQUET
from matterhouse.store.views_file import VIEWS_FILE
from matterhouse.store.warehouse import DATABASE_FILE

SUMMARY_TABLES = ("articles", "providers", "images", "article_relations", "article_topics")
# The stages each run times (etl_runs.<stage>_seconds), in the order they run.
STAGES = ("scan", "parse", "load", "export")


def summary_text(record: dict, warehouse: Path, seconds: float, published_to: str | None = None) -> str:
    """A run's summary from its etl_runs row (with table_changes and commonest_rejection)."""
    tables = ", ".join(f"{table} {record[table]:,}" for table in SUMMARY_TABLES)
    stages = ", ".join(f"{stage} {words.seconds(record[f'{stage}_seconds'])}" for stage in STAGES)
    lines = [
        f"matterhouse: run {record['status']} in {words.seconds(seconds)} ({stages})",
        f"  files      {record['files_seen']:,} seen: {record['files_new']:,} new, {record['files_changed']:,} changed, "
        f"{record['files_unchanged']:,} unchanged, {record['files_deleted']:,} deleted",
        f"  articles   from {words.count(record['files_loaded'], 'file')} loaded, {record['files_superseded']:,} "
        f"superseded, {record['files_rejected']:,} rejected; {words.count(record['data_warnings'], 'data warning')}",
        *_nothing_loaded(record),
        f"  tables     {tables}",
        f"  changes    {format_changes(record['table_changes'])}",
        f"  checks     {record['checks_passed']} passed, {record['checks_failed']} failed",
        f"  warehouse  {warehouse / DATABASE_FILE} and {warehouse / PARQUET}/; readers open {warehouse / VIEWS_FILE}",
    ]
    if published_to:
        lines.append(f"  published  {published_to} (read it with matterhouse.read_table)")
    if record["files_rejected"] or record["data_warnings"]:
        lines.append("  details    select path, reason from rejected_files; select * from data_warnings")
    return "\n".join(lines)


def _nothing_loaded(record: dict) -> list[str]:
    """A plain line when the run left no file loaded, with the commonest reason."""
    if record["files_loaded"]:
        return []
    if not record["files_seen"]:
        return ["  nothing    loaded: no file in the sources has one of the extensions read (see --extensions)"]
    commonest = record["commonest_rejection"]
    return [
        f"  nothing    loaded: every file was rejected, most often ({words.count(commonest['files'], 'file')}) "
        f"because {commonest['reason']}"
    ]


def format_changes(table_changes: list[dict]) -> str:
    """Rows inserted (+), updated (~) and deleted (-) per table, for tables that changed."""
    parts = [
        f"{row['table_name']} +{row['rows_inserted']:,} ~{row['rows_updated']:,} -{row['rows_deleted']:,}"
        for row in table_changes
        if row["rows_inserted"] or row["rows_updated"] or row["rows_deleted"]
    ]
    return ", ".join(parts) or "none: nothing changed"
