"""The end-of-run summary, written once for every way a run is started: `print(result)`
after `matterhouse.run`, the CLI, and the Prefect flow run's log and artifact.

Lines are at most WIDTH characters wherever they are shown (a terminal of any width, a
pipe, a log), wrapped between words; a list (tables, changes) wraps between its items.
"""

import shlex
import textwrap
from pathlib import Path

from matterhouse.plumbing import words
from matterhouse.plumbing.settings import RunOptions, resolve_warehouse
from matterhouse.store.snapshots import PARQUET
from matterhouse.store.views_file import VIEWS_FILE
from matterhouse.store.warehouse import DATABASE_FILE

SUMMARY_TABLES = ("articles", "providers", "images", "article_relations", "article_topics")
# The stages each run times (etl_runs.<stage>_seconds), in the order they run.
STAGES = ("scan", "parse", "load", "export")
WIDTH = 80
LABEL = 13  # "  " + the label, padded: where every line's text starts
NO_BREAK = "\u00a0"  # textwrap breaks at ASCII whitespace only


def publication(options: RunOptions) -> dict:
    """What the summary says of --publish, as summary_text's keyword arguments: the
    location, and what it holds beside the manifests (Iceberg tables, or nothing more)."""
    return {
        "published_to": None if options.publish is None else str(options.publish),
        "published_as": f"Iceberg tables {options.iceberg_namespace}.*" if options.table_format == "iceberg" else None,
    }


def summary_text(
    record: dict, warehouse: Path, seconds: float, published_to: str | None = None, published_as: str | None = None
) -> str:
    """A run's summary from its etl_runs row (with table_changes and commonest_rejection).
    `seconds` is the whole call's time, start-up included; the run's own (as
    `matterhouse status` shows it) is from its start to the end of its load."""
    run_seconds = (record["finished_at"] - record["started_at"]).total_seconds()
    stages = ", ".join(f"{stage} {record[f'{stage}_seconds']:.1f}" for stage in STAGES)
    lines = [
        f"matterhouse: run {record['status']} in {words.seconds(run_seconds)}",
        _line("seconds", f"{stages}; {seconds:.1f} with start-up"),
        _line(
            "this run",
            f"{words.count(record['files_seen'], 'file')} found: {record['files_new']:,} new, "
            f"{record['files_changed']:,} changed, {record['files_unchanged']:,} unchanged, "
            f"{record['files_deleted']:,} deleted",
        ),
        _line(
            "warehouse",
            f"{words.count(record['articles'], 'article')} from {words.count(record['files_loaded'], 'file')}, "
            f"{record['files_superseded']:,} superseded, {record['files_rejected']:,} rejected; "
            f"{words.count(record['data_warnings'], 'warning')}",
        ),
        *_nothing_loaded(record),
        _items("tables", [f"{table} {record[table]:,}" for table in SUMMARY_TABLES]),
        _items("changes", format_changes(record["table_changes"])),
        _line("checks", f"{record['checks_passed']} passed, {record['checks_failed']} failed"),
        _line(
            "files",
            f"{warehouse / DATABASE_FILE} and {warehouse / PARQUET}/; readers open {warehouse / VIEWS_FILE}",
        ),
    ]
    if published_to:
        also = f" as {published_as} (or read it with" if published_as else " (read it with"
        lines.append(_line("published", f"{published_to}{also} matterhouse.read_table)"))
    if record["files_rejected"] or record["data_warnings"]:
        lines.append(_commands("details", warehouse, record))
    return "\n".join(lines)


def format_changes(table_changes: list[dict]) -> list[str]:
    """Rows inserted (+), updated (~) and deleted (-) per table, for tables that changed."""
    changed = [
        f"{row['table_name']} +{row['rows_inserted']:,} ~{row['rows_updated']:,} -{row['rows_deleted']:,}"
        for row in table_changes
        if row["rows_inserted"] or row["rows_updated"] or row["rows_deleted"]
    ]
    return changed or ["none: nothing changed"]


def _line(label: str, text: str) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=f"  {label:<{LABEL - 2}}",
        subsequent_indent=" " * LABEL,
        break_long_words=False,
        break_on_hyphens=False,
    ).replace(NO_BREAK, " ")


def _items(label: str, items: list[str]) -> str:
    """A list that wraps between its items, never inside one."""
    return _line(label, ", ".join(item.replace(" ", NO_BREAK) for item in items))


def _commands(label: str, warehouse: Path, record: dict) -> str:
    """Commands a person can paste to see what was rejected and what warned."""
    where = "" if warehouse == resolve_warehouse() else f" --warehouse {shlex.quote(str(warehouse))}"
    tables = [
        *(["rejected_files"] if record["files_rejected"] else []),
        *(["data_warnings"] if record["data_warnings"] else []),
    ]
    commands = [f'matterhouse query{where} "from {table}"'.replace(" ", NO_BREAK) for table in tables]
    return "\n".join(_line(label if index == 0 else "", command) for index, command in enumerate(commands))


def _nothing_loaded(record: dict) -> list[str]:
    """A plain line when the run left no file loaded, with the commonest reason."""
    if record["files_loaded"]:
        return []
    if not record["files_seen"]:
        return [_line("nothing", "loaded: no file in the sources has one of the extensions read (see --extensions)")]
    commonest = record["commonest_rejection"]
    return [
        _line(
            "nothing",
            f"loaded: every file was rejected, most often ({words.count(commonest['files'], 'file')}) "
            f"because {commonest['reason']}",
        )
    ]
