"""Finding candidate files under the source folders (the extract step's file system walk)."""

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path

import pyarrow as pa

from matterhouse.plumbing.settings import describe_size
from matterhouse.plumbing.storage import Location, StorageError, describe_error, transport_errors
from matterhouse.transforms.articles import SourceFile

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The scan's result is columnar, gathered in chunks: a million files cost tens of
# megabytes of Arrow, never a million Python objects at once.
SCAN_CHUNK = 50_000
# S3 gives last-modified times to the second, so an object rewritten with the same size
# in the second a run listed it would look unchanged for ever. Objects modified this
# close to the listing (or after it, by a skewed clock) are "racy": compared as listed
# but recorded one microsecond early, so the next run reads them again and compares
# their content hashes (git's cure for "racily clean" files). Ten seconds covers the
# second itself and the clock skew of machines kept in time by NTP.
RACY_WINDOW_US = 10_000_000
FOUND_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("path", pa.string()),
        ("size_bytes", pa.int64()),
        ("modified_us", pa.int64()),  # modification time, microseconds since the epoch
        ("problem", pa.string()),
        ("racy", pa.bool_()),  # see RACY_WINDOW_US; null for files in folders
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
    racy: bool | None = None

    @property
    def modified_at(self) -> datetime:
        """The modification time to record (a racy object's one microsecond early)."""
        return EPOCH + timedelta(microseconds=self.modified_us - (1 if self.racy else 0))

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
    columns = _Columns(root)
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
                relative = entry.path[len(root) + 1 :].replace(os.sep, "/")
                columns.add(relative, stat.st_size, stat.st_mtime_ns // 1000, problem)
    return columns.table()


def find_objects(source: Location, extensions: tuple[str, ...], max_file_size: int) -> pa.Table:
    """Objects under the URL `source` (FOUND_SCHEMA), as find_files finds files in a folder:
    keys relative to the URL, hidden names passed over, objects over `max_file_size` found
    with a problem. Change detection uses the object's size and last-modified time.

    The listing streams: each page of keys becomes columns of the current chunk, so a
    hundred thousand keys are never a hundred thousand metadata dicts at once."""
    suffixes = tuple(f".{extension.lower()}" for extension in extensions)
    url = source.text
    fs, root = source.filesystem()
    columns = _Columns(url)
    racy_after = (datetime.now(timezone.utc) - EPOCH) // timedelta(microseconds=1) - RACY_WINDOW_US
    try:
        for info in _list_objects(fs, root):
            columns.listed += 1
            relative = info["name"][len(root) + 1 :]
            if info.get("type") != "file" or not relative.lower().endswith(suffixes) or _hidden(relative):
                continue
            size, modified = int(info["size"]), _modified_us(info)
            columns.add(relative, size, modified, _size_problem(size, max_file_size), modified > racy_after)
    except transport_errors() as error:
        raise StorageError(f"cannot list {url}: {describe_error(error)}") from None
    return columns.table()


class _Columns:
    """FOUND_SCHEMA columns gathered in chunks of SCAN_CHUNK rows."""

    def __init__(self, source: str):
        self.source, self.chunks, self.listed = source, [], 0
        self._start_chunk()

    def _start_chunk(self) -> None:
        self.paths, self.sizes, self.modified, self.problems, self.racy = [], [], [], [], []

    def add(self, path: str, size: int, modified_us: int, problem: str | None, racy: bool | None = None) -> None:
        self.paths.append(path)
        self.sizes.append(size)
        self.modified.append(modified_us)
        self.problems.append(problem)
        self.racy.append(racy)
        if len(self.paths) == SCAN_CHUNK:
            self._flush()

    def table(self) -> pa.Table:
        self._flush()
        return pa.Table.from_batches(self.chunks, schema=FOUND_SCHEMA)

    def _flush(self) -> None:
        columns = [[self.source] * len(self.paths), self.paths, self.sizes, self.modified, self.problems, self.racy]
        self.chunks.append(
            pa.RecordBatch.from_arrays(
                [pa.array(column, field.type) for column, field in zip(columns, FOUND_SCHEMA, strict=True)], schema=FOUND_SCHEMA
            )
        )
        self._start_chunk()


def _list_objects(fs, root: str):
    """Every object under `root` with its metadata, page by page where the file system
    lists that way (S3: ListObjectsV2 without a delimiter), else folder by folder."""
    if hasattr(fs, "_iterdir") and hasattr(fs, "split_path"):
        yield from _paged_listing(fs, root)
        return
    if not fs.exists(root):
        raise FileNotFoundError(root)
    for _, _, files in fs.walk(root, detail=True):
        yield from files.values()


def _paged_listing(fs, root: str):
    """s3fs's paginated listing, a page at a time, driven from this thread."""
    from fsspec.asyn import sync

    bucket, key, _ = fs.split_path(root)
    prefix = f"{key}/" if key else ""
    pages = fs._iterdir(bucket, delimiter="", prefix=prefix).__aiter__()

    async def next_page():
        page = []
        async for info in pages:
            page.append(info)
            if len(page) == 1000:
                break
        return page

    while page := sync(fs.loop, next_page):
        for info in page:
            info["name"] = info["name"].rstrip("/")
        yield from page


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/"))


def _modified_us(info: dict) -> int:
    """An object's last-modified time in microseconds since the epoch, whichever field
    its store reports it in (S3: LastModified; local and others: mtime)."""
    for key in ("LastModified", "last_modified", "mtime", "updated"):
        value = info.get(key)
        if isinstance(value, datetime):
            return (value - EPOCH) // timedelta(microseconds=1)
        if isinstance(value, (int, float)):
            return int(value * 1_000_000)
        if isinstance(value, str) and value:
            return (datetime.fromisoformat(value.replace("Z", "+00:00")) - EPOCH) // timedelta(microseconds=1)
    # Without one, an edit that keeps the size would never be noticed.
    raise ValueError(f"the store reports no modification time for {info['name']}; change detection needs one")


def _judge(entry: os.DirEntry, stat: os.stat_result, real_source: Path, max_file_size: int) -> tuple[os.stat_result, str | None]:
    """The file's own stat (a link's target's) and the problem that rejects it unread, if any."""
    problem = None
    try:
        if entry.is_symlink():
            problem = _link_problem(Path(entry.path), real_source)
            if problem is None:
                stat = entry.stat()
        if problem is None:
            problem = _size_problem(stat.st_size, max_file_size)
    except OSError as error:
        problem = f"file could not be read: {error.strerror}"
    return stat, problem


def _size_problem(size: int, max_file_size: int) -> str | None:
    if size <= max_file_size:
        return None
    return f"file is {describe_size(size)}, over the {describe_size(max_file_size)} limit; raise --max-file-size to load it"


def _link_problem(link: Path, real_source: Path) -> str | None:
    target = link.resolve()
    if not target.exists():
        return "broken symbolic link: its target does not exist"
    if not target.is_relative_to(real_source):
        return "symbolic link to a file outside the source folder; links leaving a source are not followed"
    return None
