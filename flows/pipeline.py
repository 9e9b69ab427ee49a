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

from transforms.articles import SourceFile, parse_file, rejected_unread
from transforms.tables import to_staging_tables

from . import warehouse as wh
from .progress import file_progress
from .settings import DEFAULT_EXTENSIONS, DEFAULT_MAX_FILE_SIZE, describe_size

DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class FoundFile:
    """A file found by the scan, with the size and mtime seen then; `problem` says why
    it must be rejected without being read."""

    source: str
    path: str
    size_bytes: int
    modified_at: datetime
    problem: str | None = None

    def as_source_file(self) -> SourceFile:
        return SourceFile(self.source, self.path, self.size_bytes, self.modified_at)


def find_files(source: Path, extensions: tuple[str, ...], max_file_size: int) -> list[FoundFile]:
    """Files under `source` whose extension is listed, in path order.

    Hidden folders and files (names starting with '.') are passed over, as are links to
    folders, which could lead outside the source or loop. A link to a file is followed
    only when its target is inside the source folder; otherwise, like a broken link or a
    file over `max_file_size`, it is found with a problem and rejected unread."""
    suffixes = tuple(f".{extension.lower()}" for extension in extensions)
    real_source = source.resolve()
    found = []
    for folder, subfolders, names in os.walk(source):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.lower().endswith(suffixes):
                continue
            full = Path(folder, name)
            try:
                stat = full.lstat()
            except OSError:
                continue  # removed since its folder was listed
            try:
                problem = _link_problem(full, real_source) if full.is_symlink() else None
                if problem is None:
                    stat = full.stat()
                    if stat.st_size > max_file_size:
                        problem = (
                            f"file is {describe_size(stat.st_size)}, over the {describe_size(max_file_size)} limit; "
                            "raise --max-file-size to load it"
                        )
            except OSError as error:
                problem = f"file could not be read: {error.strerror}"
            found.append(
                FoundFile(
                    source=str(source),
                    path=full.relative_to(source).as_posix(),
                    size_bytes=stat.st_size,
                    modified_at=datetime.fromtimestamp(stat.st_mtime, timezone.utc),
                    problem=problem,
                )
            )
    return sorted(found, key=lambda item: item.path)


def _link_problem(link: Path, real_source: Path) -> str | None:
    target = link.resolve()
    if not target.exists():
        return "broken symbolic link: its target does not exist"
    if not target.is_relative_to(real_source):
        return "symbolic link to a file outside the source folder; links leaving a source are not followed"
    return None


@task(cache_policy=NO_CACHE)
def scan_sources(sources: list[str], extensions: list[str], max_file_size: int) -> list[FoundFile]:
    """Every candidate file in every source folder."""
    found = []
    for source in sources:
        found.extend(find_files(Path(source), tuple(extensions), max_file_size))
    return found


@task(cache_policy=NO_CACHE)
def parse_batch(files: list[FoundFile], staging_dir: str, batch_number: int, max_file_size: int) -> int:
    """Read and parse a batch of files; write its staging rows as one Parquet file per table."""
    parsed = []
    for found in files:
        problem = found.problem
        if problem is None:
            try:
                with open(Path(found.source, found.path), "rb") as file:
                    data = file.read(max_file_size + 1)  # never more, even if it grew since the scan
            except OSError as error:
                problem = f"file could not be read: {error.strerror}"
            else:
                if len(data) > max_file_size:
                    problem = f"file grew over the {describe_size(max_file_size)} limit while being read"
        if problem is None:
            parsed.append(parse_file(found.as_source_file(), data))
        else:
            parsed.append(rejected_unread(found.as_source_file(), problem))
    for table_name, table in to_staging_tables(parsed).items():
        folder = Path(staging_dir, table_name)
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"batch-{batch_number:06d}.parquet", compression="zstd")
    return len(files)


@task(cache_policy=NO_CACHE)
def load_warehouse(warehouse: str, staging_dir: str, export_dir: str, run: dict, checks_dir: str | None) -> dict:
    """Build the warehouse from the run's staging files in one transaction; return the run's row."""
    connection = wh.connect(Path(warehouse))
    try:
        wh.load_run(connection, Path(staging_dir), Path(export_dir), run, Path(checks_dir) if checks_dir else None)
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
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    checks_dir: str | None = None,
) -> dict:
    """Load every front-matter file under `sources` into the warehouse folder `warehouse`.

    `checks_dir` adds the user's own data checks (SQL files returning offending rows) to
    the built-in ones under sql/checks/."""
    run_id = flow_run.get_id() or uuid.uuid4().hex
    started_at = datetime.now(timezone.utc)
    work_dir = Path(warehouse, f".run-{run_id}")
    try:
        clock = time.perf_counter()
        files = scan_sources(sources, extensions, max_file_size)
        scan_seconds = time.perf_counter() - clock

        clock = time.perf_counter()
        batches = [files[start : start + batch_size] for start in range(0, len(files), batch_size)] or [[]]
        futures = [
            parse_batch.submit(batch, str(work_dir / "staging"), number, max_file_size)
            for number, batch in enumerate(batches)
        ]
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
        try:
            record = load_warehouse(warehouse, str(work_dir / "staging"), str(work_dir / "export"), run, checks_dir)
        except wh.ChecksFailed:
            publish_parquet(warehouse, str(work_dir / "export"))  # the failed run's record only
            raise
        publish_parquet(warehouse, str(work_dir / "export"))
        return record
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
