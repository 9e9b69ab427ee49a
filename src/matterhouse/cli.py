"""matterhouse loads folders of YAML front-matter news articles into a DuckDB
warehouse and Parquet datasets, reading only what changed since the last run.

Start with `matterhouse run` (it loads the bundled sample into ./warehouse),
then `matterhouse query "select * from articles limit 5"`. Every command takes
--help.
"""

import argparse
import difflib
import functools
import json
import os
import shutil
import signal
import sys
import textwrap
import traceback
import urllib.request
from pathlib import Path

from matterhouse import __version__
from matterhouse.plumbing import interrupts, settings, words
from matterhouse.transforms.errors import MatterhouseError

DEFAULT_INTERVAL = 900.0
# Help as wide as the summary, in a terminal of any width and in a pipe alike; the
# description keeps the line breaks written here. Options are never abbreviated: a
# scheduled command line must not change meaning when an option is added.
HELP_FORMAT = functools.partial(argparse.RawDescriptionHelpFormatter, width=80)
# The query command's output formats (see matterhouse.read.query.run_query).
QUERY_FORMATS = ("table", "csv", "json", "parquet")


def entry_point() -> int:
    """The `matterhouse` command's process: it alone stops a run cleanly on SIGINT and
    SIGTERM, and keeps pandas out of a run that does not need it (see main for the rest)."""
    interrupts.install()
    if "pandas" not in sys.modules:
        from matterhouse.plumbing.nopandas import leave_pandas_out

        leave_pandas_out()
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as a tool killed by SIGPIPE does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return status


