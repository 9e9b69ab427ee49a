"""`matterhouse report`: a self-contained page, rendered in headless Chromium and looked at."""

import shutil
import subprocess

import pytest
from PIL import Image

from matterhouse.cli import main
from matterhouse.report import PALETTE

from .conftest import PROJECT_ROOT, build_warehouse

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    warehouse = folder / "warehouse"
    for _ in range(2):  # two runs, so that the per-run chart has a line
        build_warehouse(PROJECT_ROOT / "sample", warehouse=warehouse)
    output = folder / "report.html"
    assert main(["report", "--warehouse", str(warehouse), "--output", str(output)]) == 0
    return output


def test_the_page_is_self_contained(report):
    html = report.read_text(encoding="utf-8")
    assert "http" not in html and "<script" not in html and "src=" not in html and "@import" not in html
    for section in ("articles-over-time", "top-providers", "topic-trends", "runs"):
        assert f"<section id='{section}'>" in html
    assert html.count("<svg") == 4 and html.count("class='bar'") == 37 + 10
    assert "<td>Chicago Tribune</td><td>132</td>" in html


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[index : index + 2], 16) for index in (1, 3, 5))


@pytest.mark.slow
def test_chromium_draws_the_charts(report, tmp_path):
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: .ci/run installs it"
    screenshot = tmp_path / "report.png"
    subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1700",
         f"--screenshot={screenshot}", report.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    image = Image.open(screenshot).convert("RGB")
    counts = {color: 0 for color in PALETTE}
    wanted = {_rgb(color): color for color in PALETTE}
    for number, pixel in image.getcolors(maxcolors=1_000_000):
        if number and pixel in wanted:
            counts[wanted[pixel]] += number
    assert counts[PALETTE[0]] > 40_000  # the bars of two bar charts, in the first colour
    assert all(count > 200 for count in counts.values()), counts  # every topic line and the run lines
