"""`matterhouse query`: ad-hoc SQL on a read-only connection, as a table, CSV, JSON or Parquet."""

import csv
import io
import json
from pathlib import Path

import duckdb

from matterhouse.read.as_of import connect_as_of
from matterhouse.read.status import open_read_only
from matterhouse.store.warehouse import fetch_dicts, sql
from matterhouse.transforms.errors import MatterhouseError

# A column cut to fit a terminal keeps at least this many characters.
MIN_CELL_WIDTH = 12


class QueryFailed(MatterhouseError):
    """DuckDB refused the query; the message is DuckDB's own, with the position it points at."""


def run_query(
    warehouse: Path, statement: str, output_format: str, output: Path | None, width: int | None = None, as_of: str | None = None
) -> str | None:
    """Run one query read-only, on the warehouse or on the tables published by the run
    `as_of` names (matterhouse.read.as_of); write it to `output` or return the text to print
    (a table cut to `width` columns, when given)."""
    if output_format == "parquet" and output is None:
        raise MatterhouseError("--format parquet writes a file: add --output FILE.parquet")
    statement = statement.strip().rstrip(";")
    connection = open_read_only(warehouse) if as_of is None else connect_as_of(warehouse, as_of)
    try:
        if output_format == "parquet":
            connection.execute(f"copy ({statement}) to $path (format parquet, compression zstd)", {"path": str(output)})
            return None
        cursor = connection.execute(statement)
        if cursor.description is None:
            raise MatterhouseError("the SQL returns no rows to show: give a query, e.g. select count(*) from articles")
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as error:
        raise QueryFailed(str(error).strip()) from None
    finally:
        connection.close()
    text = (
        as_table(columns, rows, width)
        if output_format == "table"
        else {"csv": as_csv, "json": as_json}[output_format](columns, rows)
    )
    if output is None:
        return text
    output.write_text(text, encoding="utf-8")
    return None


def list_tables(warehouse: Path) -> str:
    """Tables and views of the warehouse with their row counts."""
    connection = open_read_only(warehouse)
    try:
        objects = fetch_dicts(connection, sql("status/tables_and_views"))
        rows = [
            (item["name"], item["kind"], connection.execute(f'select count(*) from "{item["name"]}"').fetchone()[0])
            for item in objects
        ]
    finally:
        connection.close()
    return as_table(["name", "kind", "rows"], rows)


def as_table(columns: list[str], rows: list[tuple], width: int | None = None) -> str:
    """Aligned columns. With a `width` (a terminal's), the widest columns are cut to fit
    it, each cut cell ending in '…', and a last line says how to see them whole."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(name), *(len(row[index]) for row in cells)]) for index, name in enumerate(columns)]
    room = None if width is None else width - 2 * (len(columns) - 1)
    if room is not None and sum(min(column, MIN_CELL_WIDTH) for column in widths) > room:
        return as_records(columns, cells, width)
    cut = room is not None and _fit(widths, room)
    if cut:
        cells = [[_short(cell, limit) for cell, limit in zip(row, widths, strict=True)] for row in cells]
        columns = [_short(name, limit) for name, limit in zip(columns, widths, strict=True)]
    numeric = [
        all(isinstance(row[index], (int, float)) for row in rows if row[index] is not None) for index in range(len(columns))
    ]
    lines = ["  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for row in cells:
        lines.append(
            "  ".join(
                cell.rjust(width) if is_number else cell.ljust(width)
                for cell, width, is_number in zip(row, widths, numeric, strict=True)
            ).rstrip()
        )
    lines.append(f"({len(rows):,} row{'s' if len(rows) != 1 else ''})")
    if cut:
        lines.append("(cells cut to fit: --format csv, or a pipe, shows them whole)")
    return "\n".join(lines)


def as_records(columns: list[str], cells: list[list[str]], width: int) -> str:
    """Rows too wide for the terminal even with every cell cut: one field a line, each row
    under a rule that numbers it, values cut to the width."""
    name_width = max(map(len, columns))
    lines = []
    for number, row in enumerate(cells, start=1):
        lines.append(f"-[ row {number:,} ]".ljust(width, "-"))
        for name, cell in zip(columns, row, strict=True):
            lines.append(f"{name.ljust(name_width)}  {_short(cell, width - name_width - 2)}".rstrip())
    rows = f"{len(cells):,} row{'s' if len(cells) != 1 else ''}"
    lines += [f"({rows}, one field a line to fit {width} columns:", "--format csv, or a pipe, shows them as a table)"]
    return "\n".join(lines)


def _fit(widths: list[int], room: int) -> bool:
    """Narrow the widest columns, in place, until they fit `room` (never below
    MIN_CELL_WIDTH); True when any was narrowed."""
    narrowed = False
    while sum(widths) > room and max(widths) > MIN_CELL_WIDTH:
        widest = widths.index(max(widths))
        widths[widest] = max(MIN_CELL_WIDTH, widths[widest] - max(1, (sum(widths) - room) // len(widths)))
        narrowed = True
    return narrowed


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_csv(columns: list[str], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().rstrip("\n")


def as_json(columns: list[str], rows: list[tuple]) -> str:
    return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str, ensure_ascii=False, indent=1)


def _cell(value) -> str:
    return "null" if value is None else str(value).replace("\n", " ")
