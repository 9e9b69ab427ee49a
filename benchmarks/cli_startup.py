"""How quick the command is: a no-op rerun of the bundled sample through `matterhouse run`,
against the bare start-up of Python importing what any such tool needs, in one invocation.

    python benchmarks/cli_startup.py [--repeat 9] [--work /tmp/matterhouse-cli]

It first loads the sample into a fresh warehouse (not timed), then alternates, `--repeat`
times each: the baseline `python -c "import duckdb, pyarrow, yaml"`, the no-op rerun
`matterhouse run --warehouse DIR`, and `matterhouse --version`. Each is a new process,
timed from spawn to exit; the medians are compared, since these machines are noisy.
Prefect's variables are cleared, so the rerun takes the direct path, as it does for a
user without a Prefect API. Target (the library-first issue): rerun / baseline <= 2.5.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--work", type=Path, default=Path("/tmp/matterhouse-cli"))
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_"))}
    env["PREFECT_HOME"] = str(args.work / "prefect-home")  # no profile with an API URL
    warehouse = args.work / "warehouse"
    shutil.rmtree(warehouse, ignore_errors=True)
    matterhouse = str(BIN / "matterhouse")
    commands = {
        "baseline": [sys.executable, "-c", "import duckdb, pyarrow, yaml"],
        "no-op rerun": [matterhouse, "run", "--warehouse", str(warehouse)],
        "--version": [matterhouse, "--version"],
    }
    first = timed(commands["no-op rerun"], env)
    seconds = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            seconds[name].append(timed(command, env))
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    print(f"first run (loads the sample): {first:.2f} s")
    print("| command | median s | min s | max s | / baseline |")
    print("|---|---|---|---|---|")
    for name, values in seconds.items():
        ratio = medians[name] / medians["baseline"]
        print(f"| {name} | {medians[name]:.3f} | {min(values):.3f} | {max(values):.3f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
