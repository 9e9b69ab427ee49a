"""`matterhouse report`: one self-contained HTML page with charts and the numbers behind them.

The charts are Plotly figures. plotly.js goes into the page once, inline, and every figure
after it is a few lines of JSON: the page names nothing online and opens the same on an
offline laptop, with hover, zoom and a PNG download. Every chart keeps the numbers it
draws in a table below it (the accessible fallback), long tables are capped, and a section
with nothing to draw says so, and what to do, instead of drawing empty axes.

    from matterhouse.read.report import render_report
    Path("report.html").write_text(render_report(Path("warehouse")), encoding="utf-8")

Plotly is imported only here, and this module only by the `report` command, so that
`matterhouse --version` and the other commands start without it.
"""

import textwrap
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from matterhouse.plumbing.words import count
from matterhouse.read.status import open_read_only
from matterhouse.store.warehouse import fetch_dicts, sql

QUERIES = (
    "totals",
    "articles_per_month",
    "top_providers",
    "topic_trends",
    "runs",
    "stories",
    "headline_changes",
    "commonest_rejections",
)
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed")
# Rows a table shows before it says how many it left out: the latest five years of months;
# the runs the chart draws; the largest stories and the latest headline changes.
TABLE_ROWS = 60
RUNS = 30
LIST_ROWS = 25
LIMITS = {"runs": RUNS, "stories": LIST_ROWS, "headline_changes": LIST_ROWS, "commonest_rejections": 5}
# Axis and legend labels wrap at this many characters, on at most two lines; the full text
# is in the hover and in the table.
LABEL_WIDTH = 24
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
LOAD_HINT = "Load a folder of articles with <code>matterhouse run --source DIR</code>, then write this report again."
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 960px; padding: 0 1rem; color: #111827; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; }
.empty { background: #f3f4f6; border-left: 4px solid #9ca3af; padding: .6rem .9rem; }
.chart { border: 1px solid #e5e7eb; }
table { border-collapse: collapse; margin-top: .5rem; font-size: .85rem; }
td, th { border: 1px solid #e5e7eb; padding: 2px 8px; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; white-space: nowrap; }
td.time { white-space: nowrap; }
#stories th:first-child { width: 45%; }
code { background: #f3f4f6; padding: 0 .2rem; }
"""


@dataclass
class Section:
    """One heading of the page: a sentence, then a chart and its numbers, or a table alone,
    or (with nothing to show) only the sentence, marked as an empty state."""

    title: str
    anchor: str
    text: str  # HTML
    figure: go.Figure | None = None
    table: str = ""  # HTML
    empty: bool = False

    def html(self) -> str:
        parts = [f"<section id='{self.anchor}'><h2>{escape(self.title)}</h2>"]
        parts.append(f"<p class='empty'>{self.text}</p>" if self.empty else f"<p>{self.text}</p>")
        if self.figure is not None:
            chart = self.figure.to_html(
                include_plotlyjs=False, full_html=False, config=CONFIG, div_id=f"{self.anchor}-chart", default_width="100%"
            )
            parts.append(f"<div class='chart'>{chart}</div>")
        parts.append(self.table)
        parts.append("</section>")
        return "".join(parts)


def render_report(warehouse: Path) -> str:
    """The report page of the warehouse in `warehouse`, as HTML text."""
    return build_page(report_data(warehouse))


def report_data(warehouse: Path) -> dict[str, list[dict]]:
    """The rows of every report query (sql/report/<name>.sql), by name."""
    connection = open_read_only(warehouse)
    try:
        return {name: fetch_dicts(connection, sql(f"report/{name}"), limit=LIMITS.get(name)) for name in QUERIES}
    finally:
        connection.close()


def build_page(data: dict[str, list[dict]]) -> str:
    """The page from the report queries' rows (by query name; see QUERIES)."""
    totals = data["totals"][0]
    sections = build_sections(data)
    charts = [section for section in sections if section.figure is not None]
    # The bundle only when something is drawn: an empty warehouse gets a page of a few kB.
    script = f"<script>{get_plotlyjs()}</script>" if charts else ""
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>matterhouse report</title>"
        f"<style>{STYLE}</style>{script}</head><body><h1>matterhouse report</h1>"
        f"{summary(totals, data['articles_per_month'], data['runs'], data['commonest_rejections'])}"
        f"{''.join(section.html() for section in sections)}"
        "</body></html>\n"
    )


def build_sections(data: dict[str, list[dict]]) -> list[Section]:
    """The page's sections, in order, from the report queries' rows."""
    totals = data["totals"][0]
    return [
        articles_over_time(data["articles_per_month"], totals),
        top_providers(data["top_providers"], totals),
        topic_trends(data["topic_trends"], totals),
        runs(data["runs"]),
        stories(data["stories"], totals),
        headline_changes(data["headline_changes"], totals),
    ]


def summary(totals: dict, months: list[dict], runs: list[dict], rejections: list[dict]) -> str:
    recorded = runs[-1]["runs_recorded"] if runs else 0
    recent = count(len(runs), "recent run") + (f" of {recorded:,}" if recorded > len(runs) else "")
    if not totals["articles"] and rejections:
        reasons = "".join(f"<li>{escape(row['reason'])} ({count(row['files'], 'file')})</li>" for row in rejections)
        return (
            f"<p class='empty'>The warehouse has no articles yet ({recent}): every file was rejected. "
            f"The commonest reasons:</p><ul class='empty'>{reasons}</ul>"
            "<p class='empty'>See them all with <code>matterhouse query \"from rejected_files\"</code>.</p>"
        )
    if not totals["articles"]:
        return f"<p class='empty'>The warehouse has no articles yet ({recent if runs else 'and no runs'}). {LOAD_HINT}</p>"
    text = f"{count(totals['articles'], 'article')} from {count(totals['providers'], 'provider')}"
    if months:
        text += f", published from {_month(months[0]['month'], long=True)} to {_month(months[-1]['month'], long=True)}"
    return f"<p>{text}; {recent}.</p>"


def articles_over_time(months: list[dict], totals: dict) -> Section:
    title, anchor = "Articles over time", "articles-over-time"
    if not months:
        return _empty(
            title,
            anchor,
            totals,
            "No articles yet, so there is nothing to count by month.",
            f"None of the {count(totals['articles'], 'article')} has a publication time, so there is nothing to count "
            "by month. Articles are dated by <code>publishedDateTime</code> in their front matter.",
        )
    empty_months = sum(1 for row in months if not row["articles"])
    text = (
        f"{count(totals['dated_articles'], 'article')} with a publication time, by month (UTC): "
        f"{count(len(months), 'month')} from first to last"
    )
    text += f", {empty_months:,} of them without articles." if empty_months else "."
    if totals["dated_articles"] < totals["articles"]:
        text += f" {count(totals['articles'] - totals['dated_articles'], 'article')} without one are not counted."
    return Section(
        title,
        anchor,
        text,
        articles_figure(months),
        _table(
            ["month", "articles", "with a file of their own"],
            [[_month(row["month"]), row["articles"], row["with_source_file"]] for row in months],
            noun="month",
            keep="last",
        ),
    )


def articles_figure(months: list[dict]) -> go.Figure:
    """Bars on a date axis: every month has its place, empty or not."""
    figure = go.Figure(
        go.Bar(
            x=[row["month"] for row in months],
            y=[row["articles"] for row in months],
            xperiod="M1",
            xperiodalignment="middle",
            marker_color=PALETTE[0],
            hovertemplate="%{x|%B %Y}: %{y:,} articles<extra></extra>",
        )
    )
    _layout(figure, height=320)
    # Every tick names its year: a chart of a few months otherwise shows "May" alone.
    figure.update_xaxes(
        type="date", ticklabelmode="period", tickformat="%b %Y", range=_month_range([row["month"] for row in months])
    )
    figure.update_yaxes(title_text="articles", rangemode="tozero")
    return figure


def top_providers(providers: list[dict], totals: dict) -> Section:
    title, anchor = "Top providers", "top-providers"
    if not providers:
        return _empty(
            title,
            anchor,
            totals,
            "No articles yet, so no providers to rank.",
            f"None of the {count(totals['articles'], 'article')} names a provider. "
            "An article's provider comes from <code>provider.domain</code> in its front matter.",
        )
    text = f"The {count(len(providers), 'provider')} with the most articles, of {totals['providers']:,}."
    if len(providers) == totals["providers"]:
        text = f"{'The provider' if len(providers) == 1 else f'All {len(providers)} providers'}, by articles."
    return Section(
        title,
        anchor,
        text,
        providers_figure(providers),
        _table(
            ["provider", "domain", "articles", "mean quality"],
            [[row["provider"], row["domain"], row["articles"], row["mean_quality"]] for row in providers],
            noun="provider",
        ),
    )


def providers_figure(providers: list[dict]) -> go.Figure:
    """Horizontal bars, largest on top. Names wrap (and a very long one is cut) on the axis;
    positions, not names, place the bars, so that two names cut alike stay two bars."""
    positions = list(range(len(providers)))
    figure = go.Figure(
        go.Bar(
            y=positions,
            x=[row["articles"] for row in providers],
            orientation="h",
            marker_color=PALETTE[0],
            customdata=[[_plotly_text(row["provider"]), _plotly_text(row["domain"])] for row in providers],
            hovertemplate="%{customdata[0]} (%{customdata[1]}): %{x:,} articles<extra></extra>",
        )
    )
    _layout(figure, height=80 + 34 * len(providers))
    figure.update_yaxes(
        tickmode="array",
        tickvals=positions,
        ticktext=[short_label(row["provider"]) for row in providers],
        autorange="reversed",
    )
    figure.update_xaxes(title_text="articles", rangemode="tozero")
    return figure


def topic_trends(rows: list[dict], totals: dict) -> Section:
    title, anchor = "Topic trends", "topic-trends"
    topics = sorted({row["topic"] for row in rows})
    if not topics:
        return _empty(
            title,
            anchor,
            totals,
            "No articles yet, so no topics to follow.",
            "No dated article has topics, so there are no trends to draw. "
            "Topics come from the <code>topics</code> list in an article's front matter.",
        )
    months = sorted({row["month"] for row in rows})
    counts = {(row["month"], row["topic"]): row["articles"] for row in rows}
    if totals["topics"] > len(topics):
        text = f"Articles per month for the {len(topics)} most frequent topics, of {totals['topics']:,}."
    else:
        text = f"Articles per month for {'the one topic' if len(topics) == 1 else f'all {len(topics)} topics'}."
    return Section(
        title,
        anchor,
        text,
        topics_figure(months, topics, counts),
        _table(
            ["month", *topics],
            [[_month(month), *(counts.get((month, topic), 0) for topic in topics)] for month in months],
            noun="month",
            keep="last",
        ),
    )


def topics_figure(months: list[date], topics: list[str], counts: dict[tuple[date, str], int]) -> go.Figure:
    """A line per topic on a date axis; the legend wraps long names and the hover has them whole."""
    figure = go.Figure()
    for number, topic in enumerate(topics):
        figure.add_trace(
            go.Scatter(
                x=months,
                y=[counts.get((month, topic), 0) for month in months],
                name=short_label(topic),
                xperiod="M1",
                xperiodalignment="middle",  # points mid-month, above the month bars' centres
                mode="lines+markers",
                line={"color": PALETTE[number % len(PALETTE)], "width": 2.5},
                marker={"size": 5},
                hovertemplate=f"{_plotly_text(topic)}: %{{y:,}}<extra></extra>",
            )
        )
    _layout(figure, height=360)
    figure.update_layout(
        hovermode="x unified", legend={"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"}
    )
    figure.update_xaxes(type="date", ticklabelmode="period", hoverformat="%B %Y", range=_month_range(months))
    figure.update_yaxes(title_text="articles", rangemode="tozero")
    return figure


def runs(rows: list[dict]) -> Section:
    title, anchor = "Rejected files and data warnings per run", "runs"
    if not rows:
        return Section(title, anchor, "No runs are recorded yet: <code>matterhouse run</code> records one.", empty=True)
    last = rows[-1]
    text = (
        f"The last run (run {last['run_number']:,}, {_time(last['started_at'])} UTC) saw {count(last['files_seen'], 'file')}, "
        f"rejected {last['files_rejected']:,} and found {count(last['data_warnings'], 'data warning')}."
    )
    if len(rows) > 1:
        text = f"The {count(len(rows), 'most recent run')}, oldest first. " + text
    clean = not any(row["files_rejected"] or row["data_warnings"] for row in rows)
    if clean:  # a chart of zeros would look like a chart of nothing
        text += " There is no chart: " + (
            "the run rejected no file and found no data warning."
            if len(rows) == 1
            else f"none of the {len(rows)} runs rejected a file or found a data warning."
        )
    return Section(
        title,
        anchor,
        text,
        None if clean else runs_figure(rows),
        _table(
            ["run", "started (UTC)", "status", "files seen", "files rejected", "data warnings"],
            [
                [
                    row["run_number"],
                    _time(row["started_at"]),
                    row["status"],
                    row["files_seen"],
                    row["files_rejected"],
                    row["data_warnings"],
                ]
                for row in rows
            ],
            noun="run",
            keep="last",
        ),
    )


def runs_figure(rows: list[dict]) -> go.Figure:
    """Grouped bars per run, placed by run number: runs minutes apart are as far apart as
    runs months apart, and each has its own label; the start time is in the hover."""
    labels = [f"{row['run_number']:,}" for row in rows]
    customdata = [[_time(row["started_at"]), row["status"], f"{row['files_seen']:,}"] for row in rows]
    hover = "run %{x}, started %{customdata[0]} UTC (%{customdata[1]}, %{customdata[2]} files): %{y:,} "
    figure = go.Figure(
        [
            go.Bar(
                x=labels,
                y=[row[column] for row in rows],
                name=name,
                marker_color=color,
                customdata=customdata,
                hovertemplate=hover + name + "<extra></extra>",
            )
            for column, name, color in (
                ("files_rejected", "rejected files", PALETTE[1]),
                ("data_warnings", "data warnings", PALETTE[3]),
            )
        ]
    )
    _layout(figure, height=320)
    top = max((max(row["files_rejected"], row["data_warnings"]) for row in rows), default=0)
    figure.update_layout(
        barmode="group",
        bargap=max(0.2, 1 - len(rows) / 8),  # a run or two as bars of a sensible width, not slabs
        legend={"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"},
    )
    figure.update_xaxes(type="category", title_text="run number, oldest first")
    figure.update_yaxes(rangemode="tozero", range=None if top else [0, 1], dtick=None if top > 5 else 1)
    return figure


def stories(rows: list[dict], totals: dict) -> Section:
    """The stories that came out more than once (syndicated copies), largest first."""
    title, anchor = "Stories", "stories"
    if not rows:
        return _empty(
            title,
            anchor,
            totals,
            "No articles yet, so no stories.",
            f"Every one of the {count(totals['articles'], 'article')} is a story of its own. Copies of a story "
            "(the same title and excerpt, published again within 48 hours at any provider) show up here.",
        )
    first = rows[0]
    text = (
        f"{count(first['stories_with_copies'], 'story', 'stories')} came out more than once, "
        f"in {count(first['copies_in_all'], 'article')} in all. The largest first:"
    )
    return Section(
        title,
        anchor,
        text,
        table=_table(
            ["story", "articles", "providers", "published by", "first published (UTC)"],
            [
                [
                    row["title"] or "(no title)",
                    row["articles"],
                    row["providers"],
                    _names(row["provider_names"] or []),
                    _time(row["first_published_at"], seconds=False),
                ]
                for row in rows
            ],
            noun="story",
            plural="stories",
            total=first["stories_with_copies"],
            is_list=True,
        ),
    )


def headline_changes(rows: list[dict], totals: dict) -> Section:
    """The latest changes of an article's title from one version to the next."""
    title, anchor = "Headline changes", "headline-changes"
    if not rows:
        return _empty(
            title,
            anchor,
            totals,
            "No articles yet, so no headlines to compare.",
            "No article's headline has changed between its versions. When a later version of an article "
            "(a file with a newer <code>updatedDateTime</code>) carries a new title, the change shows up here.",
        )
    first = rows[0]
    text = (
        f"{count(first['changes_in_all'], 'headline change')} in {count(first['articles_changed'], 'article')}. The latest first:"
    )
    return Section(
        title,
        anchor,
        text,
        table=_table(
            ["changed (UTC)", "provider", "from", "to"],
            [
                [
                    _time(row["changed_at"], seconds=False),
                    row["provider"] or "",
                    row["from_title"] or "(no title)",
                    row["to_title"] or "(no title)",
                ]
                for row in rows
            ],
            noun="change",
            total=first["changes_in_all"],
            is_list=True,
        ),
    )


def _names(names: list[str], most: int = 3) -> str:
    """'A, B and C', or 'A, B, C and 9 more': a story can have dozens of providers."""
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most:,} more"
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1] if names else ""]))


