"""The analysis views, each on a few hand-made rows in an in-memory DuckDB with the real
schema, with the exact rows expected; then sums on the sample that must agree with the
tables they summarize."""

from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest

from matterhouse.store.schema import ensure_schema

from .conftest import PROJECT_ROOT, build_warehouse, query

# Three providers; articles a1-a4 have files, r1-r2 are known only from related lists.
PROVIDERS = [("p1", "one.example", "One"), ("p2", "two.example", "Two"), ("p3", "three.example", None)]
ARTICLES = [
    # article_id, provider_id, published_at, quality, has_source_file
    ("a1", "p1", datetime(2021, 3, 1, 9, tzinfo=timezone.utc), 80, True),
    ("a2", "p1", datetime(2021, 3, 1, 23, tzinfo=timezone.utc), 60, True),
    ("a3", "p2", datetime(2021, 3, 8, 12, tzinfo=timezone.utc), None, True),
    ("a4", None, datetime(2021, 3, 2, 12, tzinfo=timezone.utc), 10, True),
    ("r1", "p2", None, None, False),
    ("r2", "p3", datetime(2021, 3, 3, tzinfo=timezone.utc), 90, False),
]
RELATIONS = [("a1", "r1"), ("a2", "r1"), ("a3", "r1"), ("a1", "a3"), ("a4", "r2")]
TOPICS = [("a1", "economy"), ("a2", "economy"), ("a3", "economy"), ("a3", "sport"), ("r1", "sport")]
IMAGES = [("a1", 0, 640, 480), ("a1", 1, 640, 480), ("a2", 0, 800, 600), ("a3", 0, None, 600)]


@pytest.fixture(scope="module")
def db():
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    ensure_schema(connection, Path("in-memory"))
    connection.executemany("insert into providers (provider_id, domain, name) values (?, ?, ?)", PROVIDERS)
    connection.executemany(
        "insert into articles (article_id, url, provider_id, published_at, quality, has_source_file, title) "
        "values ($1, 'https://x.example/' || $1, $2, $3, $4, $5, 'Title ' || $1)",
        ARTICLES,
    )
    connection.executemany("insert into article_relations (article_id, related_article_id, position) values (?, ?, 0)", RELATIONS)
    connection.executemany("insert into article_topics (article_id, topic) values (?, ?)", TOPICS)
    connection.executemany(
        "insert into images (article_id, position, url, width, height) values ($1, $2, 'https://i.example/' || $1, $3, $4)",
        IMAGES,
    )
    yield connection
    connection.close()


def rows(db, sql: str) -> list[tuple]:
    return db.execute(sql).fetchall()


def test_articles_per_day_counts_by_utc_day_and_provider(db):
    assert rows(db, "select * from articles_per_day order by all") == [
        (date(2021, 3, 1), "p1", "one.example", "One", 2),
        (date(2021, 3, 2), None, None, None, 1),
        (date(2021, 3, 3), "p3", "three.example", None, 1),
        (date(2021, 3, 8), "p2", "two.example", "Two", 1),
        (None, "p2", "two.example", "Two", 1),
    ]


def test_topic_trends_weekly_start_on_monday_and_skip_undated_articles(db):
    assert rows(db, "select * from topic_trends_weekly order by all") == [
        (date(2021, 3, 1), "economy", 2),
        (date(2021, 3, 8), "economy", 1),
        (date(2021, 3, 8), "sport", 1),  # r1's sport has no date
    ]


def test_top_providers_rank_by_volume_and_by_mean_quality(db):
    assert rows(db, "select * from top_providers order by rank_by_volume, domain") == [
        ("p1", "one.example", "One", 2, 70.0, 2, 1, 2),
        ("p2", "two.example", "Two", 2, None, 0, 1, 3),  # no quality: ranked last
        ("p3", "three.example", None, 1, 90.0, 1, 3, 1),
    ]


def test_most_cited_articles_count_citations_and_citing_providers(db):
    assert rows(db, "select article_id, citations, citing_providers, has_source_file from most_cited_articles order by all") == [
        ("a3", 1, 1, True),
        ("r1", 3, 2, False),  # cited by p1 twice and p2 once
        ("r2", 1, 0, False),  # a4 has no provider
    ]


def test_provider_citations_leave_out_articles_without_a_provider(db):
    assert rows(db, "select * from provider_citations order by all") == [("p1", "p2", 3), ("p2", "p2", 1)]


def test_image_coverage_is_one_row_of_shares_and_typical_sizes(db):
    assert rows(db, "select * from image_coverage") == [(6, 3, 0.5, 4, 640.0, 540.0, "640x480")]


def test_coverage_gaps_are_the_related_only_articles_with_their_citations(db):
    assert rows(db, "select article_id, title, cited_by from coverage_gaps order by all") == [
        ("r1", "Title r1", 3),
        ("r2", "Title r2", 1),
    ]


def test_rejected_files_lists_only_rejected_files(db):
    db.execute(
        "insert into source_files (source_file_id, source, path, status, reason, size_bytes, modified_at, run_id) values "
        "('f1', '/s', 'ok.md', 'loaded', null, 1, now(), 'r'), ('f2', '/s', 'bad.md', 'rejected', 'file is empty', 0, now(), 'r')"
    )
    assert rows(db, "select path, reason, source, source_file_id, run_id from rejected_files") == [
        ("bad.md", "file is empty", "/s", "f2", "r")
    ]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("views") / "warehouse"
    build_warehouse(PROJECT_ROOT / "sample", warehouse=warehouse)
    return warehouse


def test_views_agree_with_the_tables(sample):
    def one(sql):
        return query(sample, sql)[0][0]

    assert one("select sum(articles) from articles_per_day") == one("select count(*) from articles")
    assert one("select sum(articles) from topic_trends_weekly") == one(
        "select count(*) from article_topics join articles using (article_id) where published_at is not null"
    )
    assert one("select sum(articles) from top_providers") == one("select count(*) from articles where provider_id is not null")
    assert one("select min(rank_by_volume) from top_providers") == 1
    assert one("select sum(citations) from most_cited_articles") == one("select count(*) from article_relations")
    assert one("select count(*) from coverage_gaps") == one("select count(*) from articles where not has_source_file")
    assert one("select min(cited_by) from coverage_gaps") >= 1
    assert query(sample, "select articles, articles_with_images, images from image_coverage") == [
        (
            one("select count(*) from articles"),
            one("select count(distinct article_id) from images"),
            one("select count(*) from images"),
        )
    ]
    assert one("select sum(citations) from provider_citations") == one(
        "select count(*) from article_relations r join articles a using (article_id) "
        "join articles b on b.article_id = r.related_article_id "
        "where a.provider_id is not null and b.provider_id is not null"
    )
