"""Run configuration, resolved in one place: CLI flags > environment variables > defaults.

| setting    | flag            | environment variable              | default                  |
|------------|-----------------|-----------------------------------|--------------------------|
| sources    | --source (many) | MATTERHOUSE_SOURCE (os.pathsep)   | the bundled sample/      |
| warehouse  | --warehouse     | MATTERHOUSE_WAREHOUSE             | ./warehouse              |
| extensions | --extensions    | MATTERHOUSE_EXTENSIONS (commas)   | md,markdown,txt          |
| file limit | --max-file-size | MATTERHOUSE_MAX_FILE_SIZE         | 5MB                      |
| checks     | --checks        | MATTERHOUSE_CHECKS                | none (built-in only)     |
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from transforms.errors import MatterhouseError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = PROJECT_ROOT / "sample"
DEFAULT_WAREHOUSE = Path("warehouse")
DEFAULT_EXTENSIONS = ("md", "markdown", "txt")
# Real articles are a few KB; anything this large is an export, a dump or an attack.
DEFAULT_MAX_FILE_SIZE = 5 * 2**20
# How long a run waits, with backoff, for another process to release the DuckDB file.
DEFAULT_LOCK_TIMEOUT = 30.0
# Files per parse task: a worker holds about 50 MB of records per 1,000 files.
DEFAULT_BATCH_SIZE = 1000
SIZE_UNITS = {"": 1, "B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}
SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", re.IGNORECASE)


class ConfigurationError(MatterhouseError):
    """A setting that cannot work, such as a source folder that does not exist."""


@dataclass(frozen=True)
class Settings:
    sources: tuple[Path, ...]
    warehouse: Path
    extensions: tuple[str, ...]
    max_file_size: int
    checks_dir: Path | None


def resolve(
    sources: list[str] | None = None,
    warehouse: str | None = None,
    extensions: str | None = None,
    max_file_size: str | None = None,
    checks_dir: str | None = None,
    environ: dict | None = None,
) -> Settings:
    """Settings from flags, then the environment, then defaults; checks that sources exist."""
    environ = os.environ if environ is None else environ
    if not sources and environ.get("MATTERHOUSE_SOURCE"):
        sources = [part for part in environ["MATTERHOUSE_SOURCE"].split(os.pathsep) if part]
    source_paths = tuple(Path(source).expanduser().resolve() for source in sources or [SAMPLE_CORPUS])
    for source in source_paths:
        if not source.is_dir():
            raise ConfigurationError(f"source folder {source} does not exist or is not a folder")
    warehouse_path = resolve_warehouse(warehouse, environ)
    extension_text = extensions or environ.get("MATTERHOUSE_EXTENSIONS") or ",".join(DEFAULT_EXTENSIONS)
    extension_list = tuple(sorted({part.strip().lstrip(".").lower() for part in extension_text.split(",") if part.strip()}))
    if not extension_list:
        raise ConfigurationError("no file extensions given: pass e.g. --extensions md,txt")
    size_text = max_file_size or environ.get("MATTERHOUSE_MAX_FILE_SIZE")
    size = parse_size(size_text) if size_text else DEFAULT_MAX_FILE_SIZE
    checks_text = checks_dir or environ.get("MATTERHOUSE_CHECKS")
    checks = Path(checks_text).expanduser().resolve() if checks_text else None
    if checks is not None and not checks.is_dir():
        raise ConfigurationError(f"checks folder {checks} does not exist or is not a folder")
    return Settings(source_paths, warehouse_path, extension_list, size, checks)


def resolve_warehouse(warehouse: str | None = None, environ: dict | None = None) -> Path:
    """The warehouse folder from the flag, then MATTERHOUSE_WAREHOUSE, then ./warehouse."""
    environ = os.environ if environ is None else environ
    return Path(warehouse or environ.get("MATTERHOUSE_WAREHOUSE") or DEFAULT_WAREHOUSE).expanduser().resolve()


def parse_size(text: str) -> int:
    """Bytes from a size such as 5MB, 512KB, 0.5GB or 1000 (KB = 1024 bytes)."""
    match = SIZE.fullmatch(text)
    if not match or float(match.group(1)) <= 0:
        raise ConfigurationError(f"file size limit {text!r} is not a size such as 5MB, 512KB or 1000")
    prefix = match.group(2).upper().rstrip("B")
    return int(float(match.group(1)) * SIZE_UNITS[f"{prefix}B" if prefix else "B"])


def describe_size(size: int) -> str:
    """A size as people write it: 512 bytes, 12.3 KB, 5 MB."""
    for unit in ("GB", "MB", "KB"):
        if size >= SIZE_UNITS[unit]:
            return f"{size / SIZE_UNITS[unit]:.3g} {unit}"
    return f"{size} bytes"
