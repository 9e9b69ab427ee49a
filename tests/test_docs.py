"""The README documents every CLI option and the real published schema."""

import re

import pytest

from matterhouse.cli import build_parser
from matterhouse.store.tables import PUBLISHED_TABLES

from .conftest import CASES, PROJECT_ROOT, build_warehouse, query

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def documented_columns() -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, TYPE), ...]} from the README's schema tables."""
    tables = {}
    for section in re.split(r"^### ", README, flags=re.MULTILINE)[1:]:
        name = re.match(r"`(\w+)`", section)
        rows = re.findall(r"^\| (\w+) \| ([A-Z\[\]]+) \|", section, flags=re.MULTILINE)
        if name and rows:
            tables[name.group(1)] = rows
    return tables


def test_every_command_and_option_is_documented():
    parser = build_parser()
    assert "`matterhouse --version`" in README
    commands = parser._subparsers._group_actions[0].choices
    assert sorted(commands) == ["query", "report", "run", "serve", "status"]
    for name, command in commands.items():
        assert f"matterhouse {name}" in README, name
        options = [option for action in command._actions for option in action.option_strings if option.startswith("--")]
        for option in options:
            if option != "--help":
                assert f"`{option}" in README, (name, option)


@pytest.fixture(scope="module")
def seed_warehouse(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("docs") / "warehouse"
    build_warehouse(CASES / "seed" / "input", warehouse=warehouse)
    return warehouse


def test_the_documented_schema_is_the_real_schema(seed_warehouse):
    documented = documented_columns()
    assert sorted(documented) == sorted(PUBLISHED_TABLES)
    for table in PUBLISHED_TABLES:
        real = query(
            seed_warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'main' and table_name = ? order by ordinal_position",
            [table],
        )
        real = [(name, "TIMESTAMPTZ" if kind == "TIMESTAMP WITH TIME ZONE" else kind) for name, kind in real]
        assert documented[table] == real, table


def test_the_rejected_files_view_is_documented(seed_warehouse):
    columns = query(
        seed_warehouse,
        "select column_name from information_schema.columns where table_name = 'rejected_files' order by ordinal_position",
    )
    line = re.search(r"^One row per rejected file: (.*)\.$", README, flags=re.MULTILINE).group(1)
    assert re.findall(r"`(\w+)`", line) == [name for (name,) in columns]


def test_docs_schema_md_matches_a_freshly_built_warehouse(seed_warehouse):
    from matterhouse.read.schema_doc import render

    committed = (PROJECT_ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert render(seed_warehouse) == committed, "regenerate it: python -m matterhouse.read.schema_doc > docs/schema.md"
    assert committed.count("```mermaid") == 1 and "articles ||--o{ images" in committed


def test_the_readmes_python_example_runs_as_written(tmp_path, monkeypatch, capsys):
    (example,) = re.findall(r"^## Using it from Python\n.*?```python\n(.*?)```", README, flags=re.MULTILINE | re.DOTALL)
    monkeypatch.chdir(tmp_path)  # the example writes ./warehouse
    namespace = {}
    exec(compile(example, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert printed.startswith("matterhouse: run succeeded in ")
    assert namespace["result"].warehouse == tmp_path / "warehouse"
    assert len(namespace["busiest"]) == 3 and all(count > 0 for _, count in namespace["busiest"])
    assert str(namespace["busiest"]) in printed
