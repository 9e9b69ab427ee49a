"""Run configuration, resolved in one place: CLI flags > environment variables > defaults.

| setting    | flag            | environment variable              | default                  |
|------------|-----------------|-----------------------------------|--------------------------|
| sources    | --source (many) | MATTERHOUSE_SOURCE (os.pathsep)   | the bundled sample/      |
| warehouse  | --warehouse     | MATTERHOUSE_WAREHOUSE             | ./warehouse              |
| extensions | --extensions    | MATTERHOUSE_EXTENSIONS (commas)   | md,markdown,txt          |
"""

import os
from dataclasses import dataclass
from pathlib import Path

from transforms.errors import MatterhouseError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = PROJECT_ROOT / "sample"
DEFAULT_WAREHOUSE = Path("warehouse")
DEFAULT_EXTENSIONS = ("md", "markdown", "txt")


class ConfigurationError(MatterhouseError):
    """A setting that cannot work, such as a source folder that does not exist."""


@dataclass(frozen=True)
class Settings:
    sources: tuple[Path, ...]
    warehouse: Path
    extensions: tuple[str, ...]


def resolve(
    sources: list[str] | None = None,
    warehouse: str | None = None,
    extensions: str | None = None,
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
    warehouse_path = Path(warehouse or environ.get("MATTERHOUSE_WAREHOUSE") or DEFAULT_WAREHOUSE)
    extension_text = extensions or environ.get("MATTERHOUSE_EXTENSIONS") or ",".join(DEFAULT_EXTENSIONS)
    extension_list = tuple(sorted({part.strip().lstrip(".").lower() for part in extension_text.split(",") if part.strip()}))
    if not extension_list:
        raise ConfigurationError("no file extensions given: pass e.g. --extensions md,txt")
    return Settings(source_paths, warehouse_path.expanduser().resolve(), extension_list)
