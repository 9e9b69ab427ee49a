"""Time each built-in data check over a warehouse, over every row and as a build by key runs it.

    python benchmarks/check_costs.py WAREHOUSE [--keys 1300] [--memory-limit 300MB]

WAREHOUSE is a warehouse folder (say one increment_benchmark.py kept with --keep). The
warehouse is opened read-only; each check runs once over every row (as a whole build, or a
run with new checks, runs it) and once scoped as a build by key runs it, with the scope
tables holding --keys random articles (and their files and providers): about what a run
that adds 1,000 files and edits and deletes 100 each recomputes. Prints milliseconds per
check, slowest first, and the totals.
"""

import argparse
import time
from pathlib import Path

import duckdb

from matterhouse.plumbing.settings import DEFAULT_MEMORY_LIMIT, parse_size
from matterhouse.steps.load import read_checks
from matterhouse.steps.models import prepare_scopes
from matterhouse.store.warehouse import database_path

CHECKED = "(select article_id from scope_checked_articles)"
SCOPES = {
    "scope_checked_articles": "select article_id from articles using sample reservoir({keys} rows) repeatable (7)",
    "scope_relations": "select article_id from scope_checked_articles",
    "scope_files": f"select source_file_id from source_files where article_id in {CHECKED}",
    "scope_providers": f"select distinct provider_id from articles where article_id in {CHECKED}",
}


def milliseconds(connection, query: str) -> float:
    started = time.perf_counter()
    connection.execute(f"select count(*) from ({query})").fetchone()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--keys", type=int, default=1300)
    parser.add_argument("--memory-limit", type=parse_size, default=DEFAULT_MEMORY_LIMIT)
    args = parser.parse_args()
    connection = duckdb.connect(str(database_path(args.warehouse)), read_only=True)
    connection.execute(f"set memory_limit = '{args.memory_limit}B'")
    prepare_scopes(connection)
    for table, query in SCOPES.items():
        connection.execute(f"insert into {table} {query.format(keys=args.keys)}")
    (articles,) = connection.execute("select count(*) from articles").fetchone()
    rows = []
    for check in read_checks(None):
        rows.append((check.name, milliseconds(connection, check.text(True)), milliseconds(connection, check.text(False))))
    print(f"{articles:,} articles; scoped to {args.keys:,} of them")
    print(f"{'check':45} {'every row ms':>13} {'by key ms':>10}")
    for name, whole, by_key in sorted(rows, key=lambda row: -row[1]):
        print(f"{name:45} {whole:13.1f} {by_key:10.1f}")
    print(f"{'total':45} {sum(row[1] for row in rows):13.1f} {sum(row[2] for row in rows):10.1f}")


if __name__ == "__main__":
    main()
