"""Measure what a scheduled run costs when a little changed in a large archive.

    python benchmarks/increment_benchmark.py --files 100000 [--files 1000000] [--work /tmp/matterhouse-bench]
    python benchmarks/increment_benchmark.py --files 1000000 --increment live --skip-oracle --json increment.json

For each corpus size (generated with generate_corpus.py, seed 7, reused when present) it
copies the corpus to a working source folder and reports:
- full load: `matterhouse run --source SOURCE --warehouse DIR` as a user types it, into
  an empty warehouse, wall-clock seconds and the peak resident memory of the largest
  process of the run and of all of them together;
- rerun: the same command again with nothing changed (the baseline);
- increment: the same command after an increment to the source of 1,000 new files, 100
  files whose `title:` line was rewritten and 100 deleted files, with its ratio to the
  rerun (the aim is at most 3), its scan / parse / load / export seconds as the run
  recorded them, and its peak memory. The new files come from generate_corpus.py's
  generator (another seed, numbered on from the corpus); some of their related lists
  cite articles of the corpus, and some republish them. Two flavours (--increment):
  - harsh: the new files' publication times spread over the archive's three years, so
    that every month changes;
  - live: the new files all fall in the archive's newest month, as a live feed's would;
  in both, the edited and deleted files are drawn at random from the whole archive;
- full load of the result: the oracle, a full load of the same final files into an
  empty warehouse; its seconds (and the increment's ratio to them), and whether the
  increment's published tables are equal to it: the same rows in every Parquet dataset
  but the run history (etl_runs, check_results, file_changes, table_changes,
  article_versions), leaving out run_id and modified_at. --skip-oracle skips it (at a
  million files it costs a full load per flavour).
Each flavour starts from the warehouse the rerun left (copied aside, then put back) and
from the same source (the increment is undone afterwards). The source and warehouses are
in WORK/increment-FILES/, removed at the end unless --keep is given.
"""

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_corpus import ARCHIVE_END, ARCHIVE_START, WORDS, CorpusWriter  # noqa: E402
from run_benchmark import MATTERHOUSE, STAGES, ensure_corpus, stage_seconds, stages, timed_command  # noqa: E402

NEW, EDITED, DELETED = 1_000, 100, 100
CITED = 1_000  # corpus URLs the new files may cite or republish
SEED = 8  # the increment's: the corpus's is 7
FLAVOURS = ("harsh", "live")
HISTORY_TABLES = {"etl_runs", "check_results", "file_changes", "table_changes", "article_versions"}
IGNORED_COLUMNS = ("run_id", "modified_at")
TITLE_LINE = re.compile(rb"^title:[^\r\n]*", re.MULTILINE)
WEB_URL_LINE = re.compile(rb'^webUrl: "([^"]*)"', re.MULTILINE)


def corpus_files(folder: Path) -> list[str]:
    """Every file under the folder but the corpus's completion mark, as sorted relative paths."""
    found = []
    for directory, _, names in os.walk(folder):
        prefix = Path(directory).relative_to(folder)
        found += [str(prefix / name) for name in names if name != ".complete"]
    return sorted(found)


def newest_month() -> tuple[datetime, datetime]:
    """The archive's newest calendar month, as a (start, end) window of publication times."""
    last = ARCHIVE_END - timedelta(minutes=1)
    return last.replace(day=1, hour=0, minute=0, second=0, microsecond=0), ARCHIVE_END


class Increment:
    """1,000 new files, 100 edited titles and 100 deleted files, applied to a copy of the
    corpus and undone from the corpus. The edited, deleted and cited files are the same
    for both flavours; only the new files' publication times differ."""

    def __init__(self, corpus: Path, files: list[str], flavour: str):
        chosen = random.Random(SEED).sample(files, min(len(files), EDITED + DELETED + CITED))
        self.corpus, self.flavour = corpus, flavour
        self.edited, self.deleted = chosen[:EDITED], chosen[EDITED : EDITED + DELETED]
        self.cited = chosen[EDITED + DELETED :]
        self.first = len(files)
        self.new: list[str] = []

    def apply(self, source: Path) -> None:
        titles = random.Random(SEED)
        for path in self.edited:
            title = " ".join(titles.sample(WORDS, 6)).capitalize() + ", updated"
            data = (source / path).read_bytes()
            (source / path).write_bytes(TITLE_LINE.sub(f'title: "{title}"'.encode(), data, count=1))
        for path in self.deleted:
            (source / path).unlink()
        cite = [match.group(1).decode() for path in self.cited if (match := WEB_URL_LINE.search((source / path).read_bytes()))]
        window = newest_month() if self.flavour == "live" else (ARCHIVE_START, ARCHIVE_END)
        writer = CorpusWriter(SEED, NEW, 0.0, first=self.first, cite=cite, window=window)
        for path, data in writer.documents():
            (source / path).parent.mkdir(parents=True, exist_ok=True)
            (source / path).write_bytes(data)
            self.new.append(path)

    def undo(self, source: Path) -> None:
        """Put the source back as the corpus is, modification times included."""
        for path in self.new:
            (source / path).unlink()
        for path in self.edited + self.deleted:
            shutil.copy2(self.corpus / path, source / path)


def parquet_files(warehouse: Path, table: str) -> str | None:
    """The glob of a published table's Parquet files, or None when it has none."""
    folder = warehouse / "parquet" / table
    return f"{folder}/**/*.parquet" if folder.is_dir() and any(folder.rglob("*.parquet")) else None


def differing_tables(increment: Path, full: Path, spill: Path) -> dict[str, str]:
    """The published tables (not the run history) whose rows differ between two
    warehouses, leaving out the columns that name the run; each with how they differ."""
    tables = {folder.name for warehouse in (increment, full) for folder in (warehouse / "parquet").iterdir()}
    connection = duckdb.connect(config={"temp_directory": str(spill)})
    differing = {}
    try:
        for table in sorted(tables - HISTORY_TABLES):
            differing_rows = _compare(connection, parquet_files(increment, table), parquet_files(full, table))
            if differing_rows:
                differing[table] = differing_rows
    finally:
        connection.close()
        shutil.rmtree(spill, ignore_errors=True)
    return differing


def _compare(connection, increment: str | None, full: str | None) -> str | None:
    """How the rows of two datasets differ (rows only in each, or columns), or None."""

    def count(query: str) -> int:
        return connection.execute(f"select count(*) from ({query})").fetchone()[0]

    if increment is None or full is None:
        rows = [0 if files is None else count(f"from {_read(files)}") for files in (increment, full)]
        return f"{rows[0]} rows against {rows[1]}" if any(rows) else None
    columns = [connection.sql(f"from {_read(files)} limit 0").columns for files in (increment, full)]
    kept = [[name for name in names if name not in IGNORED_COLUMNS] for names in columns]
    if set(kept[0]) != set(kept[1]):
        return f"columns {sorted(set(kept[0]) ^ set(kept[1]))} in one only"
    selected = ", ".join(f'"{name}"' for name in kept[0])
    only = [
        count(f"select {selected} from {_read(first)} except all select {selected} from {_read(second)}")
        for first, second in ((increment, full), (full, increment))
    ]
    return f"{only[0]} rows only in the increment's, {only[1]} only in the full load's" if any(only) else None


def _read(files: str) -> str:
    quoted = files.replace("'", "''")
    return f"read_parquet('{quoted}', hive_partitioning = false)"


def mib(size: int) -> float:
    return round(size / 2**20, 1)


