import json
from datetime import datetime, timezone

from matterhouse.transforms.articles import SourceFile, parse_file
from matterhouse.transforms.frontmatter import NO_FRONT_MATTER, ORG_MODE
from matterhouse.transforms.normalize import stable_id
from matterhouse.transforms.tables import PARSED_SCHEMAS, to_parsed_tables
from matterhouse.transforms.yaml_loader import TOO_DEEP

SOURCE = SourceFile("/data/news", "2020/a.md", 0, datetime(2026, 1, 1, tzinfo=timezone.utc))

ARTICLE = b"""---
title: No
publishedDateTime: 2020-02-06T19:37:00Z
updatedDateTime: "2020-02-07T09:00:00+01:00"
webUrl: "HTTPS://www.Example.com/story#top"
quality: 33
heat: -1
published: false
locale: en-us
provider:
  name: Example News
  domain: Example.com
  authors: null
topics: [AI, " AI ", Computer   Vision]
images:
  - url: "https://img.example.com/1.jpg"
    width: 1200
    height: wide
    isCached: true
  - title: no url
related:
  - webUrl: https://other.org/a
    title: Other A
    provider: {name: Other, domain: other.org}
  - webUrl: https://other.org/a
    title: Other A again
  - title: no url
  - webUrl: mailto:someone@example.com
---
Body line one
---
Body after a dash line
"""


def parse(data: bytes, source: SourceFile = SOURCE):
    return parse_file(source, data)


def test_own_article_columns_are_typed_by_the_schema():
    parsed = parse(ARTICLE)
    own = parsed.file_articles[0]
    assert own["embed_position"] is None
    assert own["url"] == "https://www.example.com/story"
    assert own["article_id"] == stable_id("https://www.example.com/story")
    assert own["title"] == "No"
    assert own["published_at"] == datetime(2020, 2, 6, 19, 37, tzinfo=timezone.utc)
    assert own["updated_at"] == datetime(2020, 2, 7, 8, 0, tzinfo=timezone.utc)
    assert (own["quality"], own["heat"], own["is_published"]) == (33, -1, False)
    assert (own["provider_domain"], own["provider_name"]) == ("example.com", "Example News")
    assert own["provider_id"] == stable_id("example.com")
    assert own["body"] == "Body line one\n---\nBody after a dash line"
    assert json.loads(own["extra"]) == {"locale": "en-us", "provider": {"authors": None}}
    assert parsed.file["article_id"] == own["article_id"]
    assert parsed.file["reason"] is None


def test_topics_are_tidied_and_deduplicated_in_order():
    assert [
        row["topic"]
        for row in parse(ARTICLE).topics
        if row["file_article_id"] == parse(ARTICLE).file_articles[0]["file_article_id"]
    ] == [
        "AI",
        "Computer Vision",
    ]


def test_images_keep_their_list_position_and_unmapped_fields():
    images = parse(ARTICLE).images
    assert [(row["position"], row["url"], row["width"], row["height"]) for row in images] == [
        (0, "https://img.example.com/1.jpg", 1200, None)
    ]
    assert json.loads(images[0]["extra"]) == {"isCached": True}


EXTRA_FIELDS = b"""---
webUrl: https://example.com/a
title: 1e3
quality: 012
draft: false
weight: 12
ratio: 0.5
hex: 0x1F
octal: 0o17
exponent: 1e3
loud: TRUE
quoted: "12"
tagged: !!str 12
answer: No
switch: on
agreed: yes
time: 1:20
day: 2020-01-01
infinite: .inf
huge: 123456789012345678901234567890
nothing: ~
nested: {featured: true, tags: [1, two, 3.0, "4"]}
---
"""


def test_unmapped_fields_keep_their_yaml_core_schema_types():
    own = parse(EXTRA_FIELDS).file_articles[0]
    assert (own["title"], own["quality"]) == ("1e3", 12)  # columns still read the text as written
    assert json.loads(own["extra"]) == {
        "draft": False,
        "weight": 12,
        "ratio": 0.5,
        "hex": 31,
        "octal": 15,
        "exponent": 1000.0,
        "loud": True,
        "quoted": "12",
        "tagged": "12",
        "answer": "No",
        "switch": "on",
        "agreed": "yes",
        "time": "1:20",
        "day": "2020-01-01",
        "infinite": ".inf",
        "huge": "123456789012345678901234567890",
        "nothing": None,
        "nested": {"featured": True, "tags": [1, "two", 3.0, "4"]},
    }


def test_related_entries_become_versions_and_relations():
    parsed = parse(ARTICLE)
    embedded = [row for row in parsed.file_articles if row["embed_position"] is not None]
    assert [(row["embed_position"], row["url"], row["title"]) for row in embedded] == [
        (0, "https://other.org/a", "Other A"),
        (1, "https://other.org/a", "Other A again"),
    ]
    assert parsed.relations == [
        {
            "file_article_id": parsed.file_articles[0]["file_article_id"],
            "source_file_id": SOURCE.source_file_id,
            "related_article_id": stable_id("https://other.org/a"),
            "position": 0,
        }
    ]


