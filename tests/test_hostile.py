"""Hostile input: bombs, code tags, links, huge files, odd paths, fuzzed bytes."""

import contextlib
import json
import subprocess
import sys
from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from matterhouse.transforms import normalize
from matterhouse.transforms.articles import SourceFile, parse_file
from matterhouse.transforms.tables import to_parsed_tables

from .conftest import CASES, PROJECT_ROOT, query

SOURCE = SourceFile("/src", "a.md", 0, datetime(2026, 1, 1, tzinfo=timezone.utc))
SEED = (CASES / "seed" / "input" / "000_19301bc74b7f561c.txt").read_bytes()
BOMB = (CASES / "rejects" / "input" / "alias_bomb.md").read_bytes()

MEASURE_BOMB = """
import json, resource, sys, time
from datetime import datetime, timezone
from matterhouse.transforms.articles import SourceFile, parse_file
from matterhouse.transforms.tables import to_parsed_tables
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
parsed = parse_file(SourceFile("/s", "bomb.md", len(data), datetime.now(timezone.utc)), data)
seconds = time.perf_counter() - started
grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"seconds": seconds, "grown_mib": grown_kib / 1024, "reason": parsed.file["reason"]}))
"""


def test_a_billion_laughs_file_costs_under_100_mb_and_a_second():
    assert len(BOMB) < 1024
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_BOMB, str(CASES / "rejects" / "input" / "alias_bomb.md")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    measured = json.loads(result.stdout)
    assert measured["reason"].startswith("front matter uses YAML anchors/aliases")
    assert measured["seconds"] < 1.0
    assert measured["grown_mib"] < 100


def test_python_tags_are_never_constructed_or_run(tmp_path):
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/name:os.system"):
        data = f'---\nwebUrl: https://x.example.org/\ntitle: {tag} ["touch {marker}"]\n---\n'.encode()
        assert "is not allowed" in parse_file(SOURCE, data).file["reason"]
    assert not marker.exists()


def test_links_inside_the_source_are_followed_and_others_rejected(run_pipeline, tmp_path):
    source, outside = tmp_path / "source", tmp_path / "outside"
    (source / "real").mkdir(parents=True)
    outside.mkdir()
    article = "---\nwebUrl: https://links.example.org/{}\n---\n"
    (source / "real" / "a.md").write_text(article.format("a"))
    (outside / "secret.md").write_text(article.format("secret"))
    (outside / "more.md").write_text(article.format("more"))
    (source / "inside-link.md").symlink_to(source / "real" / "a.md")
    (source / "outside-link.md").symlink_to(outside / "secret.md")
    (source / "broken-link.md").symlink_to(tmp_path / "missing.md")
    (source / "folder-link").symlink_to(outside, target_is_directory=True)

    _, warehouse = run_pipeline(source)

    assert query(warehouse, "select path, status, reason from source_files order by path") == [
        ("broken-link.md", "rejected", "broken symbolic link: its target does not exist"),
        ("inside-link.md", "superseded", "superseded by real/a.md, a newer version of the same webUrl"),
        (
            "outside-link.md",
            "rejected",
            "symbolic link to a file outside the source folder; links leaving a source are not followed",
        ),
        ("real/a.md", "loaded", None),
    ]
    assert query(warehouse, "select url from articles") == [("https://links.example.org/a",)]


def test_files_over_the_size_limit_are_rejected_unread(run_pipeline):
    _, warehouse = run_pipeline(CASES / "seed" / "input", max_file_size=1000)
    assert query(warehouse, "select status, reason, content_hash from source_files") == [
        ("rejected", "file is 4.35 KB, over the 1000 bytes limit; raise --max-file-size to load it", None)
    ]


def test_odd_characters_in_source_and_warehouse_paths(run_pipeline, tmp_path):
    odd = 'it\'s "news" – ünïcødé; drop table articles; --'  # noqa: RUF001 (the dash is the point)
    source = tmp_path / odd / f"{odd}.d"
    source.mkdir(parents=True)
    (source / f"{odd}.md").write_bytes(SEED)
    record, warehouse = run_pipeline(source, warehouse=tmp_path / f"{odd} warehouse")
    assert record["articles"] == 4
    assert query(warehouse, "select path, source from source_files") == [(f"{odd}.md", str(source))]


mutations = st.lists(
    st.tuples(st.integers(0, len(SEED)), st.sampled_from(["delete", "insert", "replace"]), st.binary(min_size=1, max_size=8)),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, edits) -> bytes:
    for position, kind, chunk in edits:
        position %= len(data) + 1
        if kind == "delete":
            data = data[:position] + data[position + len(chunk) :]
        elif kind == "insert":
            data = data[:position] + chunk + data[position:]
        else:
            data = data[:position] + chunk + data[position + len(chunk) :]
    return data or b"-"


@settings(max_examples=300, deadline=2000)
@given(mutations)
def test_mutated_articles_load_or_are_rejected_with_a_reason(edits):
    parsed = parse_file(SOURCE, mutate(SEED, edits))
    reason = parsed.file["reason"]
    assert reason is None or ("please report" not in reason and "\n" not in reason)


FORMAT_TWINS = [(CASES / "formats" / "input" / name).read_bytes() for name in ("toml_twin.md", "json_twin.md")]


@settings(max_examples=200, deadline=2000)
@given(st.sampled_from(FORMAT_TWINS), mutations)
def test_mutated_toml_and_json_articles_load_or_are_rejected_with_a_reason(data, edits):
    parsed = parse_file(SOURCE, mutate(data, edits))
    reason = parsed.file["reason"]
    assert reason is None or ("please report" not in reason and "\n" not in reason)
    to_parsed_tables([parsed])  # what loads, Arrow can hold


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.datetimes(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(yaml_values)
def test_value_rules_only_ever_raise_value_error(value):
    for rule in (
        normalize.normalize_url,
        normalize.normalize_domain,
        normalize.normalize_topic,
        normalize.to_text,
        normalize.to_timestamp,
        normalize.to_integer,
        normalize.to_flag,
    ):
        with contextlib.suppress(ValueError):
            rule(value)


def test_no_module_uses_an_unsafe_yaml_loader():
    sources = [path.read_text() for path in (PROJECT_ROOT / "src" / "matterhouse").rglob("*.py")]
    assert not any("yaml.load(" in text and "FrontMatterLoader" not in text for text in sources)
    assert not any(name in text for text in sources for name in ("yaml.Loader", "UnsafeLoader", "FullLoader", "unsafe_load"))
