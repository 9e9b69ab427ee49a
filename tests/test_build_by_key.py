"""A run that changed a few files builds only the rows those changes reach (steps/models.py,
sql/scopes/): after any sequence of runs that add, edit, move, reject and delete files, the
published tables equal a whole build of the final files, and each run's table_changes
count the rows its tables gained, changed and lost.

The files share few URLs, titles and times, so that the runs cross every rule: articles
known only from related lists that gain and lose files of their own, URL variants whose
resolution flips when a second article shares their key, story copies, provider names, and
the deletion of the file that held an article's chosen file article."""

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matterhouse.steps import export, models
from matterhouse.store.tables import MODEL_TABLES, PUBLISHED_TABLES

from .incremental_helpers import data_rows, set_mtime

HOST = "https://h.example.org"
URLS = [
    f"{HOST}/a",
    f"{HOST}/a?utm_source=feed",
    f"{HOST}/a/amp",
    f"{HOST}/b",
    "https://h-example-org.cdn.ampproject.org/c/s/h.example.org/b",
    f"{HOST}/b?outputType=amp",
    f"{HOST}/c",
]
CITED = [*URLS, f"{HOST}/outside", f"{HOST}/outside?utm_medium=x"]
NAMES = ["one.md", "two.md", "sub/three.md", "four.txt"]
TIMES = [None, "2021-01-01T00:00:00Z", "2021-01-02T12:00:00Z", "2021-01-05T00:00:00Z"]

article = st.fixed_dictionaries(
    {
        "url": st.sampled_from(URLS),
        "title": st.sampled_from(["Harbor strike ends", "Storm nears", "Budget passes"]),
        "excerpt": st.sampled_from(["Workers return.", "Ships wait."]),
        "published": st.sampled_from(TIMES[1:]),
        "updated": st.sampled_from(TIMES),
        "provider": st.sampled_from(
            [("Harbor Times", "harbor.example"), ("The Harbor", "harbor.example"), ("Gazette", "gazette.example")]
        ),
        "amp": st.sampled_from([None, *URLS]),
        "related": st.lists(st.tuples(st.sampled_from(CITED), st.sampled_from(TIMES[1:])), max_size=3),
    }
)
step = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(NAMES), article),
    st.tuples(st.just("delete"), st.sampled_from(NAMES), st.none()),
    st.tuples(st.just("move"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("touch"), st.sampled_from(NAMES), st.none()),
    st.tuples(st.just("reject"), st.sampled_from(NAMES), st.none()),
)


@pytest.fixture(autouse=True)
def files_of_one_row(monkeypatch):
    """Parquet files of about one row, so that these few articles spread over many parts and
    every run writes some parts whole, adds rows to others, folds them and links the rest."""
    monkeypatch.setattr(export, "ROWS_PER_FILE", 1)


def front_matter(spec: dict) -> str:
    name, domain = spec["provider"]
    lines = [
        "---",
        f'title: "{spec["title"]}"',
        f'excerpt: "{spec["excerpt"]}"',
        f'webUrl: "{spec["url"]}"',
        f"publishedDateTime: {spec['published']}",
        f"provider: {{name: {name}, domain: {domain}}}",
        "topics: [Ports]",
    ]
    if spec["updated"]:
        lines.append(f"updatedDateTime: {spec['updated']}")
    if spec["amp"]:
        lines.append(f'ampWebUrl: "{spec["amp"]}"')
    if spec["related"]:
        lines.append("related:")
        for url, published in spec["related"]:
            lines += [f'  - webUrl: "{url}"', f'    title: "{spec["title"]}"', f'    excerpt: "{spec["excerpt"]}"']
            lines += [f"    publishedDateTime: {published}", f"    provider: {{domain: {domain}}}"]
    return "\n".join([*lines, "---", "Body.", ""])


def apply(source, number: int, operation: str, name: str, argument) -> None:
    path = source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if operation == "write":
        path.write_text(front_matter(argument), encoding="utf-8")
    elif operation == "reject":
        path.write_text("---\ntitle: [unbalanced\n---\n", encoding="utf-8")
    elif not path.exists():
        return
    elif operation == "delete":
        path.unlink()
    elif operation == "move":
        target = source / argument
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
    elif operation == "touch":
        set_mtime(path, 1_600_000_000 + number)


def rows_by_key(warehouse) -> dict[str, dict[tuple, tuple]]:
    """Each published data table's rows by the key table_changes counts them by, without
    run_id (a file read again with the same content is not a changed row)."""
    tables = {}
    with duckdb.connect(str(warehouse / "matterhouse.duckdb"), read_only=True) as connection:
        for table, key in MODEL_TABLES.items():
            result = connection.execute(
                f"select {key}, * exclude (run_id) from {table}"
                if table in ("source_files", "data_warnings")
                else f"select {key}, * from {table}"
            )
            width = len(key.split(","))
            tables[table] = {row[:width]: row[width:] for row in result.fetchall()}
    return tables


def expected_changes(before: dict, after: dict) -> dict[str, tuple[int, int, int]]:
    changes = {}
    for table in MODEL_TABLES:
        old, new = before.get(table, {}), after[table]
        inserted = len(new.keys() - old.keys())
        deleted = len(old.keys() - new.keys())
        updated = sum(1 for key in new.keys() & old.keys() if new[key] != old[key])
        changes[table] = (inserted, updated, deleted)
    return changes


