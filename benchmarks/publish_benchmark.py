"""What publishing costs, as Parquet with manifests and as Iceberg tables.

    python benchmarks/publish_benchmark.py WAREHOUSE [--keep]

Publishes the kept snapshots of WAREHOUSE (its runs' Parquet, oldest first: a first load,
then the runs after it) to a fresh folder once per table format, with the publish step a
run uses, and prints each publication's seconds and the ratio of Iceberg to Parquet in the
same invocation. The snapshots of a warehouse built by benchmarks/increment_benchmark.py
--keep are a first load, a no-change rerun and an increment.
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from matterhouse.plumbing.settings import resolve
from matterhouse.steps.publish import publish_step
from matterhouse.store.snapshots import SNAPSHOTS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the publish folders and print where")
    args = parser.parse_args()
    snapshots = sorted((args.warehouse / SNAPSHOTS).iterdir(), key=lambda folder: folder.stat().st_mtime)
    scratch = Path(tempfile.mkdtemp(prefix="publish-benchmark-"))
    seconds = {}
    try:
        for table_format in ("parquet", "iceberg"):
            options = resolve(warehouse=scratch / "warehouse", publish=scratch / table_format, table_format=table_format)
            for snapshot in snapshots:
                files = sum(1 for _ in snapshot.rglob("*.parquet"))
                clock = time.perf_counter()
                publish_step(options, snapshot)
                seconds[table_format, snapshot.name] = time.perf_counter() - clock
                print(f"{table_format:8} {snapshot.name[:8]} ({files} files): {seconds[table_format, snapshot.name]:.2f} s")
        for snapshot in snapshots:
            ratio = seconds["iceberg", snapshot.name] / seconds["parquet", snapshot.name]
            print(f"iceberg / parquet, {snapshot.name[:8]}: {ratio:.2f}")
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
