"""`matterhouse dbt`: a dbt sources.yml for the readers' file (`<warehouse>/views.duckdb`),
so that a dbt project selects from the published tables and views as
`source('matterhouse', 'articles')` (docs/dbt.md has the profile that attaches the file).

Every published table and analysis view is a source table, with the columns the readers'
file shows and the descriptions written next to their DDL (store.schema.description). The data
checks that are dbt's generic tests become those tests: such a check declares each one in
its header, one line per test, which tests/test_checks.py breaks to see the check fail:

    -- dbt test: unique articles.article_id
    -- dbt test: unique images (article_id, position)       (the combination)
    -- dbt test: not_null articles.url
    -- dbt test: relationships images.article_id -> articles.article_id
    -- dbt test: accepted_values article_urls.kind: web, amp, cdn_amp, variant

The other checks hold across tables in ways no generic test says; they are left out, and
the file's header names them. matterhouse runs every check on each load all the same.
"""

import re
from pathlib import Path
from typing import NamedTuple

import duckdb
import yaml

from matterhouse.steps.load import read_checks
from matterhouse.store.schema import description
from matterhouse.store.tables import PUBLISHED_TABLES, VIEWS
from matterhouse.store.views_file import VIEWS_FILE
from matterhouse.store.warehouse import NoWarehouseYet

SOURCE = "matterhouse"  # the source's name, and the alias the profile attaches views.duckdb as
DECLARATION = re.compile(
    r"-- dbt test: (?P<kind>unique|not_null|relationships|accepted_values) (?P<table>\w+)"
    r"(?:\.(?P<column>\w+)| \((?P<combination>\w+(?:, \w+)+)\))"
    r"(?: -> (?P<to>\w+)\.(?P<field>\w+)|: (?P<values>\w+(?:, \w+)*))?"
)
# What each kind of test takes after its column: nothing, `-> table.column` or `: values`.
ARGUMENT = {"unique": None, "not_null": None, "relationships": "to", "accepted_values": "values"}


class GenericTest(NamedTuple):
    """A dbt generic test that a data check declares: on `columns` of `table` (one column,
    or a combination that must be unique), pointing at `to` (table, column), or taking
    `values`."""

    check: str
    kind: str
    table: str
    columns: tuple[str, ...]
    to: tuple[str, str] | None = None
    values: tuple[str, ...] = ()

    def entry(self) -> str | dict:
        """The test as sources.yml lists it; a combination as one row value."""
        if len(self.columns) > 1:
            return {self.kind: {"arguments": {"column_name": f"row({', '.join(self.columns)})"}}}
        if self.to:
            return {self.kind: {"arguments": {"to": f"source('{SOURCE}', '{self.to[0]}')", "field": self.to[1]}}}
        if self.values:
            return {self.kind: {"arguments": {"values": list(self.values)}}}
        return self.kind


def generic_tests() -> list[GenericTest]:
    """The tests the built-in data checks declare, by check name, then as declared."""
    return [
        _declared(check.name, line)
        for check in read_checks(None)
        for line in check.query.splitlines()
        if line.startswith("-- dbt test:")
    ]


def _declared(check: str, line: str) -> GenericTest:
    match = DECLARATION.fullmatch(line)
    argument = match and ("to" if match["to"] else "values" if match["values"] else None)
    if not match or argument != ARGUMENT[match["kind"]] or (match["combination"] and match["kind"] != "unique"):
        raise ValueError(f"sql/checks/{check}.sql: cannot read {line!r}")
    return GenericTest(
        check=check,
        kind=match["kind"],
        table=match["table"],
        columns=tuple((match["column"] or match["combination"]).split(", ")),
        to=(match["to"], match["field"]) if match["to"] else None,
        values=tuple(match["values"].split(", ")) if match["values"] else (),
    )


def sources_yml(warehouse: Path) -> str:
    """The sources.yml text for the warehouse's readers' file: its tables and views sorted
    by name, their columns in order, the same text for the same matterhouse."""
    columns = _reader_columns(warehouse)
    tests = generic_tests()
    source = {
        "name": SOURCE,
        "description": "The published tables and analysis views of a matterhouse warehouse, read through views.duckdb.",
        "database": SOURCE,
        "schema": "main",
        "tables": [_table(name, columns[name], tests) for name in sorted((*PUBLISHED_TABLES, *VIEWS))],
    }
    checked = {test.check for test in tests}
    header = [
        "# Written by `matterhouse dbt`; write it again after upgrading matterhouse.",
        f"# profiles.yml attaches the warehouse's views.duckdb read-only as `{SOURCE}`.",
        "# Data checks left out, as no generic test says them (matterhouse runs them on each load):",
        *(f"#   {check.name}" for check in read_checks(None) if check.name not in checked),
    ]
    document = {"version": 2, "sources": [source]}
    body = yaml.dump(document, Dumper=_IndentedDumper, sort_keys=False, allow_unicode=True, width=1000)
    return "\n".join(header) + "\n" + body


def _table(name: str, columns: list[str], tests: list[GenericTest]) -> dict:
    """A source table: its description, its tests of several columns, then its columns."""
    described = description(name)
    table = {"name": name, "description": described.text}
    combinations = [test.entry() for test in tests if test.table == name and len(test.columns) > 1]
    if combinations:
        table["data_tests"] = combinations
    table["columns"] = []
    for column in columns:
        entry = {"name": column}
        if column in described.columns:
            entry["description"] = described.columns[column]
        on_column = [test.entry() for test in tests if test.table == name and test.columns == (column,)]
        if on_column:
            entry["data_tests"] = on_column
        table["columns"].append(entry)
    return table


class _IndentedDumper(yaml.SafeDumper):
    """Lists indented under their key, as dbt's docs write them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _reader_columns(warehouse: Path) -> dict[str, list[str]]:
    """The columns of each view in the readers' file, in order."""
    path = warehouse / VIEWS_FILE
    if not path.exists():
        raise NoWarehouseYet(warehouse)
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'main' order by table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns
