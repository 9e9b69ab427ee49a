"""One article behind every URL variant (sql/models/url_resolutions.sql), in a real
warehouse: citations by tracking, AMP and AMP-cache URLs resolve to the article; a query
string that names another page, or a key two articles share, keeps URLs apart."""

from pathlib import Path

import pytest

from matterhouse.transforms.normalize import stable_id

from .conftest import build_warehouse, query
from .incremental_helpers import data_rows

A = "https://news.example.com/world/story-1"
A_AMP = A + "?outputType=amp"
A_CDN = "https://news-example-com.cdn.ampproject.org/c/s/news.example.com/world/story-1"
WIRE = "https://www.wire.example/article/us-x-idUS1"
WIRE_AMP = "https://mobile.wire.example/article/amp/idUS1"  # shares nothing with WIRE but the file's word
B1, B2 = "https://s.example/amp/news/1", "https://s.example/news/1"
CLEAN = "https://cited.example/only"
SELF = "https://self.example/s"

FILES = {
    "a.md": {"webUrl": A, "ampWebUrl": A_AMP, "cdnAmpWebUrl": A_CDN + "?outputType=amp"},
    "wire.md": {"webUrl": WIRE, "ampWebUrl": WIRE_AMP},
    "b1.md": {"webUrl": B1},
    "b2.md": {"webUrl": B2},
    "self.md": {"webUrl": SELF, "related": [SELF + "?outputType=amp"]},
    "host.md": {
        "webUrl": "https://host.example/h",
        "related": [
            A + "?utm_source=newsletter&utm_medium=email",  # 0 -> A
            A_CDN,  # 1 -> A: the cache URL without the marker the file declared
            A_AMP,  # 2 -> A
            WIRE_AMP,  # 3 -> WIRE, by the URL its file declares
            "https://mobile-wire-example.cdn.ampproject.org/c/s/mobile.wire.example/article/amp/idUS1",  # 4 -> WIRE
            A + "?id=123",  # 5: another page
            A + "?page=2",  # 6: another page
            B2 + "?utm_source=x",  # 7: B1 and B2 share the key: not resolved
            B2,  # 8: B2 itself
            CLEAN,  # 9: known only from citations
            CLEAN + "?fbclid=abc",  # 10 -> CLEAN
            "https://other.example/x?utm_source=a",  # 11: no clean URL was seen: stays
        ],
    },
    "host2.md": {"webUrl": "https://host.example/h2", "related": ["https://other.example/x?utm_source=b"]},
}


def write_files(folder: Path, names) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        fields = FILES[name]
        lines = ["---", f"title: {name}", "publishedDateTime: 2021-03-01T00:00:00Z"]
        lines += [f"{key}: {value}" for key, value in fields.items() if key != "related"]
        if "related" in fields:
            lines.append("related:")
            lines += [f"  - webUrl: {url}\n    title: cited" for url in fields["related"]]
        (folder / name).write_text("\n".join([*lines, "---", ""]), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("variants")
    build_warehouse(write_files(root / "news", FILES), warehouse=root / "warehouse")
    return root / "warehouse"


def related_of(warehouse, url: str) -> list[tuple[str, int]]:
    return query(
        warehouse,
        "select related.url, relations.position from article_relations as relations "
        "inner join articles as related on related.article_id = relations.related_article_id "
        "inner join articles as citing on citing.article_id = relations.article_id "
        "where citing.url = ? order by relations.position",
        [url],
    )


def test_citations_by_variant_urls_resolve_to_the_article(warehouse):
    assert related_of(warehouse, "https://host.example/h") == [
        (A, 0),
        (WIRE, 3),
        (A + "?id=123", 5),
        (A + "?page=2", 6),
        (B2 + "?utm_source=x", 7),
        (B2, 8),
        (CLEAN, 9),
        ("https://other.example/x?utm_source=a", 11),
    ]


def test_no_second_article_for_a_variant(warehouse):
    urls = {url for (url,) in query(warehouse, "select url from articles")}
    assert urls == {
        A, WIRE, B1, B2, SELF, CLEAN, "https://host.example/h", "https://host.example/h2",
        A + "?id=123", A + "?page=2", B2 + "?utm_source=x",
        "https://other.example/x?utm_source=a", "https://other.example/x?utm_source=b",
    }  # fmt: skip
    assert query(warehouse, "select count(*) from articles where url like '%cdn.ampproject.org%' or url like '%fbclid%'") == [
        (0,)
    ]


def test_article_urls_lists_every_url_an_article_was_seen_by(warehouse):
    def urls(url):
        return query(warehouse, "select url, kind from article_urls where article_id = ? order by url", [stable_id(url)])

    assert urls(A) == sorted(
        [
            (A, "web"),
            (A + "?outputType=amp", "amp"),
            (A + "?utm_source=newsletter&utm_medium=email", "variant"),
            (A_CDN, "cdn_amp"),
            (A_CDN + "?outputType=amp", "cdn_amp"),
        ]
    )
    assert urls(WIRE) == sorted(
        [
            (WIRE, "web"),
            (WIRE_AMP, "amp"),
            ("https://mobile-wire-example.cdn.ampproject.org/c/s/mobile.wire.example/article/amp/idUS1", "cdn_amp"),
        ]
    )
    assert urls(CLEAN) == [(CLEAN, "web"), (CLEAN + "?fbclid=abc", "variant")]
    assert urls(B1) == [(B1, "web")] and urls(B2) == [(B2, "web")]


def test_a_citation_of_the_article_itself_is_no_relation(warehouse):
    assert related_of(warehouse, SELF) == []
    assert query(warehouse, "select count(*) from article_relations where article_id = related_article_id") == [(0,)]


def test_the_article_arriving_later_takes_over_its_variants(tmp_path):
    """Before a.md exists its variants are articles of their own; once it arrives they
    resolve to it, exactly as a full build of the final folder has them."""
    folder = write_files(tmp_path / "news", ["host.md", "wire.md"])
    warehouse = tmp_path / "warehouse"
    build_warehouse(folder, warehouse=warehouse)
    assert query(warehouse, "select count(*) from articles where url like 'https://news%'") == [(5,)]  # the cache URL too

    write_files(folder, ["a.md"])
    build_warehouse(folder, warehouse=warehouse)

    assert query(warehouse, "select count(*) from articles where url like 'https://news%'") == [(3,)]
    build_warehouse(folder, warehouse=tmp_path / "fresh")
    assert data_rows(warehouse) == data_rows(tmp_path / "fresh")


def test_an_amp_page_that_only_a_citation_declares_names_no_article(tmp_path):
    """Resolution trusts the AMP pages an article's own files declare, not what a citing
    file says of another site's article; article_urls agrees with it."""
    news = tmp_path / "news"
    news.mkdir()
    (news / "one.md").write_text(
        "---\nwebUrl: https://h.example/1\nrelated:\n  - webUrl: https://x.example/a\n    ampWebUrl: https://amp.x.example/a\n---\n"
    )
    (news / "two.md").write_text("---\nwebUrl: https://h.example/2\nrelated:\n  - webUrl: https://amp.x.example/a\n---\n")
    build_warehouse(news, warehouse=tmp_path / "warehouse")
    assert query(tmp_path / "warehouse", "select url, kind from article_urls where url like '%x.example%' order by url") == [
        ("https://amp.x.example/a", "web"),
        ("https://x.example/a", "web"),
    ]
