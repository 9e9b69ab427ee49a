"""Golden cases: each tests/cases/<case>/input/ folder is run through the real flow into a
real DuckDB file, and every published table must equal tests/cases/<case>/expected.json.

After a deliberate change of behaviour, rewrite the expected files with
`MATTERHOUSE_UPDATE_GOLDEN=1 pytest tests/test_golden_cases.py` and review the diff.
"""

import json
import os

import pytest

from matterhouse.store.tables import EXPORT_ORDER, MODEL_TABLES

from .conftest import CASES, PLACE_AND_RUN_COLUMNS, query

CASE_NAMES = sorted(path.name for path in CASES.iterdir() if (path / "input").is_dir())


def warehouse_rows(warehouse) -> dict:
    """Every model table's rows, in its export order, with every column but those that
    depend on where the case was copied or on the run."""
    tables = {}
    for table in MODEL_TABLES:
        names = [
            name
            for (name,) in query(
                warehouse,
                "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
                [table],
            )
            if name not in PLACE_AND_RUN_COLUMNS
        ]
        rows = query(warehouse, f"select {', '.join(names)} from {table} order by {EXPORT_ORDER[table]}")
        tables[table] = [dict(zip(names, (_plain(value) for value in row), strict=True)) for row in rows]
    return tables


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@pytest.mark.parametrize("case", CASE_NAMES)
def test_golden_case(case, copy_case, run_pipeline):
    _, warehouse = run_pipeline(copy_case(case))
    actual = warehouse_rows(warehouse)
    expected_file = CASES / case / "expected.json"
    if os.environ.get("MATTERHOUSE_UPDATE_GOLDEN"):
        expected_file.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(expected_file.read_text(encoding="utf-8"))


def test_every_case_has_expected_rows():
    assert len(CASE_NAMES) >= 12
    assert all((CASES / case / "expected.json").is_file() for case in CASE_NAMES)


def test_toml_and_json_twins_give_the_rows_of_their_yaml_twin():
    """tests/cases/formats holds one article in YAML, TOML and JSON, each at its own URL."""
    expected = json.loads((CASES / "formats" / "expected.json").read_text(encoding="utf-8"))
    ids = {row["path"]: row["article_id"] for row in expected["source_files"]}
    by_id = {row["article_id"]: row for row in expected["articles"]}

    def rows(twin: str) -> dict:
        article_id = ids[f"{twin}_twin.md"]
        article = {key: value for key, value in by_id[article_id].items() if key not in ("article_id", "url", "source_path")}
        children = {
            table: [
                {key: value for key, value in row.items() if key != "article_id"}
                for row in expected[table]
                if row["article_id"] == article_id
            ]
            for table in ("images", "article_relations", "article_topics")
        }
        warnings = [(row["field"], row["message"]) for row in expected["data_warnings"] if row["path"] == f"{twin}_twin.md"]
        return {"article": article, **children, "warnings": warnings}

    assert rows("toml") == rows("yaml")
    assert rows("json") == rows("yaml")
    assert rows("yaml")["article"]["title"] == "Same story, three formats"
