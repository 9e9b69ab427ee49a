"""The matterhouse run: scan sources, parse files in batches, load DuckDB, publish Parquet."""

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run

from transforms.articles import SourceFile, parse_file, unreadable_file
from transforms.tables import to_staging_tables

from . import warehouse as wh
from .progress import file_progress
from .settings import DEFAULT_EXTENSIONS

DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class FoundFile:
    """A file found by the scan, with the size and mtime seen then."""

    source: str
    path: str
    size_bytes: int
    modified_at: datetime

    def as_source_file(self) -> SourceFile:
        return SourceFile(self.source, self.path, self.size_bytes, self.modified_at)


def find_files(source: Path, extensions: tuple[str, ...]) -> list[FoundFile]:
    """Files under `source` whose extension is listed, in path order.

    Hidden folders and files (names starting with '.') are passed over, as are links to
    folders, which could lead outside the source or loop."""
    suffixes = tuple(f".{extension.lower()}" for extension in extensions)
    found = []
    for folder, subfolders, names in os.walk(source):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.lower().endswith(suffixes):
                continue
            full = Path(folder, name)
            try:
                stat = full.stat()
            except OSError:
                continue
            found.append(
                FoundFile(
                    source=str(source),
                    path=full.relative_to(source).as_posix(),
                    size_bytes=stat.st_size,
                    modified_at=datetime.fromtimestamp(stat.st_mtime, timezone.utc),
                )
            )
    return sorted(found, key=lambda item: item.path)


@task(cache_policy=NO_CACHE)
def scan_sources(sources: list[str], extensions: list[str]) -> list[FoundFile]:
    """Every candidate file in every source folder."""
    found = []
    for source in sources:
        found.extend(find_files(Path(source), tuple(extensions)))
    return found


@task(cache_policy=NO_CACHE)
def parse_batch(files: list[FoundFile], staging_dir: str, batch_number: int) -> int:
    """Read and parse a batch of files; write its staging rows as one Parquet file per table."""
    parsed = []
    for found in files:
        try:
            data = Path(found.source, found.path).read_bytes()
        except OSError as error:
            parsed.append(unreadable_file(found.as_source_file(), f"file could not be read: {error.strerror}"))
            continue
        parsed.append(parse_file(found.as_source_file(), data))
    for table_name, table in to_staging_tables(parsed).items():
        folder = Path(staging_dir, table_name)
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"batch-{batch_number:06d}.parquet", compression="zstd")
    return len(files)


@task(cache_policy=NO_CACHE)
def load_warehouse(warehouse: str, staging_dir: str, export_dir: str, run: dict) -> dict:
    """Build the warehouse from the run's staging files in one transaction; return the run's row."""
    connection = wh.connect(Path(warehouse))
    try:
        wh.load_run(connection, Path(staging_dir), Path(export_dir), run)
        return wh.run_record(connection, run["run_id"])
    finally:
        connection.close()


@task(cache_policy=NO_CACHE)
def publish_parquet(warehouse: str, export_dir: str) -> None:
    """Swap the exported Parquet datasets into place."""
    wh.publish_parquet(Path(warehouse), Path(export_dir))


@flow(name="matterhouse-run", log_prints=False)
def matterhouse_run(
    sources: list[str],
    warehouse: str,
    extensions: list[str] = list(DEFAULT_EXTENSIONS),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> dict:
    """Load every front-matter file under `sources` into the warehouse folder `warehouse`."""
    run_id = flow_run.get_id() or uuid.uuid4().hex
    started_at = datetime.now(timezone.utc)
    work_dir = Path(warehouse, f".run-{run_id}")
    try:
        clock = time.perf_counter()
        files = scan_sources(sources, extensions)
        scan_seconds = time.perf_counter() - clock

        clock = time.perf_counter()
        batches = [files[start : start + batch_size] for start in range(0, len(files), batch_size)] or [[]]
        futures = [parse_batch.submit(batch, str(work_dir / "staging"), number) for number, batch in enumerate(batches)]
        with file_progress(len(files)) as advance:
            for future in as_completed(futures):
                advance(future.result())
        parse_seconds = time.perf_counter() - clock

        run = {
            "run_id": str(run_id),
            "started_at": started_at,
            "sources": [str(source) for source in sources],
            "scan_seconds": scan_seconds,
            "parse_seconds": parse_seconds,
        }
        record = load_warehouse(warehouse, str(work_dir / "staging"), str(work_dir / "export"), run)
        publish_parquet(warehouse, str(work_dir / "export"))
        return record
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