def test_bad_field_values_load_as_null_with_a_warning():
    warnings = [(row["field"], row["raw_value"], row["message"]) for row in parse(ARTICLE).warnings]
    assert warnings == [
        ("images[0].height", "'wide'", "images[0].height 'wide' is not a whole number; loaded as null"),
        ("images[1]", "{'title': 'no url'}", "images[1] has no url; the image is skipped"),
        ("related[2]", "{'title': 'no url'}", "related[2] has no webUrl; the related entry is skipped"),
        (
            "related[3].webUrl",
            "'mailto:someone@example.com'",
            "related[3].webUrl 'mailto:someone@example.com' is not an http(s) URL; the related entry is skipped",
        ),
    ]


def test_structural_field_problems_are_warnings_not_rejections():
    parsed = parse(
        b"---\nwebUrl: https://a.org/x\npublishedDateTime: last tuesday\nimages: a picture\n"
        b"related: {webUrl: https://b.org}\nprovider: {name: Nameless}\ntitle: [a, b]\n---\n"
    )
    assert parsed.file["reason"] is None
    assert [row["field"] for row in parsed.warnings] == [  # columns in the file's order, then the rest
        "publishedDateTime",
        "title",
        "provider.domain",
        "images",
        "related",
    ]
    own = parsed.file_articles[0]
    assert (own["title"], own["published_at"], own["provider_id"], own["provider_name"]) == (None, None, None, "Nameless")


def test_files_that_cannot_be_articles_are_rejected_with_a_reason():
    cases = {
        b"---\ntitle: x\n---\n": "front matter has no webUrl: every article needs its URL",
        b"---\nwebUrl: ftp://a.org/x\n---\n": "webUrl 'ftp://a.org/x' is not an http(s) URL",
        b"---\nwebUrl: [https://a.org]\n---\n": "webUrl ['https://a.org'] is not a URL",
        b"no front matter\n": NO_FRONT_MATTER,
        b"+++\ntitle = 'x'\n+++\n": "front matter has no webUrl: every article needs its URL",
        b'{"webUrl": "ftp://a.org/x"}': "webUrl 'ftp://a.org/x' is not an http(s) URL",
        b'["https://a.org"]\n': "front matter is a JSON array, not an object of fields such as '{\"webUrl\": ...}'",
        b"#+TITLE: x\n": ORG_MODE,
        b'{"webUrl": "https://a.org", "a": ' + b"[" * 5000: TOO_DEEP,
        b"+++\nwebUrl = 'https://a.org'\nwebUrl = 'https://b.org'\n+++\n": (
            "invalid TOML at line 3, column 25: Cannot overwrite a value: a key is given a second time, which TOML does not allow"
        ),
    }
    for data, reason in cases.items():
        parsed = parse(data)
        assert parsed.file["reason"] == reason
        assert parsed.file_articles == parsed.images == parsed.topics == parsed.relations == parsed.warnings == []


def test_parsing_is_deterministic_and_ids_depend_on_the_file():
    first, second = parse(ARTICLE), parse(ARTICLE)
    assert first == second
    elsewhere = parse(ARTICLE, SourceFile("/data/news", "2020/b.md", 0, SOURCE.modified_at))
    assert elsewhere.file_articles[0]["article_id"] == first.file_articles[0]["article_id"]
    assert elsewhere.file_articles[0]["file_article_id"] != first.file_articles[0]["file_article_id"]


def test_staging_tables_follow_their_schemas():
    tables = to_parsed_tables([parse(ARTICLE), parse(b"")])
    assert {name: table.schema for name, table in tables.items()} == PARSED_SCHEMAS
    assert tables["files"].column("reason").to_pylist() == [None, "file is empty"]
    assert tables["file_articles"].num_rows == 3


def test_every_parsed_row_lands_in_its_columns_by_name():
    """to_parsed_tables takes a row's values in order: each row must hold its table's
    columns in the schema's order, whatever path through the reader made it."""
    twice = b"---\ntitle: a\nwebUrl: https://n.example.org/a\ntitle: b\n---\n"
    files = [parse(ARTICLE), parse(EXTRA_FIELDS), parse(twice), parse(b""), parse(b"---\nwebUrl: x\n---\n")]
    tables = to_parsed_tables(files)
    for name, rows in {
        "files": [parsed.file for parsed in files],
        "file_articles": [row for parsed in files for row in parsed.file_articles],
        "file_article_images": [row for parsed in files for row in parsed.images],
        "file_article_topics": [row for parsed in files for row in parsed.topics],
        "file_article_relations": [row for parsed in files for row in parsed.relations],
        "file_article_urls": [row for parsed in files for row in parsed.urls],
        "file_warnings": [row for parsed in files for row in parsed.warnings],
    }.items():
        assert rows, name
        assert [list(row) for row in rows] == [PARSED_SCHEMAS[name].names] * len(rows), name
        assert tables[name].to_pylist() == rows, name


