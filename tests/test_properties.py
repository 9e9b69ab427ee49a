"""Hypothesis round trips: text, timestamps, numbers and nulls survive
front matter -> parser -> staging Parquet -> DuckDB unchanged."""

from datetime import datetime, timedelta, timezone

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matterhouse.transforms.articles import SourceFile, parse_file
from matterhouse.transforms.frontmatter import split
from matterhouse.transforms.tables import to_parsed_tables

SOURCE = SourceFile("/src", "a.md", 0, datetime(2026, 1, 1, tzinfo=timezone.utc))
# NUL marks a binary file (rejected on purpose), so honest text never holds one. NEL and
# the Unicode line and paragraph separators are line breaks in YAML 1.1, and PyYAML's
# emitter writes them raw inside quotes, where any YAML 1.1 reader folds them.
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x85\u2028\u2029"), max_size=80)
instants = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(timezone.utc))
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


@pytest.mark.slow  # a property sweep: seconds of examples
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    title=st.one_of(st.none(), texts),
    body=texts,
    published=instants,
    offset=offsets,
    quality=st.one_of(st.none(), st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)),
)
def test_values_survive_parse_parquet_and_duckdb(tmp_path, title, body, published, offset, quality):
    front = yaml.safe_dump(
        {
            "webUrl": "https://example.org/a",
            "title": title,
            "publishedDateTime": published.astimezone(offset).isoformat(),
            "quality": quality,
        },
        allow_unicode=True,
        sort_keys=False,
    )
    data = f"---\n{front}---\n{body}".encode()
    parsed = parse_file(SOURCE, data)
    assert parsed.file["reason"] is None, parsed.file["reason"]

    path = tmp_path / "versions.parquet"
    pq.write_table(to_parsed_tables([parsed])["file_articles"], path)
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        row = connection.execute("select title, published_at, quality, body from read_parquet(?)", [str(path)]).fetchone()

    expected_body = split(data.decode("utf-8").replace("\r\n", "\n"))[1]
    assert row == (title, published, quality, expected_body)


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=400)
    | st.tuples(st.sampled_from(["---\n", "+++\n", "{"]), texts).map(lambda pair: "".join(pair).encode("utf-8"))
)
def test_any_bytes_give_a_loaded_or_rejected_file_never_an_exception(data):
    parsed = parse_file(SOURCE, data)
    assert (parsed.file["reason"] is None) == (len(parsed.file_articles) > 0)
    if parsed.file["reason"] is not None:
        assert "please report" not in parsed.file["reason"]
