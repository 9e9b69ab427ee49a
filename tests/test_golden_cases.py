"""Golden cases: each tests/cases/<case>/input/ folder is run through the real flow into a
real DuckDB file, and every published table must equal tests/cases/<case>/expected.json.

After a deliberate change of behaviour, rewrite the expected files with
`MATTERHOUSE_UPDATE_GOLDEN=1 pytest tests/test_golden_cases.py` and review the diff.
"""

import json
import os

import pytest

from .conftest import CASES, query

# Columns compared per table, in key order. Left out: values that depend on where the
# case was copied (source folder, its hash in source_file_id, mtimes) or on the run.
COMPARED = {
    "articles": (
        "article_id, url, title, excerpt, published_at, updated_at, provider_id, category, type, quality, heat, "
        "is_published, amp_url, cdn_amp_url, secured, body, has_source_file, source_path, extra, story_id",
        "url",
    ),
    "providers": ("provider_id, domain, name", "domain"),
    "images": ("article_id, position, url, width, height, title, extra", "article_id, position"),
    "article_relations": ("article_id, related_article_id, position", "article_id, position"),
    "article_topics": ("article_id, topic", "article_id, topic"),
    "article_urls": ("article_id, url, kind", "article_id, url"),
    "source_files": ("path, status, reason, article_id, size_bytes, content_hash", "path"),
    "data_warnings": ("path, field, raw_value, message", "path, field"),
}
CASE_NAMES = sorted(path.name for path in CASES.iterdir() if (path / "input").is_dir())


def warehouse_rows(warehouse) -> dict:
    tables = {}
    for table, (columns, order) in COMPARED.items():
        rows = query(warehouse, f"select {columns} from {table} order by {order}")
        names = [name.strip() for name in columns.split(",")]
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
