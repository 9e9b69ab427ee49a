"""Locations: sources, the staging area and the publish target, each a folder or a URL
(s3://bucket/prefix and any other fsspec URL). Which one is decided once, when options
are resolved (`Location.of`), and carried: plain paths and file:// URLs stay local
folders, read with the operating system's calls.

fsspec and its backends (s3fs for s3://) load only when a URL is given, so a run over
folders pays nothing for them. S3 credentials and endpoint come from the standard AWS
environment and profile (AWS_ENDPOINT_URL included, which s3fs honours); storage options
(`--storage-option key=value`) go to the file system's constructor, e.g. endpoint_url,
key, secret, anon.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from matterhouse.transforms.errors import MatterhouseError

URL = re.compile(r"^(?P<protocol>[a-z][a-z0-9+.-]*)://", re.IGNORECASE)
EXTRAS = {"s3": "s3", "s3a": "s3"}


class StorageError(MatterhouseError):
    """A location that cannot be reached or read: a missing bucket, refused credentials."""


@dataclass(frozen=True)
class Location:
    """A folder or a URL, and the storage options to reach it: decided once (`of`), then
    carried to the scan, the parse workers (pickled to processes or Dask), the staging
    area and publishing."""

    text: str  # an absolute folder path, or a normalized URL
    is_url: bool
    storage_options: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, location: "str | Path | Location", storage_options: dict | None = None) -> "Location":
        """A location as given: a URL (checked that fsspec can read its protocol), or a
        folder made absolute."""
        if isinstance(location, Location):
            return location
        if is_url(location):
            url = normalize_url(str(location))
            check_protocol(url)
            return cls(url, True, storage_options or {})
        return cls(str(local_path(location)), False, storage_options or {})

    @property
    def path(self) -> Path:
        """The folder (a local location only)."""
        if self.is_url:
            raise ValueError(f"{self.text} is a URL, not a folder")
        return Path(self.text)

    def filesystem(self):
        """The fsspec file system and this location's root path in it."""
        if self.is_url:
            return filesystem(self.text, self.storage_options)
        import fsspec

        return fsspec.filesystem("file"), self.text

    def child(self, name: str) -> "Location":
        return Location(f"{self.text}/{name}", self.is_url, self.storage_options)

    def __str__(self) -> str:
        return self.text


def is_url(location: str | Path) -> bool:
    """True for a URL other than file:// (those are read as local paths)."""
    match = URL.match(str(location))
    return bool(match) and match["protocol"].lower() != "file"


def local_path(location: str | Path) -> Path:
    """A plain path or a file:// URL as an absolute path."""
    text = str(location)
    if text.lower().startswith("file://"):
        text = text[len("file://") :]
    return Path(text).expanduser().resolve()


def normalize_url(url: str) -> str:
    """A URL without trailing slashes, so that a source written two ways is one source."""
    match = URL.match(url)
    return f"{match['protocol'].lower()}://{url[match.end() :].strip('/')}"


def check_protocol(url: str) -> None:
    """Fail early, with what to install, when no fsspec backend reads the URL's protocol."""
    from fsspec.registry import get_filesystem_class

    protocol = URL.match(url)["protocol"].lower()
    try:
        get_filesystem_class(protocol)
    except (ImportError, ValueError) as error:
        extra = EXTRAS.get(protocol)
        install = f"; pip install 'matterhouse[{extra}]'" if extra else ""  # fsspec's own message names the package
        raise StorageError(f"cannot read {url}: {error}{install}") from None


def parse_storage_options(pairs: list[str] | None, environ_value: str | None = None) -> dict:
    """`key=value` pairs (values read as JSON when they are JSON: true, 3, {"a": 1}), or
    the MATTERHOUSE_STORAGE_OPTIONS environment variable's JSON object."""
    if not pairs:
        if not environ_value:
            return {}
        try:
            options = json.loads(environ_value)
        except json.JSONDecodeError:
            options = None
        if not isinstance(options, dict):
            raise StorageError('MATTERHOUSE_STORAGE_OPTIONS is not a JSON object such as {"endpoint_url": "http://..."}')
        return options
    options = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise StorageError(f"storage option {pair!r} is not key=value, e.g. endpoint_url=http://127.0.0.1:9000")
        try:
            options[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            options[key.strip()] = value
    return options


def filesystem(url: str, storage_options: dict):
    """The fsspec file system for `url` and the path inside it (bucket/prefix for S3)."""
    fs = _filesystem(URL.match(url)["protocol"].lower(), json.dumps(storage_options, sort_keys=True))
    return fs, fs._strip_protocol(url).rstrip("/")


@cache
def _filesystem(protocol: str, options_json: str):
    """One file system per protocol and options in a process (a parse worker reuses its
    connections from batch to batch)."""
    import fsspec

    return fsspec.filesystem(protocol, **json.loads(options_json))


def transport_errors() -> tuple[type[BaseException], ...]:
    """What reaching a store can raise: OSError (s3fs maps S3's errors to it), ValueError,
    and botocore's own (no credentials, an endpoint that does not answer)."""
    try:
        from botocore.exceptions import BotoCoreError
    except ImportError:
        return (OSError, ValueError)
    return (OSError, ValueError, BotoCoreError)


def describe_error(error: BaseException) -> str:
    """An object store's error as a person reads it."""
    if isinstance(error, FileNotFoundError):
        return "no such object or bucket"
    if type(error).__name__ == "NoCredentialsError":
        return "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE where this runs"
    if isinstance(error, PermissionError):
        return "access denied: check the credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE or --storage-option)"
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
