"""Measure a full load against a bare PyYAML baseline, in one invocation.

    python benchmarks/run_benchmark.py --files 10000 [--files 100000] [--work /tmp/matterhouse-bench]
    python benchmarks/run_benchmark.py --files 1000000 --memory-only

For each corpus size it reports:
- baseline: one process of its own reading every file and parsing its front matter with
  yaml.CSafeLoader, nothing else (the floor a pure-Python loader cannot beat); it runs
  before and after the full load and the mean counts, since the machine's speed drifts;
- full load: `matterhouse run --source CORPUS --warehouse DIR` as a user types it (the
  command's start-up included, no Prefect API), into an empty warehouse, wall-clock
  seconds and files/s;
- ratio: full load / baseline (machines are noisy, so compare ratios, not seconds);
- largest process: the peak resident memory of the largest single process of the run
  (the command or one parse worker), and the peak of their sum;
- rerun: the same command again with nothing changed, and its ratios to the full load
  and to the baseline;
- stages: the full load's scan / parse / load / export seconds, as the run recorded them.
With --memory-only, only the full load runs (no baseline, no rerun): for corpora whose
baseline would take many minutes and whose question is memory.
Corpora are generated with generate_corpus.py (seed 7) and reused when present.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("scan", "parse", "load", "export")
MATTERHOUSE = Path(sys.executable).with_name("matterhouse")


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


def tree_rss_bytes(root_pid: int) -> tuple[int, int]:
    """Resident memory of the largest process of a tree and of the whole tree, from /proc."""
    largest, total, pending = 0, 0, [root_pid]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        resident = int(line.split()[1]) * 1024
                        largest, total = max(largest, resident), total + resident
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return largest, total


def timed_command(
    corpus: Path | str, warehouse: Path, *options: str, matterhouse: Path = MATTERHOUSE
) -> tuple[float, int, int, dict]:
    """Wall seconds of `matterhouse run` over the corpus (a folder or URL), with more
    `options`, the peak RSS of its largest process and of its whole tree meanwhile, and
    the run's record. `matterhouse` is the command to run."""
    command = [str(matterhouse), "run", "--json"]
    command += ["--source", str(corpus), "--warehouse", str(warehouse), *options]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    largest = total = 0
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.communicate()))
    reader.start()
    while process.poll() is None:
        sizes = tree_rss_bytes(process.pid)
        largest, total = max(largest, sizes[0]), max(total, sizes[1])
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    reader.join()
    if process.returncode != 0:
        sys.exit(f"matterhouse run failed ({process.returncode}): {output[1].strip()}")
    return elapsed, largest, total, json.loads(output[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, action="append", help="corpus size, repeatable (default 10000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/matterhouse-bench"))
    parser.add_argument("--memory-only", action="store_true", help="full load only: seconds, files/s, peak RSS")
    args = parser.parse_args()
    print(
        "| files | full load s | files/s | baseline s | ratio | largest process MiB | all processes MiB "
        "| rerun s | rerun / full load | rerun / baseline | stages s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for files in args.files or [10_000]:
        corpus = ensure_corpus(args.work, files)
        warehouse = args.work / f"warehouse-{files}"
        shutil.rmtree(warehouse, ignore_errors=True)
        baseline_before = 0.0 if args.memory_only else baseline_seconds(corpus)
        full, largest, total, record = timed_command(corpus, warehouse)
        memory = f"{largest / 2**20:,.0f} | {total / 2**20:,.0f}"
        if args.memory_only:
            print(f"| {files:,} | {full:.1f} | {files / full:,.0f} | | | {memory} | | | | {stage_seconds(record)} |", flush=True)
            continue
        baseline = (baseline_before + baseline_seconds(corpus)) / 2
        rerun = timed_command(corpus, warehouse)[0]
        print(
            f"| {files:,} | {full:.1f} | {files / full:,.0f} | {baseline:.1f} | {full / baseline:.2f} | {memory} "
            f"| {rerun:.2f} | {rerun / full:.3f} | {rerun / baseline:.3f} | {stage_seconds(record)} |",
            flush=True,
        )


def stages(record: dict) -> dict[str, float]:
    """The run's seconds per stage, as it recorded them."""
    return {stage: record[f"{stage}_seconds"] for stage in STAGES}


def stage_seconds(record: dict, digits: int = 1) -> str:
    return " / ".join(f"{seconds:.{digits}f}" for seconds in stages(record).values())


if __name__ == "__main__":
    main()
