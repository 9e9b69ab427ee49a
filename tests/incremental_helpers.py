"""Helpers for tests that change a source folder between runs."""

import os
from pathlib import Path

from matterhouse.store.tables import MODEL_TABLES

from .conftest import table_rows


def write_article(folder: Path, name: str, url: str, title: str, updated: str | None = None, related=()) -> Path:
    lines = ["---", f'title: "{title}"', f"webUrl: {url}", "publishedDateTime: 2021-01-01T00:00:00Z"]
    if updated:
        lines.append(f"updatedDateTime: {updated}")
    lines.append("topics: [Tests]")
    if related:
        lines.append("related:")
        for related_url in related:
            lines += [f"  - webUrl: {related_url}", f'    title: "cited by {name}"']
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([*lines, "---", ""]), encoding="utf-8")
    return path


def data_rows(warehouse: Path) -> dict[str, list[tuple]]:
    """Every published data table's rows, without the columns that name runs."""
    return table_rows(warehouse, MODEL_TABLES)


def set_mtime(path: Path, seconds: float) -> None:
    os.utime(path, (seconds, seconds))