def measure(args, files: int) -> list[dict]:
    """Full load, rerun and each flavour's increment for one corpus size; a result each."""
    corpus = ensure_corpus(args.work, files)
    folder = args.work / f"increment-{files}"
    shutil.rmtree(folder, ignore_errors=True)
    source, warehouse, rerun_warehouse = folder / "source", folder / "warehouse", folder / "warehouse-after-rerun"
    progress(f"{files:,} files: copying the corpus")
    shutil.copytree(corpus, source, ignore=shutil.ignore_patterns(".complete"))
    listing = corpus_files(source)
    progress(f"{files:,} files: full load")
    full, full_largest, full_tree, full_record = timed_command(source, warehouse, matterhouse=args.matterhouse)
    rerun = timed_command(source, warehouse, matterhouse=args.matterhouse)[0]
    # Each flavour runs in this very folder (a copy elsewhere would differ in its views'
    # absolute paths, which a run then rewrites); the rerun's warehouse waits aside.
    shutil.copytree(warehouse, rerun_warehouse, symlinks=True)
    results = []
    for flavour in FLAVOURS if args.increment == "both" else (args.increment,):
        increment = Increment(corpus, listing, flavour)
        increment.apply(source)
        progress(f"{files:,} files: {flavour} increment")
        seconds, largest, tree, record = timed_command(source, warehouse, matterhouse=args.matterhouse)
        oracle = differing = None
        if not args.skip_oracle:
            progress(f"{files:,} files: {flavour} increment's full load")
            oracle_warehouse = folder / f"warehouse-{flavour}-full-load"
            oracle = timed_command(source, oracle_warehouse, matterhouse=args.matterhouse)[0]
            differing = differing_tables(warehouse, oracle_warehouse, folder / "compare.tmp")
            if not args.keep:
                shutil.rmtree(oracle_warehouse)
        increment.undo(source)
        kept = folder / f"warehouse-{flavour}"
        warehouse.rename(kept)
        shutil.copytree(rerun_warehouse, warehouse, symlinks=True)
        if not args.keep:
            shutil.rmtree(kept)
        results.append(
            {
                "files": files,
                "increment": flavour,
                "full_load_seconds": round(full, 2),
                "full_load_stages": stages(full_record),
                "full_load_largest_process_mib": mib(full_largest),
                "full_load_tree_mib": mib(full_tree),
                "rerun_seconds": round(rerun, 2),
                "increment_seconds": round(seconds, 2),
                "increment_over_rerun": round(seconds / rerun, 2),
                "increment_stages": stages(record),
                "increment_largest_process_mib": mib(largest),
                "increment_tree_mib": mib(tree),
                "increment_files": {kind: record[f"files_{kind}"] for kind in ("new", "changed", "deleted", "unchanged")},
                "full_load_of_result_seconds": None if oracle is None else round(oracle, 2),
                "increment_over_full_load": None if oracle is None else round(seconds / oracle, 3),
                "equal_to_full_load": None if differing is None else not differing,
                "differing_tables": differing,
            }
        )
        print(row(results[-1], record), flush=True)
    if not args.keep:
        shutil.rmtree(folder)
    return results


def row(result: dict, record: dict) -> str:
    files = result["increment_files"]
    if result["differing_tables"] is None:
        equal = "skipped"
    else:
        equal = "yes" if result["equal_to_full_load"] else f"no ({', '.join(result['differing_tables'])})"
    oracle = result["full_load_of_result_seconds"]
    oracle_figures = "| |" if oracle is None else f"{oracle:.1f} | {result['increment_over_full_load']:.2f} |"
    return (
        f"| {result['files']:,} | {result['increment']} | {result['full_load_seconds']:.1f} | {result['rerun_seconds']:.2f} "
        f"| {result['increment_seconds']:.2f} | {result['increment_over_rerun']:.1f} "
        f"| {oracle_figures} {stage_seconds(record, digits=2)} "
        f"| {result['increment_largest_process_mib']:,.0f} / {result['increment_tree_mib']:,.0f} "
        f"| {result['full_load_largest_process_mib']:,.0f} / {result['full_load_tree_mib']:,.0f} "
        f"| +{files['new']:,} ~{files['changed']:,} -{files['deleted']:,} | {equal} |"
    )


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, action="append", help="corpus size, repeatable (default 10000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/matterhouse-bench"))
    parser.add_argument("--increment", choices=(*FLAVOURS, "both"), default="both")
    parser.add_argument("--matterhouse", type=Path, default=MATTERHOUSE, help="the command to run (default: %(default)s)")
    parser.add_argument("--skip-oracle", action="store_true", help="no full load of the result, no equality check")
    parser.add_argument("--keep", action="store_true", help="keep the source and warehouse folders")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    if not os.access(args.matterhouse, os.X_OK):
        parser.error(f"no matterhouse command at {args.matterhouse}")
    print(
        "| files | increment | full load s | rerun s | increment s | increment / rerun | full load of result s "
        f"| increment / full load | increment {' / '.join(STAGES)} s | increment MiB largest / all "
        "| full load MiB largest / all | files +new ~changed -deleted | equal to a full load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    results = []
    for files in args.files or [10_000]:
        results += measure(args, files)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