def recorded_changes(warehouse, run_id: str) -> dict[str, tuple[int, int, int]]:
    with duckdb.connect(str(warehouse / "matterhouse.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, rows_inserted, rows_updated, rows_deleted from table_changes where run_id = ?", [run_id]
        ).fetchall()
    recorded = dict.fromkeys(MODEL_TABLES, (0, 0, 0))
    recorded.update({table: tuple(counts) for table, *counts in rows})
    return recorded


def parquet_differs(warehouse) -> list[str]:
    """The published tables whose Parquet dataset in the current snapshot does not hold
    exactly the rows of their DuckDB table (the export writes only the parts that changed)."""
    differing = []
    with duckdb.connect(str(warehouse / "matterhouse.duckdb"), read_only=True) as connection:
        for table in PUBLISHED_TABLES:
            files = f"{warehouse}/parquet/{table}/**/*.parquet"
            parquet = f"select * from read_parquet('{files}', hive_partitioning = false)"
            query = (
                f"select count(*) from (({parquet}) except all (from {table})) "
                f"union all select count(*) from ((from {table}) except all ({parquet}))"
            )
            if any(count for (count,) in connection.execute(query).fetchall()):
                differing.append(table)
    return differing


def run_steps(run_pipeline, tmp, steps) -> None:
    """Run after each step; each run's change counts must be the rows its tables changed,
    its Parquet the rows of its tables, and the end state a whole build's."""
    source, warehouse = tmp / "news", tmp / "warehouse"
    source.mkdir()
    (source / "seed.md").write_text(
        front_matter(
            {
                "url": URLS[0],
                "title": "Harbor strike ends",
                "excerpt": "Workers return.",
                "published": TIMES[1],
                "updated": None,
                "provider": ("Harbor Times", "harbor.example"),
                "amp": None,
                "related": [(URLS[3], TIMES[2]), (CITED[-1], TIMES[1])],
            }
        ),
        encoding="utf-8",
    )
    run_pipeline(source, warehouse=warehouse)
    before = rows_by_key(warehouse)
    for number, (operation, name, argument) in enumerate(steps):
        apply(source, number, operation, name, argument)
        record, _ = run_pipeline(source, warehouse=warehouse)
        after = rows_by_key(warehouse)
        assert recorded_changes(warehouse, record["run_id"]) == expected_changes(before, after), steps[: number + 1]
        assert parquet_differs(warehouse) == [], steps[: number + 1]
        before = after
    _, whole = run_pipeline(source, warehouse=tmp / "whole")
    assert data_rows(warehouse) == data_rows(whole), steps


def spec(url, title="Harbor strike ends", updated=None, related=(), amp=None, provider=("Harbor Times", "harbor.example")):
    return {
        "url": url,
        "title": title,
        "excerpt": "Workers return.",
        "published": TIMES[1],
        "updated": updated,
        "provider": provider,
        "amp": amp,
        "related": [(related_url, TIMES[2]) for related_url in related],
    }


CROSS_FILE_CASES = {
    "a related-only article gains a file of its own, then loses it": [
        ("write", "one.md", spec(URLS[3])),
        ("delete", "one.md", None),
    ],
    "a cited variant resolves to a new article, then is ambiguous when a second shares its key": [
        ("write", "one.md", spec(URLS[6], related=[f"{HOST}/outside?utm_medium=x"])),
        ("write", "two.md", spec(f"{HOST}/outside")),
        ("write", "four.txt", spec(f"{HOST}/c", amp=f"{HOST}/outside/amp")),
    ],
    "deleting the file that held the chosen file article brings the older back": [
        ("write", "one.md", spec(URLS[0], title="Storm nears", updated=TIMES[3])),
        ("delete", "one.md", None),
    ],
    "a chosen file that embeds articles is superseded, then moved": [
        ("write", "one.md", spec(URLS[6], related=[URLS[4], f"{HOST}/outside"])),
        ("write", "two.md", spec(URLS[6], updated=TIMES[3], related=[URLS[5]])),
        ("move", "two.md", "sub/three.md"),
        ("reject", "sub/three.md", None),
    ],
    "story copies form and split as titles change": [
        ("write", "one.md", spec(URLS[6])),
        ("write", "two.md", spec(URLS[3], provider=("Gazette", "gazette.example"))),
        ("write", "one.md", spec(URLS[6], title="Budget passes")),
    ],
    "a month's files of added rows are written again when one of its parts is": [
        ("write", "one.md", spec(URLS[1])),
        ("write", "two.md", spec(URLS[6])),
        ("write", "sub/three.md", spec(URLS[3])),
        ("write", "one.md", spec(URLS[1], title="Storm nears")),
    ],
    "a provider's name follows the majority as articles change hands": [
        ("write", "one.md", spec(URLS[6], provider=("The Harbor", "harbor.example"))),
        ("write", "two.md", spec(URLS[3], provider=("The Harbor", "harbor.example"))),
        ("touch", "two.md", None),
        ("delete", "one.md", None),
    ],
}


@pytest.mark.parametrize("case", CROSS_FILE_CASES)
def test_cross_file_changes_build_by_key_as_a_whole_build_would(run_pipeline, tmp_path, case):
    run_steps(run_pipeline, tmp_path, CROSS_FILE_CASES[case])


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=5))
def test_any_sequence_of_runs_builds_by_key_as_a_whole_build_would(run_pipeline, tmp_path_factory, steps):
    run_steps(run_pipeline, tmp_path_factory.mktemp("by-key"), steps)


def test_a_whole_build_in_slices_equals_one_in_a_single_statement(run_pipeline, tmp_path, monkeypatch):
    """steps.models cuts the whole build of a large articles model into slices of its ids;
    the rows are those of a build in one statement, down to the Parquet export."""
    source = tmp_path / "source"
    source.mkdir()
    for number, url in enumerate(URLS):
        related = [spec(cited) for cited in CITED if cited != url][: number + 1]
        (source / f"{number}.md").write_text(front_matter(spec(url, title=f"Story {number}", related=related)))
    _, whole = run_pipeline(source, warehouse=tmp_path / "whole")
    monkeypatch.setattr(models, "ROWS_PER_SLICE", 2)
    _, sliced = run_pipeline(source, warehouse=tmp_path / "sliced")
    assert rows_by_key(sliced) == rows_by_key(whole)
    assert len(rows_by_key(whole)["articles"]) > 2 * models.ROWS_PER_SLICE
    assert not parquet_differs(sliced)