def main(argv: list[str] | None = None) -> int:
    """Run one command; errors become one line on stderr and exit status 1 (argparse's
    usage errors exit 2), interrupts 130 (SIGINT) or 143 (SIGTERM)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command's own parser, with its own usage
        args.parser.error(f"unrecognized arguments: {' '.join(unknown)}{_did_you_mean(args.parser, unknown)}")
    try:
        return args.command(args)
    except MatterhouseError as error:
        if interrupts.received():
            return interrupts.report(interrupts.received())
        print(words.lines_for_people(f"matterhouse: error: {error}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return interrupts.report(interrupts.received() or signal.SIGINT)
    except OSError as error:  # a file named on the command line: missing, a folder, unwritable
        if isinstance(error, BrokenPipeError):
            raise
        print(words.lines_for_people(f"matterhouse: error: {error.strerror or error}: {error.filename}"), file=sys.stderr)
        return 1


def _did_you_mean(parser: argparse.ArgumentParser, unknown: list[str]) -> str:
    """The option a mistyped one probably meant (--sorce: --source)."""
    options = [option for action in parser._actions for option in action.option_strings if option.startswith("--")]
    for word in unknown:
        if word.startswith("--"):
            close = difflib.get_close_matches(word.split("=", 1)[0], options, n=1, cutoff=0.6)
            if close:
                return f" (did you mean {close[0]}?)"
    return ""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matterhouse", description=__doc__, formatter_class=HELP_FORMAT, allow_abbrev=False)
    parser.add_argument("--version", action="version", version=f"matterhouse {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = add_command(commands, "run", "load front-matter files into the warehouse")
    add_run_options(run)
    run.add_argument("--json", action="store_true", help="print the run's record as JSON instead of the summary")
    run.add_argument(
        "--prefect",
        action="store_true",
        help="run as a Prefect flow run even when no Prefect API is configured (on a temporary local server)",
    )
    run.add_argument(
        "--verbose", action="store_true", help="show Prefect's log on the console, and the traceback of a failed run"
    )
    run.set_defaults(command=run_command, parser=run)

    serve = add_command(commands, "serve", "serve the run as a scheduled Prefect deployment")
    add_run_options(serve)
    schedule = serve.add_mutually_exclusive_group()
    schedule.add_argument("--cron", metavar="EXPR", help='cron schedule, e.g. "*/15 * * * *"')
    schedule.add_argument(
        "--interval", type=float, metavar="SECONDS", help=f"run every SECONDS (default: {DEFAULT_INTERVAL:.0f})"
    )
    serve.add_argument("--name", default="scheduled", help="deployment name (default: scheduled)")
    serve.set_defaults(command=serve_command, parser=serve)

    query = add_command(commands, "query", "run SQL on the warehouse, read-only")
    statement = query.add_mutually_exclusive_group(required=True)
    statement.add_argument("sql", nargs="?", help="the SQL to run")
    statement.add_argument("--file", type=Path, metavar="FILE", help="read the SQL from FILE")
    statement.add_argument("--tables", action="store_true", help="list the tables and views with their row counts")
    query.add_argument(
        "--as-of",
        metavar="RUN_ID_OR_TIMESTAMP",
        help="answer from the tables of a run: its id (or first characters) or its start time, as `matterhouse status` "
        "shows them, or any ISO 8601 time (the last run finished by then)",
    )
    query.add_argument("--format", choices=QUERY_FORMATS, default="table", help="output format (default: table)")
    query.add_argument("--output", type=Path, metavar="FILE", help="write the result to FILE instead of printing it")
    add_warehouse_option(query)
    query.set_defaults(command=query_command, parser=query)

    report = add_command(commands, "report", "write a self-contained HTML report with charts")
    report.add_argument("--output", type=Path, default=Path("report.html"), metavar="FILE", help="default: report.html")
    add_warehouse_option(report)
    report.set_defaults(command=report_command, parser=report)

    status = add_command(commands, "status", "show the last runs and the size of each table")
    add_warehouse_option(status)
    status.add_argument(
        "--runs", type=settings.positive_integer, default=10, metavar="N", help="how many recent runs to show (default: 10)"
    )
    status.add_argument("--json", action="store_true", help="print runs and table sizes as JSON")
    status.set_defaults(command=status_command, parser=status)

    dbt = add_command(commands, "dbt", "write a dbt sources.yml for the warehouse's views.duckdb")
    dbt.add_argument("--output", type=Path, metavar="FILE", help="write it to FILE, e.g. models/sources.yml (default: print it)")
    add_warehouse_option(dbt)
    dbt.set_defaults(command=dbt_command, parser=dbt)
    return parser


def add_command(commands, name: str, help: str) -> argparse.ArgumentParser:
    return commands.add_parser(name, help=help, formatter_class=HELP_FORMAT, allow_abbrev=False)


def add_warehouse_option(parser: argparse.ArgumentParser) -> None:
    """--warehouse for the commands that read a warehouse (run and serve take RunOptions')."""
    parser.add_argument("--warehouse", metavar="DIR", help="warehouse folder (env MATTERHOUSE_WAREHOUSE; default: ./warehouse)")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options that configure a run, shared by `run` and `serve`: one flag per
    RunOptions field, as the field's metadata declares it."""
    for name, declared in settings.OPTIONS.items():
        spec = declared.metadata
        notes = [f"env {spec['env']}" if spec["env"] else None, spec["shown_default"] and f"default: {spec['shown_default']}"]
        notes = "; ".join(note for note in notes if note)
        help_text = f"{spec['help']} ({notes})" if notes else spec["help"]
        named = {"metavar": spec["metavar"]} if spec["metavar"] else {}
        parser.add_argument(spec["flag"], dest=name, help=help_text, **named, **spec["argparse"])


def run_options(args: argparse.Namespace) -> settings.RunOptions:
    """The run options from the flags (flags > environment > defaults)."""
    return settings.resolve(**{name: getattr(args, name) for name in settings.OPTIONS})


def run_command(args: argparse.Namespace) -> int:
    """A Prefect flow run when a Prefect API is configured or --prefect asks for one;
    otherwise the library's steps, right here, with no Prefect at all."""
    # Prefect reads its logging settings when imported: quiet its console unless asked.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO" if args.verbose else "CRITICAL")
    options = run_options(args)
    from matterhouse.api import run_resolved

    configured = settings.prefect_api_configured()
    if args.prefect and not configured and sys.stderr.isatty():  # else a blank terminal for 10-20 s
        print("matterhouse: starting a temporary Prefect server (set PREFECT_API_URL for yours)", file=sys.stderr)
    try:
        result = run_resolved(options, prefect=args.prefect or configured)
    except MatterhouseError:
        raise
    except Exception as error:
        if interrupts.received():  # what the interrupt broke: a DuckDB statement, a worker
            return interrupts.report(interrupts.received())
        if args.verbose:
            traceback.print_exc()
        from matterhouse.plumbing.faults import explain

        print(words.lines_for_people(f"matterhouse: run failed: {explain(error, options)}"), file=sys.stderr)
        return 1
    print(json.dumps(result.record, default=str, indent=2) if args.json else result)
    return 0


def serve_command(args: argparse.Namespace) -> int:
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    options = run_options(args)
    require_prefect_server()
    from matterhouse.flows.pipeline import flow_parameters, matterhouse_run  # first: it quiets Prefect's telemetry

    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval or DEFAULT_INTERVAL}
    from prefect.deployments.runner import EntrypointType

    matterhouse_run.serve(
        name=args.name,
        parameters=flow_parameters(options),
        description="Load front-matter news files into the matterhouse warehouse.",
        entrypoint_type=EntrypointType.MODULE_PATH,  # the installed package, from any folder
        **schedule,
    )
    return 0