def _empty(title: str, anchor: str, totals: dict, without_articles: str, without_data: str) -> Section:
    """A section's empty state: one sentence for a warehouse without articles, another
    (saying what to do) for one whose articles have nothing for this section."""
    return Section(title, anchor, without_data if totals["articles"] else without_articles, empty=True)


def short_label(text: str, width: int = LABEL_WIDTH) -> str:
    """A label for an axis or legend: `text` wrapped at `width` characters on at most two
    lines (Plotly's <br>). Longer text keeps its first line and its last words, with an
    ellipsis between, since names that start alike tend to differ at the end
    ("... Worldwide Edition", "... Europe Edition")."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 2:
        words = text.split()
        tail = words.pop()[-(width - 1) :]
        while words and len(words[-1]) + 1 + len(tail) <= width - 1:
            tail = words.pop() + " " + tail
        lines = [lines[0], "…" + tail]
    return "<br>".join(_plotly_text(line) for line in lines)


def _plotly_text(text: str) -> str:
    # Plotly reads its labels as a little HTML: a name with < or & must not become a tag.
    return escape(str(text), quote=False)


def _layout(figure: go.Figure, height: int) -> None:
    figure.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": FONT, "size": 12, "color": "#374151"},
        colorway=PALETTE,
        showlegend=len(figure.data) > 1,
        hoverlabel={"align": "left"},
    )
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)


def _month_range(months: list[date]) -> list[str]:
    # From the first month's start to the last month's end: a single month is a visible bar.
    first, last = months[0], months[-1]
    end = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return [first.isoformat(), end.isoformat()]


def _month(value: date, long: bool = False) -> str:
    return value.strftime("%B %Y" if long else "%Y-%m")


def _time(value, seconds: bool = True) -> str:
    # Seconds for runs, which can start a minute apart; minutes for articles.
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") if value is not None else ""


def _table(
    headers: list[str],
    rows: list[list],
    *,
    noun: str,
    plural: str | None = None,
    keep: str = "first",
    total: int | None = None,
    limit: int = TABLE_ROWS,
    is_list: bool = False,
) -> str:
    """The rows as an HTML table inside <details> (open for a section that is only a table),
    at most `limit` of them: the first or the last ones, with a line saying how many of how
    many are shown."""
    total = len(rows) if total is None else total
    shown = rows[-limit:] if keep == "last" else rows[:limit]
    numeric = [
        any(isinstance(row[index], int | float) for row in shown)
        and all(isinstance(row[index], int | float | None) for row in shown)
        for index in range(len(headers))
    ]
    # Numbers right-aligned, times (the columns headed "... (UTC)") kept on one line.
    classes = [
        " class='number'" if number else " class='time'" if name.endswith("(UTC)") else ""
        for name, number in zip(headers, numeric, strict=True)
    ]
    header = "".join(f"<th{css}>{escape(name)}</th>" for name, css in zip(headers, classes, strict=True))
    body = "".join(
        "<tr>" + "".join(_cell(value, css) for value, css in zip(row, classes, strict=True)) + "</tr>" for row in shown
    )
    if len(shown) < total:
        which = "latest" if keep == "last" else "first"
        note = f"The {which} {len(shown):,} of {count(total, noun, plural)}; <code>matterhouse query</code> gives them all."
    else:
        note = f"All {count(total, noun, plural)}." if total > 1 else ""
    summary_text = "The numbers" if not is_list else "The list"
    return (
        f"<details{' open' if is_list else ''}><summary>{summary_text} ({count(len(shown), 'row')})</summary>"
        f"<table><tr>{header}</tr>{body}</table><p>{note}</p></details>"
    )


def _cell(value, css: str) -> str:
    if value is None:
        return "<td></td>"
    return f"<td{css}>{value:,}</td>" if isinstance(value, int | float) else f"<td{css}>{escape(str(value))}</td>"
