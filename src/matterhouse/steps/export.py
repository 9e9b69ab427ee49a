"""The export stage: the run's Parquet snapshot in the warehouse folder.

The load writes the tables it changed into the run's snapshot folder inside its DuckDB
transaction (`write_snapshot`), so that a snapshot always matches a commit; after the
commit, `export_step` completes the snapshot with links to the tables it did not change
and makes it the current one. Each table's columns come from its DDL, its row order from
tables.EXPORT_ORDER.
"""

from pathlib import Path

from matterhouse.plumbing.settings import RunOptions
from matterhouse.store import snapshots
from matterhouse.store.tables import EXPORT_ORDER, PUBLISHED_TABLES
from matterhouse.store.views_file import write_views_file
from matterhouse.store.warehouse import run_sql, sql


def write_snapshot(connection, snapshot: Path, tables) -> None:
    """Write `tables` as Parquet datasets into the snapshot folder."""
    tables = list(tables)
    columns = {}
    for table, column, *_ in run_sql(connection, sql("state/table_columns"), tables=tables).fetchall():
        columns.setdefault(table.removeprefix("main."), []).append(column)
    for table in tables:
        (snapshot / table).mkdir(parents=True, exist_ok=True)
        names = {"columns": ", ".join(columns[table]), "order": EXPORT_ORDER[table]}
        if table == "articles":
            _write_articles(connection, snapshot / table, names)
        else:
            run_sql(connection, sql("exports/table", table=table, **names), file=str(snapshot / table / "part-0.parquet"))


def _write_articles(connection, folder: Path, names: dict) -> None:
    """The articles dataset: one file per publication month, each sorted on its own, so
    memory stays bounded however many articles there are."""
    months = [month for (month,) in connection.execute(sql("exports/article_months")).fetchall()]
    # No articles: one empty file, so that readers find the dataset and its columns.
    for month_start in months or [None]:
        target = folder / f"published_month={month_start.strftime('%Y-%m') if month_start else 'unknown'}" / "part-0.parquet"
        target.parent.mkdir()
        run_sql(connection, sql("exports/article_month", **names), month_start=month_start, file=str(target))


def export_step(options: RunOptions, snapshot: Path) -> None:
    """Complete the run's Parquet snapshot with links to unchanged tables and make it the
    warehouse folder's current one; renew the readers' views file if its views changed."""
    warehouse = options.warehouse
    snapshots.link_unchanged_tables(warehouse, snapshot, PUBLISHED_TABLES)
    snapshots.make_current(warehouse, snapshot, options.keep_runs)
    write_views_file(warehouse)