def require_prefect_server() -> None:
    """serve schedules runs on a Prefect server; without one it would idle for ever."""
    url = settings.prefect_api_url()
    start = (
        "start one with `PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 prefect server start`, "
        "then `export PREFECT_API_URL=http://127.0.0.1:4200/api`"
    )
    if url is None:
        raise settings.ConfigurationError(f"serve needs a Prefect server to schedule runs on: {start}, and serve again")
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=5):
            pass
    except (OSError, ValueError):
        raise settings.ConfigurationError(
            f"no Prefect server answers at PREFECT_API_URL={url}: {start}, or correct it, and serve again"
        ) from None


def query_command(args: argparse.Namespace) -> int:
    from matterhouse.read.query import list_tables, run_query

    warehouse = settings.resolve_warehouse(args.warehouse)
    if args.tables:
        if args.as_of:
            raise MatterhouseError("--tables lists the warehouse as it is now; leave out --as-of")
        print(list_tables(warehouse))
        return 0
    statement = args.file.read_text(encoding="utf-8") if args.file else args.sql
    if not statement.strip():
        raise MatterhouseError('the SQL is empty: give a query, e.g. matterhouse query "select count(*) from articles"')
    width = shutil.get_terminal_size().columns if args.output is None and sys.stdout.isatty() else None
    text = run_query(warehouse, statement, args.format, args.output, width, as_of=args.as_of)
    if text is not None:
        print(text)
    return 0


def report_command(args: argparse.Namespace) -> int:
    from matterhouse.read.report import render_report

    args.output.write_text(render_report(settings.resolve_warehouse(args.warehouse)), encoding="utf-8")
    print(f"matterhouse: report written to {args.output}")
    return 0


def dbt_command(args: argparse.Namespace) -> int:
    from matterhouse.read.dbt_sources import sources_yml

    text = sources_yml(settings.resolve_warehouse(args.warehouse))
    if args.output is None:
        print(text, end="")
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"matterhouse: dbt sources written to {args.output}")
    return 0


def status_command(args: argparse.Namespace) -> int:
    from matterhouse.read.status import read_status

    warehouse = settings.resolve_warehouse(args.warehouse)
    runs, tables = read_status(warehouse, args.runs)
    if args.json:
        print(json.dumps({"runs": runs, "tables": tables}, default=str, indent=2))
    else:
        print(format_status(runs, tables))
    return 0


def format_status(runs: list[dict], tables: dict[str, int]) -> str:
    """Recent runs, newest first, two lines each with the run id and start time that
    `query --as-of` takes; then the row count of each table. No line is over 80 columns."""
    lines = []
    for run in runs:
        lines.append(
            f"run {run['run_id'][:8]}  started {run['started_at']:%Y-%m-%d %H:%M:%S} UTC  "
            f"{run['status']} in {words.seconds(run['seconds'])}"
        )
        counts = (
            f"{words.count(run['files_seen'], 'file')}: {run['files_new']:,} new, {run['files_changed']:,} changed, "
            f"{run['files_deleted']:,} deleted, {run['files_rejected']:,} rejected; "
            f"{words.count(run['data_warnings'], 'warning')}; {words.count(run['articles'], 'article')}"
        )
        lines.append(textwrap.fill(counts, width=80, initial_indent="    ", subsequent_indent="    "))
    if runs:
        lines += ["", "(query --as-of takes a run id above, or a start time, to answer as of that run)"]
    name_width = max(map(len, tables))
    count_width = max(len(f"{count:,}") for count in tables.values())
    lines += ["", f"{'table'.ljust(name_width)}  {'rows'.rjust(count_width)}"]
    lines += [f"{name.ljust(name_width)}  {count:>{count_width},}" for name, count in tables.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(entry_point())
