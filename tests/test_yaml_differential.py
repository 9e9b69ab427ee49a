"""Both fast YAML paths against PyYAML's own constructor (benchmarks/differential_yaml.py),
on the bundled sample, every test case (the hostile ones among them), a freshly generated
corpus with broken files, and 100,000 generated documents."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "differential_yaml.py"


def differential(*arguments: str) -> tuple[int, dict]:
    """The script's exit code and its counts."""
    result = subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, check=False)
    counts = dict(part.split(": ", 1) for part in result.stdout.strip().split(", ")[:6])
    return result.returncode, {name: int(value) for name, value in counts.items()}


def test_sample_and_test_cases_load_identically():
    code, counts = differential(str(ROOT / "sample"), str(ROOT / "tests" / "cases"))
    assert code == 0, counts
    assert counts["different"] == 0 and counts["loaded"] > 250 and counts["rejected"] > 0
    assert counts["read by yaml-rs"] > 200


@pytest.mark.slow
def test_a_generated_corpus_with_broken_files_loads_identically(tmp_path):
    corpus = tmp_path / "corpus"
    generator = ROOT / "benchmarks" / "generate_corpus.py"
    subprocess.run(
        [sys.executable, str(generator), str(corpus), "--files", "3000", "--seed", "11", "--broken", "0.05"], check=True
    )
    code, counts = differential(str(corpus))
    assert code == 0, counts
    assert counts["files"] == 3000 and counts["loaded"] > 2500 and counts["rejected"] > 0
    assert counts["read by yaml-rs"] > 2500


@pytest.mark.slow
def test_100000_generated_documents_load_identically_on_the_yaml_rs_path():
    code, counts = differential("--generated", "100000", "--seed", "13", "--broken", "0.02")
    assert code == 0, counts
    assert counts["files"] == 100_000 and counts["rejected"] > 0
    assert counts["read by yaml-rs"] > 95_000


def test_a_difference_is_reported(tmp_path, monkeypatch):
    """The check can fail: a fast path that reads numbers as ints differs from the reference."""
    (tmp_path / "a.md").write_text("---\nwebUrl: https://example.com/a\nquality: 7\n---\n", encoding="utf-8")
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import differential_yaml
    finally:
        sys.path.remove(str(SCRIPT.parent))
    monkeypatch.setattr(differential_yaml.yaml_fast, "load", lambda text: {"webUrl": "https://example.com/a", "quality": 7})
    counts = differential_yaml.compare([tmp_path])
    assert counts["different"] == 1 and counts["first differences"] == [str(tmp_path / "a.md")]
