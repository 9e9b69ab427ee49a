"""`matterhouse report`: one self-contained HTML page with charts and the numbers behind them.

Charts are inline SVG drawn here, with no scripts, fonts or links to anything online, so
the page opens the same on an offline laptop.
"""

from html import escape
from pathlib import Path

from .status import open_read_only
from .warehouse import fetch_dicts, sql

WIDTH, HEIGHT, MARGIN = 900, 280, 48
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed")
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 960px; color: #111827; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; }
svg { background: #f9fafb; border: 1px solid #e5e7eb; }
svg text { font-size: 11px; fill: #374151; }
table { border-collapse: collapse; margin-top: .5rem; font-size: .85rem; }
td, th { border: 1px solid #e5e7eb; padding: 2px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
"""


def render_report(warehouse: Path) -> str:
    connection = open_read_only(warehouse)
    try:
        data = {
            name: fetch_dicts(connection, sql(f"report/{name}"))
            for name in ("articles_per_month", "top_providers", "topic_trends", "runs")
        }
    finally:
        connection.close()
    months = data["articles_per_month"]
    topics = sorted({row["topic"] for row in data["topic_trends"]})
    topic_months = sorted({row["month"] for row in data["topic_trends"]})
    topic_counts = {(row["month"], row["topic"]): row["articles"] for row in data["topic_trends"]}
    runs = data["runs"]
    sections = [
        _section(
            "Articles over time",
            "articles-over-time",
            bar_chart([row["month"] for row in months], [row["articles"] for row in months]),
            months,
        ),
        _section(
            "Top providers",
            "top-providers",
            bar_chart([row["provider"] for row in data["top_providers"]], [row["articles"] for row in data["top_providers"]]),
            data["top_providers"],
        ),
        _section(
            "Topic trends",
            "topic-trends",
            line_chart(
                topic_months, {topic: [topic_counts.get((month, topic), 0) for month in topic_months] for topic in topics}
            ),
            data["topic_trends"],
        ),
        _section(
            "Rejected files and data warnings per run",
            "runs",
            line_chart(
                [row["started"] for row in runs],
                {
                    "rejected files": [row["files_rejected"] for row in runs],
                    "data warnings": [row["data_warnings"] for row in runs],
                },
            ),
            runs,
        ),
    ]
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>matterhouse report</title>"
        f"<style>{STYLE}</style></head><body><h1>matterhouse report</h1>"
        f"<p>{sum(row['articles'] for row in months):,} articles with a publication time, "
        f"in {len(months)} months; {len(runs)} recent runs.</p>{''.join(sections)}</body></html>\n"
    )


def bar_chart(labels: list[str], values: list[float]) -> str:
    """Vertical bars, one per label, scaled to the largest value."""
    top = max(values, default=0) or 1
    slot = (WIDTH - 2 * MARGIN) / max(len(values), 1)
    parts = [_axes(top)]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = (HEIGHT - 2 * MARGIN) * value / top
        x = MARGIN + index * slot
        parts.append(
            f"<rect class='bar' x='{x + slot * 0.1:.1f}' y='{HEIGHT - MARGIN - height:.1f}' width='{slot * 0.8:.1f}' "
            f"height='{height:.1f}' fill='{PALETTE[0]}'><title>{escape(str(label))}: {value:,}</title></rect>"
        )
    parts += _labels(labels, slot, centered=True)
    return _svg(parts)


def line_chart(labels: list[str], series: dict[str, list[float]]) -> str:
    """One polyline per series over shared x labels, with a legend."""
    top = max((value for values in series.values() for value in values), default=0) or 1
    step = (WIDTH - 2 * MARGIN) / max(len(labels) - 1, 1)
    parts = [_axes(top)]
    for number, (name, values) in enumerate(series.items()):
        color = PALETTE[number % len(PALETTE)]
        points = " ".join(
            f"{MARGIN + index * step:.1f},{HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * value / top:.1f}"
            for index, value in enumerate(values)
        )
        parts.append(f"<polyline class='line' points='{points}' fill='none' stroke='{color}' stroke-width='2.5'/>")
        parts += [  # markers, so that a single run still shows
            f"<circle class='point' cx='{point.split(',')[0]}' cy='{point.split(',')[1]}' r='3.5' fill='{color}'/>"
            for point in points.split()
        ]
        parts.append(
            f"<rect x='{MARGIN + 150 * number}' y='8' width='12' height='12' fill='{color}'/>"
            f"<text x='{MARGIN + 150 * number + 16}' y='18'>{escape(name)}</text>"
        )
    parts += _labels(labels, step, centered=False)
    return _svg(parts)


def _axes(top: float) -> str:
    bottom = HEIGHT - MARGIN
    return (
        f"<line x1='{MARGIN}' y1='{bottom}' x2='{WIDTH - MARGIN}' y2='{bottom}' stroke='#9ca3af'/>"
        f"<line x1='{MARGIN}' y1='{MARGIN}' x2='{MARGIN}' y2='{bottom}' stroke='#9ca3af'/>"
        f"<text x='{MARGIN - 6}' y='{MARGIN + 4}' text-anchor='end'>{top:,.0f}</text>"
        f"<text x='{MARGIN - 6}' y='{bottom}' text-anchor='end'>0</text>"
    )


def _labels(labels: list[str], step: float, centered: bool) -> list[str]:
    every = max(1, len(labels) // 12)  # at most about a dozen labels stay readable
    offset = step / 2 if centered else 0
    return [
        f"<text x='{MARGIN + index * step + offset:.1f}' y='{HEIGHT - MARGIN + 16}' text-anchor='middle'>"
        f"{escape(_short(str(label), 14 if centered else 16))}</text>"
        for index, label in enumerate(labels)
        if index % every == 0
    ]


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(parts: list[str]) -> str:
    # Inline SVG in HTML needs no namespace URL: the page names nothing online.
    return f"<svg width='{WIDTH}' height='{HEIGHT}' viewBox='0 0 {WIDTH} {HEIGHT}'>{''.join(parts)}</svg>"


def _section(title: str, anchor: str, chart: str, rows: list[dict]) -> str:
    header = "".join(f"<th>{escape(name)}</th>" for name in (rows[0] if rows else {}))
    body = "".join("<tr>" + "".join(f"<td>{escape(_number(value))}</td>" for value in row.values()) + "</tr>" for row in rows)
    return (
        f"<section id='{anchor}'><h2>{escape(title)}</h2>{chart}"
        f"<details><summary>The numbers ({len(rows)} rows)</summary><table><tr>{header}</tr>{body}</table></details></section>"
    )


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
