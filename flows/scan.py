"""Finding candidate files under the source folders (the extract step's file system walk)."""

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from transforms.articles import SourceFile

from .settings import describe_size

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


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

    @property
    def source_file_id(self) -> str:
        return self.as_source_file().source_file_id


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
                    modified_at=EPOCH + timedelta(microseconds=stat.st_mtime_ns // 1000),
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
