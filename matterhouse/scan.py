"""Finding candidate files under the source folders (the extract step's file system walk)."""

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path

import pyarrow as pa

from .settings import describe_size
from .transforms.articles import SourceFile

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The scan's result is columnar, gathered in chunks: a million files cost tens of
# megabytes of Arrow, never a million Python objects at once.
SCAN_CHUNK = 50_000
FOUND_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("path", pa.string()),
        ("size_bytes", pa.int64()),
        ("modified_us", pa.int64()),  # modification time, microseconds since the epoch
        ("problem", pa.string()),
    ]
)


@dataclass(frozen=True)
class FoundFile:
    """A file found by the scan (a row of FOUND_SCHEMA), with the size and mtime seen
    then; `problem` says why it must be rejected without being read."""

    source: str
    path: str
    size_bytes: int
    modified_us: int  # modification time, microseconds since the epoch
    problem: str | None = None

    @property
    def modified_at(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.modified_us)

    def as_source_file(self) -> SourceFile:
        return SourceFile(self.source, self.path, self.size_bytes, self.modified_at)

    @cached_property
    def source_file_id(self) -> str:
        return self.as_source_file().source_file_id


def find_files(source: Path, extensions: tuple[str, ...], max_file_size: int) -> pa.Table:
    """Files under `source` whose extension is listed (FOUND_SCHEMA), in the order the
    walk met them: folder by folder. (Nothing depends on the order; sorting a million
    paths would only cost memory.)

    Hidden folders and files (names starting with '.') are passed over, as are links to
    folders, which could lead outside the source or loop. A link to a file is followed
    only when its target is inside the source folder; otherwise, like a broken link or a
    file over `max_file_size`, it is found with a problem and rejected unread."""
    suffixes = tuple(f".{extension.lower()}" for extension in extensions)
    real_source = source.resolve()
    root = str(source)
    chunks, paths, sizes, modified, problems = [], [], [], [], []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # removed or unreadable since it was listed
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif entry.name.lower().endswith(suffixes):
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # removed since its folder was listed
                stat, problem = _judge(entry, stat, real_source, max_file_size)
                paths.append(entry.path[len(root) + 1 :].replace(os.sep, "/"))
                sizes.append(stat.st_size)
                modified.append(stat.st_mtime_ns // 1000)
                problems.append(problem)
                if len(paths) == SCAN_CHUNK:
                    chunks.append(_chunk(root, paths, sizes, modified, problems))
                    paths, sizes, modified, problems = [], [], [], []
    chunks.append(_chunk(root, paths, sizes, modified, problems))
    return pa.Table.from_batches(chunks, schema=FOUND_SCHEMA)


def _chunk(root: str, paths: list, sizes: list, modified: list, problems: list) -> pa.RecordBatch:
    columns = {"source": [root] * len(paths), "path": paths, "size_bytes": sizes, "modified_us": modified, "problem": problems}
    return pa.RecordBatch.from_pydict(columns, schema=FOUND_SCHEMA)


def _judge(entry: os.DirEntry, stat: os.stat_result, real_source: Path, max_file_size: int) -> tuple[os.stat_result, str | None]:
    """The file's own stat (a link's target's) and the problem that rejects it unread, if any."""
    problem = None
    try:
        if entry.is_symlink():
            problem = _link_problem(Path(entry.path), real_source)
            if problem is None:
                stat = entry.stat()
        if problem is None and stat.st_size > max_file_size:
            problem = (
                f"file is {describe_size(stat.st_size)}, over the {describe_size(max_file_size)} limit; "
                "raise --max-file-size to load it"
            )
    except OSError as error:
        problem = f"file could not be read: {error.strerror}"
    return stat, problem


def _link_problem(link: Path, real_source: Path) -> str | None:
    target = link.resolve()
    if not target.exists():
        return "broken symbolic link: its target does not exist"
    if not target.is_relative_to(real_source):
        return "symbolic link to a file outside the source folder; links leaving a source are not followed"
    return None
