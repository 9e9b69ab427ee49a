"""The analysis views on the sample corpus: exact golden rows, and sums that must agree
with the tables they summarize."""

import json
import os

import pytest

from flows.warehouse import VIEWS

from .conftest import CASES, PROJECT_ROOT, query

EXPECTED = CASES / "sample_views.json"
ANALYSIS_VIEWS = [view for view in VIEWS if view != "rejected_files"]


@pytest.fixture(scope="module")
def sample(prefect_harness, tmp_path_factory):
    from flows.pipeline import matterhouse_run

    warehouse = tmp_path_factory.mktemp("views") / "warehouse"
    matterhouse_run(sources=[str(PROJECT_ROOT / "sample")], warehouse=str(warehouse))
    return warehouse


def view_rows(warehouse, view):
    columns = [name for (name,) in query(warehouse, f"select column_name from (describe {view})")]
    rows = query(warehouse, f"select * from {view} order by all")
    return [dict(zip(columns, (_plain(value) for value in row), strict=True)) for row in rows]


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return round(value, 6) if isinstance(value, float) else value


def test_views_match_their_golden_rows(sample):
    actual = {view: view_rows(sample, view) for view in ANALYSIS_VIEWS}
    if os.environ.get("MATTERHOUSE_UPDATE_GOLDEN"):
        EXPECTED.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(EXPECTED.read_text(encoding="utf-8"))


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
