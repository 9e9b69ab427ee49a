"""Measure a full load against a bare PyYAML baseline, in one invocation.

    python benchmarks/run_benchmark.py --files 10000 [--files 100000] [--work /tmp/matterhouse-bench]
    python benchmarks/run_benchmark.py --files 1000000 --memory-only

For each corpus size it reports:
- baseline: one process of its own reading every file and parsing its front matter with
  yaml.CSafeLoader, nothing else (the floor a pure-Python loader cannot beat); it runs
  before and after the full load and the mean counts, since the machine's speed drifts;
- full load: matterhouse.run() in this process (the library's steps, as `matterhouse run`
  runs them without a Prefect API), into an empty warehouse, wall-clock seconds and files/s;
- ratio: full load / baseline (machines are noisy, so compare ratios, not seconds);
- peak RSS: the largest sum of resident memory over this process tree (the parse
  workers included) during the full load;
- rerun: the same run again with nothing changed, and its ratios to the full load and
  to the baseline;
- stages: the full load's scan / parse / load / export seconds, as the run recorded them.
With --memory-only, only the full load runs (no baseline, no rerun): for corpora whose
baseline would take many minutes and whose question is memory.
`benchmarks/cli_startup.py` measures the command's own start-up, which this leaves out.
Corpora are generated with generate_corpus.py (seed 7) and reused when present.
"""

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("scan", "parse", "load", "export")


def ensure_corpus(work: Path, files: int) -> Path:
    corpus = work / f"corpus-{files}"
    if not (corpus / ".complete").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(HERE / "generate_corpus.py"), str(corpus), "--files", str(files)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (corpus / ".complete").touch()
    return corpus


BASELINE = """
import sys, time, yaml
from pathlib import Path
started = time.perf_counter()
for path in Path(sys.argv[1]).rglob("*"):
    if path.suffix in (".md", ".txt", ".markdown") and path.is_file():
        text = path.read_bytes().decode("utf-8-sig").replace("\\r\\n", "\\n")
        end = text.find("\\n---", 3)
        yaml.load(text[4:end], Loader=yaml.CSafeLoader)
print(time.perf_counter() - started)
"""


def baseline_seconds(corpus: Path) -> float:
    """Read and parse every file's front matter with the C loader, in one process of its
    own (so that its heap does not count in the flow's memory), timed from the inside."""
    output = subprocess.run([sys.executable, "-c", BASELINE, str(corpus)], check=True, capture_output=True, text=True).stdout
    return float(output)


def tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, pending = 0, [root_pid]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed_run(run, *args, **kwargs) -> tuple[float, int, dict]:
    """Wall seconds of a call, the peak RSS of this process tree meanwhile, and its result."""
    peak, done = 0, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_bytes(os.getpid()))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        result = run(*args, **kwargs)
    finally:
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
    return elapsed, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, action="append", help="corpus size, repeatable (default 10000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/matterhouse-bench"))
    parser.add_argument("--memory-only", action="store_true", help="full load only: seconds, files/s, peak RSS")
    args = parser.parse_args()
    print(
        "| files | full load s | files/s | baseline s | ratio | peak RSS MiB | rerun s "
        "| rerun / full load | rerun / baseline | stages s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for files in args.files or [10_000]:
        corpus = ensure_corpus(args.work, files)
        warehouse = args.work / f"warehouse-{files}"
        shutil.rmtree(warehouse, ignore_errors=True)
        options = {"sources": [str(corpus)], "warehouse": str(warehouse)}
        if args.memory_only:
            full, peak, record = timed_run(load, **options)
            memory = f"{peak / 2**20:,.0f}"
            print(f"| {files:,} | {full:.1f} | {files / full:,.0f} | | | {memory} | | | | {stage_seconds(record)} |", flush=True)
            continue
        baseline_before = baseline_seconds(corpus)
        full, peak, record = timed_run(load, **options)
        baseline = (baseline_before + baseline_seconds(corpus)) / 2
        rerun, _, _ = timed_run(load, **options)
        print(
            f"| {files:,} | {full:.1f} | {files / full:,.0f} | {baseline:.1f} | {full / baseline:.2f} "
            f"| {peak / 2**20:,.0f} | {rerun:.1f} | {rerun / full:.3f} | {rerun / baseline:.3f} | {stage_seconds(record)} |",
            flush=True,
        )


def load(sources: list[str], warehouse: str) -> dict:
    import matterhouse

    return matterhouse.run(sources, warehouse).record


def stage_seconds(record: dict) -> str:
    return " / ".join(f"{record[f'{stage}_seconds']:.1f}" for stage in STAGES)


if __name__ == "__main__":
    main()
