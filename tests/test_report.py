"""`matterhouse report`: a self-contained page, rendered in headless Chromium and looked at.

The fast tests build the page from the bundled sample's warehouse, from an empty one and
from hand-made query rows (long names, many months, runs in the same minute), and check
what a reader would notice: gaps in time, labels, empty states, grammar, the network."""

import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
from PIL import Image
from plotly.offline import get_plotlyjs

from matterhouse.cli import main
from matterhouse.read.report import (
    LABEL_WIDTH,
    PALETTE,
    articles_figure,
    build_page,
    providers_figure,
    render_report,
    report_data,
    runs_figure,
    short_label,
    topic_trends,
)
from matterhouse.store.schema import ensure_schema
from matterhouse.store.warehouse import fetch_dicts, sql

from .conftest import PROJECT_ROOT, build_warehouse

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]  # fmt: skip
UTC = timezone.utc


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("report") / "warehouse"
    for _ in range(2):  # two runs, so that the per-run chart has two places
        build_warehouse(PROJECT_ROOT / "sample", warehouse=warehouse)
    return warehouse


@pytest.fixture(scope="module")
def report(sample_warehouse):
    output = sample_warehouse.parent / "report.html"
    assert main(["report", "--warehouse", str(sample_warehouse), "--output", str(output)]) == 0
    return output


@pytest.fixture(scope="module")
def empty_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("empty")
    (folder / "sources").mkdir()
    build_warehouse(folder / "sources", warehouse=folder / "warehouse", allow_empty_source=True)
    output = folder / "report.html"
    assert main(["report", "--warehouse", str(folder / "warehouse"), "--output", str(output)]) == 0
    return output


def months_between(first: date, last: date) -> list[date]:
    months = [first]
    while months[-1] < last:
        month = months[-1]
        months.append(date(month.year + month.month // 12, month.month % 12 + 1, 1))
    return months


def page_data(**rows) -> dict[str, list[dict]]:
    """Query rows for build_page: an empty warehouse's, with `rows` in place."""
    totals = {"articles": 0, "dated_articles": 0, "providers": 0, "topics": 0, "runs": 0}
    data = {"totals": [totals], "articles_per_month": [], "top_providers": [], "topic_trends": [], "runs": []}
    data |= {"stories": [], "headline_changes": [], "commonest_rejections": []}
    totals |= rows.pop("totals", {})
    return data | rows


def test_the_month_axis_runs_through_months_without_articles(sample_warehouse):
    """The sample has nothing from 2022-01 to 2024-04: those months are there, as zeros,
    in the rows, the figure and the topic lines, on a date axis."""
    data = report_data(sample_warehouse)
    months = [row["month"] for row in data["articles_per_month"]]
    assert months == months_between(date(2019, 1, 1), date(2024, 5, 1))
    articles = {row["month"]: row["articles"] for row in data["articles_per_month"]}
    assert articles[date(2021, 12, 1)] > 0 and articles[date(2023, 1, 1)] == 0 and articles[date(2024, 5, 1)] == 1
    assert sum(articles.values()) == 522
    figure = articles_figure(data["articles_per_month"])
    assert figure.layout.xaxis.type == "date" and date(2023, 1, 1) in figure.data[0].x
    assert figure.layout.xaxis.range == ("2019-01-01", "2024-06-01")
    assert figure.layout.xaxis.tickformat == "%b %Y"  # every tick names its year, May 2024's too
    topics = topic_trends(data["topic_trends"], data["totals"][0])
    assert len(topics.figure.data) == 5
    for line in topics.figure.data:
        assert list(line.x) == months and dict(zip(line.x, line.y, strict=True))[date(2023, 1, 1)] == 0


def test_long_names_are_wrapped_on_the_axis_and_whole_in_the_hover_and_table():
    names = [
        "The International Consortium of Investigative Journalists Worldwide Edition",
        "The International Consortium of Investigative Journalists Europe Edition",
        "Süddeutsche Zeitung <Online> & Partners",
        "BBC",
    ]
    providers = [
        {"provider": name, "domain": f"site{number}.example", "articles": 100 - number, "mean_quality": None}
        for number, name in enumerate(names)
    ]
    figure = providers_figure(providers)
    ticks = figure.layout.yaxis.ticktext
    assert len(set(ticks)) == 4 and list(figure.data[0].y) == [0, 1, 2, 3]  # bars placed by position, not by name
    for tick in ticks:
        lines = tick.split("<br>")
        assert len(lines) <= 2 and all(len(line) <= LABEL_WIDTH for line in lines if "&" not in line), tick
    assert ticks[0] == "The International<br>…Worldwide Edition"
    assert ticks[2] == "Süddeutsche Zeitung<br>&lt;Online&gt; &amp; Partners"
    assert [row[0] for row in figure.data[0].customdata][:2] == names[:2]
    html = build_page(page_data(top_providers=providers, totals={"articles": 400, "providers": 4}))
    assert f"<td>{names[0]}</td>" in html and "<td>Süddeutsche Zeitung &lt;Online&gt; &amp; Partners</td>" in html


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("BBC", "BBC"),
        ("Coronavirus in Asia", "Coronavirus in Asia"),
        ("Artificial intelligence and machine learning", "Artificial intelligence<br>and machine learning"),
        ("Artificial intelligence and machine learning regulation", "Artificial intelligence<br>…learning regulation"),
        ("a" * 60, "a" * 24 + "<br>…" + "a" * 23),
        ("<b>", "&lt;b&gt;"),
        ("", ""),
    ],
)
def test_short_label(text, label):
    assert short_label(text) == label


