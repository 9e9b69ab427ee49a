"""The docs are tested: docs/cli.md documents every command, option and environment
variable; docs/schema.md is the real schema; the README stays a front door; every
relative link resolves; every Python and SQL example runs and every `matterhouse` command
line in a shell example parses."""

import importlib.util
import re
import shlex
import textwrap
from pathlib import Path

import duckdb
import pytest

import matterhouse
from matterhouse.cli import build_parser

from .conftest import CASES, PROJECT_ROOT, build_warehouse, query

README = PROJECT_ROOT / "README.md"
DOCS = PROJECT_ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
README_MAX_LINES = 300

# Python examples that cannot run here, each with the reason: (page, a line of the block).
NOT_RUNNABLE = {
    ("docs/scaling.md", "articles = spark.read"): "needs a Spark session, and the manifest that _current.json names",
    ("docs/bi.md", "sqlalchemy.create_engine"): "needs duckdb_engine; tests/test_readers.py connects so in its own environment",
}

FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
SHELLS = {"sh", "bash", "console", "shell"}


def read(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def name(page: Path) -> str:
    return page.relative_to(PROJECT_ROOT).as_posix()


def code_blocks(page: Path, languages: set[str]) -> list[tuple[str, int, str]]:
    """(language, line number, dedented body) of each fenced block in those languages."""
    text = read(page)
    return [
        (match["lang"], text.count("\n", 0, match.start()) + 1, textwrap.dedent(match["body"]))
        for match in FENCE.finditer(text)
        if match["lang"] in languages
    ]


def command_section(markdown: str, command: str) -> str:
    match = re.search(rf"^## `matterhouse {command}`\n(.*?)(?=^## |\Z)", markdown, flags=re.M | re.S)
    assert match, f"docs/cli.md has no section '## `matterhouse {command}`'"
    return match[1]


def test_every_command_and_option_is_documented():
    cli = read(DOCS / "cli.md")
    assert "`matterhouse --version`" in cli
    commands = build_parser()._subparsers._group_actions[0].choices
    assert sorted(commands) == ["dbt", "query", "report", "run", "serve", "status"]
    for command_name, command in commands.items():
        documented = command_section(cli, command_name)
        if command_name == "serve":  # serve takes the run's options, documented once, under run
            documented += command_section(cli, "run")
        options = [option for action in command._actions for option in action.option_strings if option.startswith("--")]
        for option in options:
            if option != "--help":
                assert f"`{option}" in documented, (command_name, option)


def test_every_environment_variable_is_documented():
    """Every MATTERHOUSE_* variable the code or prefect.yaml reads is in docs/cli.md."""
    folders = [
        Path(location)
        for package in ("matterhouse", "matterhouse.flows", "matterhouse.transforms")
        for location in importlib.util.find_spec(package).submodule_search_locations
    ]
    texts = [read(path) for folder in folders for path in folder.rglob("*.py")] + [read(PROJECT_ROOT / "prefect.yaml")]
    variables = {variable for text in texts for variable in re.findall(r"\bMATTERHOUSE_[A-Z_]*[A-Z]\b", text)}
    assert {"MATTERHOUSE_SOURCE", "MATTERHOUSE_WAREHOUSE", "MATTERHOUSE_HOME"} <= variables
    cli = read(DOCS / "cli.md")
    assert [variable for variable in sorted(variables) if f"`{variable}`" not in cli] == []


def test_the_readme_is_a_front_door():
    assert len(read(README).splitlines()) <= README_MAX_LINES


@pytest.fixture(scope="module")
def seed_warehouse(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("docs") / "warehouse"
    build_warehouse(CASES / "seed" / "input", warehouse=warehouse)
    return warehouse


def test_the_rejected_files_view_is_documented(seed_warehouse):
    columns = query(
        seed_warehouse,
        "select column_name from information_schema.columns where table_name = 'rejected_files' order by ordinal_position",
    )
    (line,) = [
        match[1] for page in PAGES for match in re.finditer(r"^One row per rejected file: (.*)\.$", read(page), flags=re.M)
    ]
    assert re.findall(r"`(\w+)`", line) == [name for (name,) in columns]


def test_docs_schema_md_matches_a_freshly_built_warehouse(seed_warehouse):
    from matterhouse.read.schema_doc import render

    committed = read(DOCS / "schema.md")
    assert render(seed_warehouse) == committed, "regenerate it: python -m matterhouse.read.schema_doc > docs/schema.md"
    assert committed.count("```mermaid") == 1 and "articles ||--o{ images" in committed


def test_the_readmes_python_example_runs_as_written(tmp_path, monkeypatch, capsys):
    (example,) = re.findall(r"^## Using it from Python\n.*?```python\n(.*?)```", read(README), flags=re.M | re.S)
    monkeypatch.chdir(tmp_path)  # the example writes ./warehouse
    namespace = {}
    exec(compile(example, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert printed.startswith("matterhouse: run succeeded in ")
    assert namespace["result"].warehouse == tmp_path / "warehouse"
    assert len(namespace["busiest"]) == 3 and all(count > 0 for _, count in namespace["busiest"])
    assert str(namespace["busiest"]) in printed


# Links ---------------------------------------------------------------------------------


def slugs(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings: lower case, punctuation dropped,
    spaces as hyphens, a repeated heading numbered -1, -2, ..."""
    text = FENCE.sub("", read(page))
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def relative_links(page: Path) -> list[str]:
    text = re.sub(r"(`+).*?\1", "", FENCE.sub("", read(page)), flags=re.S)  # no links in code
    targets = re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text) + re.findall(r"^\[[^\]]+\]:\s*(\S+)", text, flags=re.M)
    return [target for target in targets if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target)]


def test_the_link_finder_sees_links():
    assert "docs/cli.md" in relative_links(README) and "#matterhouse-run" in relative_links(DOCS / "cli.md")
    assert {"matterhouse-run", "the-summary", "environment-variables"} <= slugs(DOCS / "cli.md")


@pytest.mark.parametrize("page", PAGES, ids=name)
def test_every_relative_link_resolves(page):
    broken = []
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in slugs(resolved):
            broken.append(f"{target}: no heading #{anchor} in {resolved.name}")
    assert broken == []


# Examples ------------------------------------------------------------------------------


def examples(languages: set[str]) -> list:
    return [
        pytest.param(page, line, body, id=f"{name(page)}:{line}")
        for page in PAGES
        for _, line, body in code_blocks(page, languages)
    ]


def not_runnable(page: Path, body: str) -> str | None:
    reasons = [reason for (listed, line), reason in NOT_RUNNABLE.items() if listed == name(page) and line in body]
    return reasons[0] if reasons else None


def test_every_listed_exception_names_one_example():
    python = [(name(page), body) for page in PAGES for _, _, body in code_blocks(page, {"python"})]
    for listed, line in NOT_RUNNABLE:
        assert sum(page == listed and line in body for page, body in python) == 1, (listed, line)


@pytest.fixture(scope="module")
def examples_folder(tmp_path_factory):
    """Where the examples run: the bundled sample loaded into ./warehouse and published
    to ./published, as `matterhouse run --publish published --table-format iceberg` does
    (the manifests and Iceberg tables both)."""
    folder = tmp_path_factory.mktemp("examples")
    matterhouse.run(warehouse=folder / "warehouse", publish=folder / "published", table_format="iceberg")
    return folder


@pytest.mark.parametrize(("page", "line", "body"), examples({"python"}))
def test_every_python_example_runs(page, line, body, examples_folder, monkeypatch, capsys):
    code = compile(body, f"{name(page)}:{line}", "exec")  # every example is Python at least
    if not_runnable(page, body):
        return  # the reason is in NOT_RUNNABLE, and test_every_listed_exception_names_one_example keeps it current
    monkeypatch.chdir(examples_folder)
    exec(code, {})


@pytest.mark.parametrize(("page", "line", "body"), examples({"sql"}))
def test_every_sql_example_runs(page, line, body, examples_folder):
    with duckdb.connect(str(examples_folder / "warehouse" / "matterhouse.duckdb"), read_only=True) as connection:
        for statement in connection.extract_statements(body):
            connection.execute(statement).fetchall()


def matterhouse_commands() -> list[tuple[str, int, str]]:
    """(page, line, command) for every `matterhouse ...` command in a shell example,
    continued lines joined, prompts dropped, one entry per command of an `&&` chain."""
    found = []
    for page in PAGES:
        for _, start, body in code_blocks(page, SHELLS):
            for offset, line in enumerate(body.replace("\\\n", " ").splitlines()):
                line = line.removeprefix("$ ")
                lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
                lexer.whitespace_split = True
                tokens = list(lexer)
                command: list[str] = []
                for token in [*tokens, ";"]:
                    if token in {"&&", "||", ";", "|", "&"}:
                        while command and re.match(r"\w+=", command[0]):  # VAR=value before a command
                            command.pop(0)
                        if command and command[0] == "matterhouse":
                            found.append((name(page), start + 1 + offset, shlex.join(command)))
                        command = []
                    else:
                        command.append(token)
    return found


def test_the_quickstart_commands_stay_and_are_seen():
    quickstart = [body for _, _, body in code_blocks(README, {"bash"})][:2]
    assert quickstart == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && matterhouse run\n",
        "python3 -m venv .venv && . .venv/bin/activate && pip install -U pip && pip install -e '.[test]' && pytest\n",
    ]
    assert ("README.md", "matterhouse run") in [(page, command) for page, _, command in matterhouse_commands()]


@pytest.mark.parametrize(
    ("page", "line", "command"), [pytest.param(*found, id=f"{found[0]}:{found[1]}") for found in matterhouse_commands()]
)
def test_every_command_line_parses(page, line, command, capsys):
    try:
        build_parser().parse_args(shlex.split(command)[1:])
    except SystemExit as exit:  # --version and --help exit 0 once printed; a usage error exits 2
        assert exit.code == 0, capsys.readouterr().err


def test_the_readmes_summary_is_what_a_run_of_the_sample_prints(tmp_path, monkeypatch):
    """The README's sample summary, from a real run of the bundled sample: the same text
    but for the seconds, with the warehouse at /path/to/warehouse, the default there."""
    from matterhouse.summary import summary_text

    result = matterhouse.run(warehouse=tmp_path / "warehouse")
    monkeypatch.setenv("MATTERHOUSE_WAREHOUSE", "/path/to/warehouse")
    printed = summary_text(result.record, Path("/path/to/warehouse"), result.seconds)
    (shown,) = re.findall(r"^A run prints one summary .*?```text\n(.*?)```", read(README), flags=re.M | re.S)

    def without_seconds(text: str) -> str:
        return re.sub(r"\d+\.\d+", "N", "\n".join(text.splitlines()[:2])) + "\n" + "\n".join(text.splitlines()[2:])

    assert without_seconds(shown.rstrip("\n")) == without_seconds(printed)