def test_a_key_given_twice_keeps_the_last_value_and_warns():
    parsed = parse_file(
        SourceFile("/src", "twice.md", 1, datetime(2021, 1, 1, tzinfo=timezone.utc)),
        b"---\ntitle: first\nwebUrl: https://n.example.org/a\ntitle: second\n---\n",
    )
    assert parsed.file["reason"] is None and parsed.file_articles[0]["title"] == "second"
    assert [(warning["field"], warning["message"]) for warning in parsed.warnings] == [
        ("title", "title is given twice in one mapping (line 4); the last value is used")
    ]


# ARTICLE in JSON and in TOML (TOML has no null, so its twin has no `authors: null`).
JSON_ARTICLE = b"""{
  "title": "No",
  "publishedDateTime": "2020-02-06T19:37:00Z",
  "updatedDateTime": "2020-02-07T09:00:00+01:00",
  "webUrl": "HTTPS://www.Example.com/story#top",
  "quality": 33,
  "heat": -1,
  "published": false,
  "locale": "en-us",
  "provider": {"name": "Example News", "domain": "Example.com", "authors": null},
  "topics": ["AI", " AI ", "Computer   Vision"],
  "images": [
    {"url": "https://img.example.com/1.jpg", "width": 1200, "height": "wide", "isCached": true},
    {"title": "no url"}
  ],
  "related": [
    {"webUrl": "https://other.org/a", "title": "Other A", "provider": {"name": "Other", "domain": "other.org"}},
    {"webUrl": "https://other.org/a", "title": "Other A again"},
    {"title": "no url"},
    {"webUrl": "mailto:someone@example.com"}
  ]
}
Body line one
---
Body after a dash line
"""
TOML_ARTICLE = b"""+++
title = "No"
publishedDateTime = 2020-02-06T19:37:00Z
updatedDateTime = "2020-02-07T09:00:00+01:00"
webUrl = "HTTPS://www.Example.com/story#top"
quality = 33
heat = -1
published = false
locale = "en-us"
topics = ["AI", " AI ", "Computer   Vision"]

[provider]
name = "Example News"
domain = "Example.com"

[[images]]
url = "https://img.example.com/1.jpg"
width = 1200
height = "wide"
isCached = true

[[images]]
title = "no url"

[[related]]
webUrl = "https://other.org/a"
title = "Other A"
provider = {name = "Other", domain = "other.org"}

[[related]]
webUrl = "https://other.org/a"
title = "Other A again"

[[related]]
title = "no url"

[[related]]
webUrl = "mailto:someone@example.com"
+++
Body line one
---
Body after a dash line
"""


def rows(parsed) -> tuple:
    return parsed.file["reason"], parsed.file_articles, parsed.images, parsed.topics, parsed.relations, parsed.warnings


def test_toml_and_json_articles_give_the_rows_of_their_yaml_twin():
    assert rows(parse(JSON_ARTICLE)) == rows(parse(ARTICLE))
    assert rows(parse(TOML_ARTICLE)) == rows(parse(ARTICLE.replace(b"  authors: null\n", b"")))


def test_toml_values_load_like_yaml_text():
    parsed = parse(
        b"+++\nwebUrl = 'https://a.org/x'\npublishedDateTime = 2020-01-02T05:04:05+02:00\nupdatedDateTime = 2020-01-03\n"
        b"title = 2020\nexcerpt = true\nquality = 1_000\nheat = 1.0\npublished = 'yes'\n"
        b"when = 2020-01-02T03:04:05Z\nat = 07:30:00\nweight = 1.50\nflags = [true, 0x1F]\n+++\n"
    )
    own = parsed.file_articles[0]
    assert own["published_at"] == datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert own["updated_at"] == datetime(2020, 1, 3, tzinfo=timezone.utc)
    assert (own["title"], own["excerpt"], own["quality"], own["heat"], own["is_published"]) == ("2020", "true", 1000, None, True)
    assert [row["message"] for row in parsed.warnings] == ["heat '1.0' is not a whole number; loaded as null"]
    assert json.loads(own["extra"]) == {"when": "2020-01-02T03:04:05+00:00", "at": "07:30:00", "weight": 1.5, "flags": [True, 31]}


def test_a_json_key_given_twice_warns_with_its_line():
    parsed = parse(b'{\n  "webUrl": "https://a.org/x",\n  "provider": {"domain": "a.org",\n    "domain": "b.org"}\n}\n')
    assert parsed.file_articles[0]["provider_domain"] == "b.org"
    assert [(row["field"], row["message"]) for row in parsed.warnings] == [
        ("domain", "domain is given twice in one mapping (line 4); the last value is used")
    ]