def test_many_topics_over_many_months_keep_their_names_in_the_legend_and_hover():
    months = months_between(date(2005, 1, 1), date(2024, 12, 1))
    topics = ["Coronavirus pandemic in South-East Asia and Oceania", "Elections", "AI"]
    rows = [{"month": month, "topic": topic, "articles": 1} for month in months for topic in topics]
    section = topic_trends(rows, {"articles": 10, "topics": 40})
    assert [line.name for line in section.figure.data] == [
        "AI",
        "Coronavirus pandemic in<br>…Asia and Oceania",
        "Elections",
    ]
    assert section.figure.data[1].hovertemplate.startswith("Coronavirus pandemic in South-East Asia and Oceania:")
    assert section.figure.layout.legend.orientation == "h"  # wraps onto more rows, never over the plot
    assert "the 3 most frequent topics, of 40" in section.text
    assert "The latest 60 of 240 months" in section.table and section.table.count("<tr>") == 61


def test_runs_in_the_same_minute_get_a_place_and_a_label_each():
    started = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    rows = [
        {"run_number": 7 + offset, "runs_recorded": 9, "started_at": started + timedelta(seconds=20 * offset),
         "status": "succeeded", "files_seen": 1000, "files_rejected": offset, "data_warnings": 2}
        for offset in range(3)
    ]  # fmt: skip
    figure = runs_figure(rows)
    assert figure.layout.xaxis.type == "category"
    for bars in figure.data:
        assert list(bars.x) == ["7", "8", "9"]
        assert [row[0] for row in bars.customdata] == ["2026-11-30 09:00:00", "2026-11-30 09:00:20", "2026-11-30 09:00:40"]
    html = build_page(page_data(runs=rows, totals={"runs": 9}))
    assert "3 recent runs of 9" in html and "The 3 most recent runs, oldest first." in html


def test_the_summary_counts_runs_in_good_english(report, empty_report):
    assert "; 2 recent runs.</p>" in report.read_text(encoding="utf-8")
    assert "(1 recent run)" in empty_report.read_text(encoding="utf-8")
    one_run = [{"run_number": 1, "runs_recorded": 1, "started_at": datetime(2026, 1, 1, tzinfo=UTC), "status": "succeeded",
                "files_seen": 1, "files_rejected": 0, "data_warnings": 0}]  # fmt: skip
    html = build_page(page_data(runs=one_run, totals={"articles": 1, "providers": 1, "runs": 1}))
    assert "1 article from 1 provider; 1 recent run.</p>" in html


def test_an_empty_warehouse_says_so_and_draws_no_axes(empty_report):
    html = empty_report.read_text(encoding="utf-8")
    assert "The warehouse has no articles yet (1 recent run). Load a folder of articles with" in html
    assert "<code>matterhouse run --source DIR</code>" in html
    for sentence in (
        "No articles yet, so there is nothing to count by month.",
        "No articles yet, so no providers to rank.",
        "No articles yet, so no topics to follow.",
        "No articles yet, so no stories.",
        "No articles yet, so no headlines to compare.",
    ):
        assert f"<p class='empty'>{sentence}</p>" in html
    # The one run rejected nothing and warned of nothing: a sentence, not a chart of zeros.
    assert "There is no chart: the run rejected no file and found no data warning." in html
    assert "plotly-graph-div" not in html and "<script" not in html and len(html) < 20_000


