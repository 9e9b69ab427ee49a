"""Measure what distribution costs: the same corpus parsed locally, and read from an S3
server and parsed on a two-worker Dask cluster, in one invocation.

    python benchmarks/scale_out.py --files 100000 [--work /tmp/matterhouse-bench]

It starts its own moto_server, `dask scheduler` and two `dask worker` processes (one
thread each) on 127.0.0.1, uploads the corpus (generated with generate_corpus.py, seed 7,
reused when present), then times `matterhouse run` as a user types it, each into an
empty warehouse:
- local: the folder, parsed by local worker processes (the baseline);
- dask, folder: the folder, parsed on the Dask cluster (what Dask alone costs);
- s3, local workers: the bucket, parsed by local worker processes (what S3 alone costs);
- s3 on dask: the bucket, parsed on the cluster, staging and publishing on S3.
Each is reported with its ratio to the local run. Everything shares this machine's cores:
the S3 server, the scheduler, the workers and the run itself.

Before the runs, the per-task overhead: no-op tasks submitted one after another and
waited for, through a plain distributed.Client and as Prefect task runs through
prefect-dask's DaskTaskRunner (on Prefect's temporary local server). With
--overhead-only, only that.
"""

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from run_benchmark import ensure_corpus, stage_seconds, timed_command  # noqa: E402
from tests.servers import aws_environment, dask_cluster, s3_server  # noqa: E402

BUCKET = "bench"


def upload(corpus: Path, prefix: str) -> float:
    """Upload every file, a thousand objects per concurrent request batch; seconds taken."""
    import s3fs

    fs = s3fs.S3FileSystem(skip_instance_cache=True)
    fs.mkdir(BUCKET)
    started = time.perf_counter()
    pending = {}
    for path in corpus.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            pending[f"{BUCKET}/{prefix}/{path.relative_to(corpus).as_posix()}"] = path.read_bytes()
            if len(pending) == 1000:
                fs.pipe(pending)
                pending = {}
    fs.pipe(pending)
    return time.perf_counter() - started


def noop(number: int) -> int:
    return number


def task_overhead_ms(address: str, tasks: int = 200) -> float:
    """Milliseconds per no-op task through a plain distributed.Client, one at a time."""
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.submit(noop, -1, pure=False).result()  # warm
        started = time.perf_counter()
        for number in range(tasks):
            client.submit(noop, number, pure=False).result()
        return (time.perf_counter() - started) / tasks * 1000


def prefect_task_overhead_ms(address: str, tasks: int = 40) -> float:
    """Milliseconds per no-op Prefect task run on the cluster (DaskTaskRunner), one at a time."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    from prefect import flow, task
    from prefect_dask import DaskTaskRunner

    noop_task = task(noop, name="noop")

    @flow(task_runner=DaskTaskRunner(address=address))
    def noops() -> float:
        noop_task.submit(-1).result()  # warm
        started = time.perf_counter()
        for number in range(tasks):
            noop_task.submit(number).result()
        return (time.perf_counter() - started) / tasks * 1000

    return noops()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/matterhouse-bench"))
    parser.add_argument("--overhead-only", action="store_true", help="only the per-task overhead")
    args = parser.parse_args()
    servers = args.work / f"servers-{int(time.time())}"
    servers.mkdir(parents=True)
    if args.overhead_only:
        with dask_cluster(servers, {}) as cluster:
            plain, prefect = task_overhead_ms(cluster.address), prefect_task_overhead_ms(cluster.address)
            print(f"per-task overhead: plain Dask {plain:.1f} ms, Prefect on Dask {prefect:.0f} ms")
        return
    corpus = ensure_corpus(args.work, args.files)
    with s3_server(servers) as endpoint:
        os.environ.update(aws_environment(endpoint))
        print(f"uploaded {args.files:,} files to the S3 server in {upload(corpus, 'corpus'):.0f} s", flush=True)
        with dask_cluster(servers, aws_environment(endpoint)) as cluster:
            print(f"per-task overhead, plain Dask: {task_overhead_ms(cluster.address):.1f} ms", flush=True)
            source = f"s3://{BUCKET}/corpus"
            runs = {
                "local": (corpus, ()),
                "dask, folder": (corpus, ("--dask-address", cluster.address)),
                "s3, local workers": (source, ()),
                "s3 on dask": (
                    source,
                    (
                        "--dask-address",
                        cluster.address,
                        "--staging",
                        f"s3://{BUCKET}/staging",
                        "--publish",
                        f"s3://{BUCKET}/tables",
                    ),
                ),
            }
            print("| run | seconds | files/s | ratio to local | largest process MiB | stages s |")
            print("|---|---|---|---|---|---|")
            local_seconds = None
            for name, (run_source, options) in runs.items():
                warehouse = servers / f"warehouse-{name.replace(' ', '-').replace(',', '')}"
                seconds, largest, _, record = timed_command(run_source, warehouse, *options)
                local_seconds = local_seconds or seconds
                print(
                    f"| {name} | {seconds:.1f} | {args.files / seconds:,.0f} | {seconds / local_seconds:.2f} "
                    f"| {largest / 2**20:,.0f} | {stage_seconds(record)} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
