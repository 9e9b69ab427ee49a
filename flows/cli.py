"""The `matterhouse` command: a thin layer over the flows that turns errors into one line."""

import argparse
import json
import os
import sys
import time

from transforms.errors import MatterhouseError

from . import settings


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.command(args)
    except MatterhouseError as error:
        print(f"matterhouse: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("matterhouse: interrupted; the warehouse is unchanged by this run", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matterhouse", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="load front-matter files into the warehouse")
    run.add_argument(
        "--source",
        action="append",
        metavar="DIR",
        help="folder to read, repeatable (env MATTERHOUSE_SOURCE; default: the bundled sample/)",
    )
    run.add_argument("--warehouse", metavar="DIR", help="output folder (env MATTERHOUSE_WAREHOUSE; default: ./warehouse)")
    run.add_argument(
        "--extensions",
        metavar="LIST",
        help="comma-separated file extensions to read (env MATTERHOUSE_EXTENSIONS; default: md,markdown,txt)",
    )
    run.add_argument(
        "--max-file-size",
        metavar="SIZE",
        help="reject larger files unread, e.g. 5MB, 512KB (env MATTERHOUSE_MAX_FILE_SIZE; default: 5MB)",
    )
    run.add_argument(
        "--checks",
        metavar="DIR",
        help="folder of extra data checks: SQL files that must return no rows (env MATTERHOUSE_CHECKS)",
    )
    run.add_argument("--full-refresh", action="store_true", help="read every file again and rebuild everything")
    run.add_argument(
        "--lock-timeout",
        type=float,
        metavar="SECONDS",
        help="how long to wait, with backoff, for another process to release the DuckDB file (default: 30)",
    )
    run.add_argument("--batch-size", type=int, default=None, metavar="N", help="files per parse task (default: 2000)")
    run.add_argument("--json", action="store_true", help="print the run's record as JSON instead of the summary")
    run.add_argument("--verbose", action="store_true", help="show Prefect's log on the console")
    run.set_defaults(command=run_command)
    return parser


def run_command(args: argparse.Namespace) -> int:
    config = settings.resolve(args.source, args.warehouse, args.extensions, args.max_file_size, args.checks)
    # Prefect reads its logging settings when imported: quiet its console unless asked.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO" if args.verbose else "CRITICAL")
    from .pipeline import DEFAULT_BATCH_SIZE, matterhouse_run
    from .settings import DEFAULT_LOCK_TIMEOUT

    clock = time.perf_counter()
    try:
        record = matterhouse_run(
            sources=[str(source) for source in config.sources],
            warehouse=str(config.warehouse),
            extensions=list(config.extensions),
            batch_size=args.batch_size or DEFAULT_BATCH_SIZE,
            max_file_size=config.max_file_size,
            checks_dir=str(config.checks_dir) if config.checks_dir else None,
            full_refresh=args.full_refresh,
            lock_timeout=DEFAULT_LOCK_TIMEOUT if args.lock_timeout is None else args.lock_timeout,
        )
    except MatterhouseError:
        raise
    except Exception as error:
        print(f"matterhouse: run failed: {type(error).__name__}: {error}", file=sys.stderr)
        print("matterhouse: nothing was published; rerun with --verbose for Prefect's log", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - clock
    if args.json:
        print(json.dumps(record, default=str, indent=2))
    else:
        print(format_summary(record, config, elapsed))
    return 0


def format_summary(record: dict, config: settings.Settings, elapsed: float) -> str:
    """The end-of-run block people read."""
    tables = ", ".join(
        f"{table} {record[table]:,}" for table in ("articles", "providers", "images", "article_relations", "article_topics")
    )
    lines = [
        f"matterhouse: run {record['status']} in {elapsed:.1f} s "
        f"(scan {record['scan_seconds']:.1f} s, parse {record['parse_seconds']:.1f} s, "
        f"load {record['load_seconds']:.1f} s, export {record['export_seconds']:.1f} s)",
        f"  files      {record['files_seen']:,} seen: {record['files_new']:,} new, {record['files_changed']:,} changed, "
        f"{record['files_unchanged']:,} unchanged, {record['files_deleted']:,} deleted",
        f"  articles   from {record['files_loaded']:,} files loaded, {record['files_superseded']:,} superseded, "
        f"{record['files_rejected']:,} rejected; {record['data_warnings']:,} data warnings",
        f"  tables     {tables}",
        f"  changes    {format_changes(record['table_changes'])}",
        f"  checks     {record['checks_passed']} passed, {record['checks_failed']} failed",
        f"  warehouse  {config.warehouse / 'matterhouse.duckdb'} and {config.warehouse / 'parquet'}/",
    ]
    if record["files_rejected"] or record["data_warnings"]:
        lines.append("  details    select path, reason from rejected_files; select * from data_warnings")
    return "\n".join(lines)


def format_changes(table_changes: list[dict]) -> str:
    """Rows inserted (+), updated (~) and deleted (-) per table, for tables that changed."""
    parts = [
        f"{row['table_name']} +{row['rows_inserted']:,} ~{row['rows_updated']:,} -{row['rows_deleted']:,}"
        for row in table_changes
        if row["rows_inserted"] or row["rows_updated"] or row["rows_deleted"]
    ]
    return ", ".join(parts) or "none: nothing changed"


if __name__ == "__main__":
    sys.exit(main())