def test_a_warehouse_whose_every_file_was_rejected_gives_the_commonest_reasons(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for number in range(3):
        (notes / f"{number}.md").write_text(f"just a note {number}\n", encoding="utf-8")
    (notes / "list.md").write_text("---\n- a\n---\n", encoding="utf-8")
    build_warehouse(notes, warehouse=tmp_path / "warehouse")
    html = render_report(tmp_path / "warehouse")
    assert "The warehouse has no articles yet (1 recent run): every file was rejected. The commonest reasons:" in html
    reasons = re.findall(r"<li>(.*?)</li>", html.split("The commonest reasons:")[1])
    assert reasons[0].startswith("no front matter: the file must start with") and reasons[0].endswith("(3 files)")
    assert reasons[1].startswith("front matter is a list") and reasons[1].endswith("(1 file)")


def test_a_section_without_data_says_why_and_what_to_do():
    html = build_page(page_data(totals={"articles": 3, "providers": 0}))
    assert "None of the 3 articles has a publication time" in html and "<code>publishedDateTime</code>" in html
    assert "None of the 3 articles names a provider." in html and "<code>provider.domain</code>" in html
    assert "No dated article has topics" in html and "<code>topics</code>" in html
    assert "No runs are recorded yet: <code>matterhouse run</code> records one." in html
    assert "Every one of the 3 articles is a story of its own. Copies of a story" in html
    assert "No article's headline has changed between its versions." in html
    assert "plotly-graph-div" not in html


def test_the_page_loads_nothing_from_the_network(report):
    html = report.read_text(encoding="utf-8")
    bundle = get_plotlyjs()
    assert html.count(bundle) == 1  # plotly.js inline, once, for every chart
    page = html.replace(bundle, "")
    assert "http" not in page
    assert not re.search(r"<script[^>]*\bsrc=|<link|<iframe|<img|@import|url\(", page)
    for section in ("articles-over-time", "top-providers", "topic-trends", "runs", "stories", "headline-changes"):
        assert f"<section id='{section}'>" in html
    assert page.count('class="plotly-graph-div"') == 4
    assert "<td>Chicago Tribune</td><td>chicagotribune.com</td><td class='number'>132</td>" in html


def test_the_sample_has_a_story_in_two_copies_and_five_headline_changes(report):
    html = report.read_text(encoding="utf-8")
    stories = html[html.index("<section id='stories'>") : html.index("<section id='headline-changes'>")]
    assert "1 story came out more than once, in 2 articles in all." in stories
    assert (
        "<td>Herta Security Lauded by Frost &amp; Sullivan for Delivering Cutting-edge, Real-time Facial Recognition "
        "and Detection Deployment</td><td class='number'>2</td><td class='number'>1</td><td>PR Newswire</td>"
        "<td class='time'>2020-02-12 15:40</td>"
    ) in stories
    changes = html[html.index("<section id='headline-changes'>") :]
    assert "5 headline changes in 5 articles. The latest first:" in changes
    assert (
        "<td class='time'>2021-12-28 10:34</td><td>Chicago Tribune</td><td>Pipeline license market outbreak</td>"
        "<td>Pipeline police outbreak transfer startup vaccine trade</td>"
    ) in changes
    assert changes.index("2021-12-28 10:34") < changes.index("2021-12-18 16:52") < changes.index("2019-10-11 12:06")


@pytest.fixture
def hand_made():
    """The real schema in memory, with a few hand-made articles: a two-copy story across two
    providers (a, b), one from a single provider (e, f), a gap month, an undated article
    and two headline changes of c."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    ensure_schema(connection, Path("in-memory"))
    connection.execute("""
        insert into providers (provider_id, domain, name) values ('p1', 'one.example', 'One'), ('p2', 'two.example', null);
        insert into articles (article_id, url, story_id, provider_id, published_at, has_source_file, title)
        select article_id, 'https://x.example/' || article_id, story_id, provider_id, published_at, has_source_file, title
        from (values
            ('a', 'a', 'p1', timestamptz '2021-01-31 23:30:00+00', true, 'A'),
            ('b', 'a', 'p2', '2021-02-01 10:00:00+00', false, 'A'),
            ('c', 'c', 'p1', '2021-04-15 00:00:00+00', true, 'C'),
            ('d', 'd', 'p1', null, true, 'D'),
            ('e', 'e', 'p2', '2021-04-16 00:00:00+00', true, 'E'),
            ('f', 'e', 'p2', '2021-04-16 01:00:00+00', true, 'E')
        ) as rows (article_id, story_id, provider_id, published_at, has_source_file, title);
        insert into article_topics (article_id, topic) values ('a', 'Elections'), ('c', 'Elections'), ('c', 'AI'), ('d', 'AI');
        insert into article_versions (article_id, version, title, updated_at, source_path, first_seen_run, last_seen_run)
        values ('c', 1, 'C0', null, 'c.md', 'r', 'r'), ('c', 2, 'C1', '2021-04-15 01:00:00+00', 'c.md', 'r', 'r'),
            ('c', 3, 'C', '2021-04-15 02:00:00+00', 'c.md', 'r', 'r'), ('e', 1, 'E', null, 'e.md', 'r', 'r');
    """)
    yield connection
    connection.close()


def test_the_report_queries_on_hand_made_rows(hand_made):
    def rows(name, **parameters):
        return fetch_dicts(hand_made, sql(f"report/{name}"), **parameters)

    months = rows("articles_per_month")  # March has no article and is there all the same
    assert [(row["month"], row["articles"], row["with_source_file"]) for row in months] == [
        (date(2021, 1, 1), 1, 1), (date(2021, 2, 1), 1, 0), (date(2021, 3, 1), 0, 0), (date(2021, 4, 1), 3, 3),
    ]  # fmt: skip
    topics = rows("topic_trends")  # article d has no publication time, so AI counts only c
    assert [(row["month"].month, row["topic"], row["articles"]) for row in topics] == [
        (1, "AI", 0), (1, "Elections", 1), (2, "AI", 0), (2, "Elections", 0),
        (3, "AI", 0), (3, "Elections", 0), (4, "AI", 1), (4, "Elections", 1),
    ]  # fmt: skip
    assert rows("totals") == [{"articles": 6, "dated_articles": 5, "providers": 2, "topics": 2, "runs": 0}]
    stories = rows("stories", limit=1)  # the largest story, with the counts of all of them
    assert [{key: row[key] for key in ("story_id", "articles", "providers", "provider_names")} for row in stories] == [
        {"story_id": "a", "articles": 2, "providers": 2, "provider_names": ["One", "two.example"]}
    ]
    assert (stories[0]["stories_with_copies"], stories[0]["copies_in_all"]) == (2, 4)
    changes = rows("headline_changes", limit=1)  # the latest, with the counts of all
    assert [(row["article_id"], row["provider"], row["from_title"], row["to_title"]) for row in changes] == [
        ("c", "One", "C1", "C")
    ]
    assert (changes[0]["changes_in_all"], changes[0]["articles_changed"]) == (2, 1)


def test_long_lists_say_how_many_they_leave_out():
    started = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    stories = [
        {"story_id": str(number), "title": f"Story {number}", "articles": 40 - number, "providers": 3,
         "provider_names": ["One", "Two", "Three", "Four", "Five"], "first_published_at": started, "stories_with_copies": 312,
         "copies_in_all": 1290}
        for number in range(25)
    ]  # fmt: skip
    html = build_page(page_data(stories=stories, totals={"articles": 5000, "providers": 3}))
    assert "312 stories came out more than once, in 1,290 articles in all." in html
    assert "The first 25 of 312 stories; <code>matterhouse query</code> gives them all." in html
    assert html.count("<td>Story ") == 25 and html.count("<td>One, Two, Three and 2 more</td>") == 25


def test_other_commands_do_not_import_plotly():
    code = "import sys, matterhouse, matterhouse.cli; print('plotly' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False"


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[index : index + 2], 16) for index in (1, 3, 5))


def screenshot(page, image, tmp_path, height: int) -> Image.Image:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: .ci/run installs it"
    subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size=1000,{height}",
         "--virtual-time-budget=10000", f"--screenshot={image}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return Image.open(image).convert("RGB")


def colour_counts(image: Image.Image) -> dict[str, int]:
    counts = dict.fromkeys(PALETTE, 0)
    wanted = {_rgb(color): color for color in PALETTE}
    for number, pixel in image.getcolors(maxcolors=1_000_000):
        if pixel in wanted:
            counts[wanted[pixel]] += number
    return counts


@pytest.mark.slow
def test_chromium_draws_the_charts(report, tmp_path):
    """plotly.js draws every chart in a browser with no network: the bars of two charts in
    the first colour, a line for each of five topics, and the runs' two kinds of bar."""
    counts = colour_counts(screenshot(report, tmp_path / "report.png", tmp_path, 2600))
    assert counts[PALETTE[0]] > 40_000, counts
    assert all(count > 200 for count in counts.values()), counts


@pytest.mark.slow
def test_chromium_shows_the_empty_states(empty_report, tmp_path):
    counts = colour_counts(screenshot(empty_report, tmp_path / "empty.png", tmp_path, 1200))
    assert not any(counts.values()), counts  # no bars, no lines: only sentences
