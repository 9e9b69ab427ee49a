"""`matterhouse query` on a real warehouse: formats, files, the table list and errors."""

import json

import pyarrow.parquet as pq
import pytest

from matterhouse.cli import main
from matterhouse.read.query import run_query

from .conftest import CASES, build_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("query") / "warehouse"
    build_warehouse(CASES / "seed" / "input", warehouse=folder)
    return folder


def run(capsys, *arguments):
    code = main(["query", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_query_prints_an_aligned_table(warehouse, capsys):
    code, out, _ = run(capsys, "--warehouse", str(warehouse), "select domain, count(*) as n from providers group by 1 order by 1")
    assert code == 0
    assert out.splitlines() == [
        "domain              n",
        "------------------  -",
        "aclu.org            1",
        "chicagotribune.com  1",
        "prnewswire.com      1",
        "(3 rows)",
    ]


def test_csv_json_and_parquet(warehouse, capsys, tmp_path):
    statement = "select url, quality from articles order by quality desc, url limit 2;"
    assert run(capsys, "--warehouse", str(warehouse), "--format", "csv", statement)[1].splitlines() == [
        "url,quality",
        "https://www.aclu.org/news/privacy-technology/the-governments-nightmare-vision-for-face-recognition-at-airports-and-beyond/,51",
        "https://www.chicagotribune.com/business/ct-biz-clearview-face-recognition-20200206-mlk7347uvfe7ldqgfr3qrxq2lm-story.html,33",
    ]
    assert [
        row["quality"] for row in json.loads(run(capsys, "--warehouse", str(warehouse), "--format", "json", statement)[1])
    ] == [
        51,
        33,
    ]
    target = tmp_path / "top.parquet"
    assert run(capsys, "--warehouse", str(warehouse), "--format", "parquet", "--output", str(target), statement)[0] == 0
    assert pq.read_table(target).column("quality").to_pylist() == [51, 33]


def test_sql_from_a_file_to_a_file(warehouse, capsys, tmp_path):
    (tmp_path / "q.sql").write_text("select count(*) as articles from articles\n")
    code, out, _ = run(
        capsys,
        "--warehouse",
        str(warehouse),
        "--file",
        str(tmp_path / "q.sql"),
        "--output",
        str(tmp_path / "out.csv"),
        "--format",
        "csv",
    )
    assert (code, out) == (0, "")
    assert (tmp_path / "out.csv").read_text() == "articles\n4"


def test_tables_lists_tables_and_views_with_row_counts(warehouse, capsys):
    lines = run(capsys, "--warehouse", str(warehouse), "--tables")[1].splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:-1]}
    assert rows["articles"] == ["table", "4"]
    assert rows["rejected_files"] == ["view", "0"]
    assert rows["top_providers"] == ["view", "3"]


def test_errors_show_duckdbs_message_and_position_not_a_traceback(warehouse, capsys):
    code, out, err = run(capsys, "--warehouse", str(warehouse), "select * FORM articles")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        'matterhouse: error: Parser Error: syntax error at or near "articles"',
        "",
        "LINE 1: select * FORM articles",
        "                      ^^^^^^^^",
    ]
    code, _, err = run(capsys, "--warehouse", str(warehouse), "delete from articles")
    assert code == 1 and "read-only mode" in err and "Traceback" not in err
    code, _, err = run(capsys, "--warehouse", str(warehouse), "--format", "parquet", "select 1")
    assert err == "matterhouse: error: --format parquet writes a file: add --output FILE.parquet\n"


def test_a_table_fits_a_terminal_and_says_how_to_see_whole_cells():
    from matterhouse.read.query import as_table

    rows = [("a.md", "front matter is not closed: no second '---' line was found in the whole of the file")]
    fitted = as_table(["path", "reason"], rows, width=50).splitlines()
    assert max(len(line) for line in fitted[:3]) <= 50 and fitted[2].endswith("…")
    assert fitted[-1] == "(cells cut to fit: --format csv, or a pipe, shows them whole)"
    assert rows[0][1] in as_table(["path", "reason"], rows)  # no terminal: whole cells


def test_rows_too_wide_for_the_terminal_show_one_field_a_line(warehouse):
    """select * from articles has 21 columns: cut to the minimum they still need 250+
    columns, so at 80 each row is shown one field a line, and the last lines say so."""
    lines = run_query(warehouse, "select * from articles order by article_id limit 2", "table", None, 80).splitlines()
    assert max(map(len, lines)) <= 80
    assert lines[0] == "-[ row 1 ]".ljust(80, "-") and lines[1].startswith("article_id  ")
    assert lines[-2:] == ["(2 rows, one field a line to fit 80 columns:", "--format csv, or a pipe, shows them as a table)"]
    assert sum(line.startswith("-[ row ") for line in lines) == 2
