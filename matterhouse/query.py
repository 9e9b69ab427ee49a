"""`matterhouse query`: ad-hoc SQL on a read-only connection, as a table, CSV, JSON or Parquet."""

import csv
import io
import json
from pathlib import Path

import duckdb

from .status import open_read_only
from .transforms.errors import MatterhouseError
from .warehouse import fetch_dicts, sql

CELL_WIDTH = 60


class QueryFailed(MatterhouseError):
    """DuckDB refused the query; the message is DuckDB's own, with the position it points at."""


def run_query(warehouse: Path, statement: str, output_format: str, output: Path | None) -> str | None:
    """Run one query read-only; write it to `output` or return the text to print."""
    if output_format == "parquet" and output is None:
        raise MatterhouseError("--format parquet writes a file: add --output FILE.parquet")
    statement = statement.strip().rstrip(";")
    connection = open_read_only(warehouse)
    try:
        if output_format == "parquet":
            connection.execute(f"copy ({statement}) to $path (format parquet, compression zstd)", {"path": str(output)})
            return None
        cursor = connection.execute(statement)
        columns = [column[0] for column in cursor.description or []]
        rows = cursor.fetchall()
    except duckdb.Error as error:
        raise QueryFailed(str(error).strip()) from None
    finally:
        connection.close()
    text = {"table": as_table, "csv": as_csv, "json": as_json}[output_format](columns, rows)
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


def as_table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(name), *(len(row[index]) for row in cells)]) for index, name in enumerate(columns)]
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
    return "\n".join(lines)


def as_csv(columns: list[str], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().rstrip("\n")


def as_json(columns: list[str], rows: list[tuple]) -> str:
    return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str, ensure_ascii=False, indent=1)


def _cell(value) -> str:
    text = "null" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"
