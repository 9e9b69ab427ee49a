"""The one home of every value rule: URLs, domains, topics, timestamps, numbers, flags, keys.

Rules (each has a row in tests/test_normalize.py):
- URL (`webUrl`, the article's natural key): surrounding spaces removed; scheme must be
  http or https; scheme and host lower-cased; default ports (:80, :443) and `#fragment`
  dropped; an empty path becomes `/`; path and query are kept exactly (they are
  case-sensitive on most servers). A URL is an article's key as written; which variants
  (tracking parameters, AMP pages) name one article is decided in the warehouse, from
  every URL seen (transforms/variants.py, sql/models/url_resolutions.sql).
- Domain (a provider's natural key): lower-cased, spaces and a trailing dot removed; a
  full URL given by mistake is reduced to its host.
- Topic: spaces at the ends removed and inner runs of white space folded to one space;
  case is kept (topics are labels written by editors).
- Timestamp: ISO 8601 (`Z`, offsets, a space or `T` between date and time, a bare date);
  returned as a UTC instant. A timestamp without an offset is taken to be UTC.
- Integer: optional sign and decimal digits only (`33`, `-1`); no base-60 `1:20`, no
  floats; must fit a signed 64-bit integer.
- Flag: true/false, yes/no, on/off, in any case.
- Text: strings exactly as written; a number-looking scalar is text too.
- Keys: `stable_id(*parts)` is the first 16 hex digits of SHA-256 over the parts joined
  by a unit separator, so the same natural key gives the same id on every machine.
"""

import hashlib
import re
from datetime import date, datetime, timezone
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
INTEGER = re.compile(r"[+-]?[0-9]+")
INT64_MAX = 2**63 - 1
SAFE_DIGITS = len(str(INT64_MAX)) - 1  # any run of this many digits fits
FLAGS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
WHITESPACE = re.compile(r"\s+")
# A URL the URL rule leaves as it is: http(s), a lower-case host without port or
# credentials, a path, a non-empty query or none, no fragment, no spaces or controls.
CANONICAL_URL = re.compile(r"https?://[a-z0-9.-]+/[^\x00-\x20\x7f?#]*(?:\?[^\x00-\x20\x7f#]+)?")


def stable_id(*parts: str) -> str:
    """Deterministic key: a hash of the natural key's parts."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def normalize_url(value: object) -> str:
    """Canonical http(s) URL, or ValueError saying what is wrong with it."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValueError("is not a URL")
    if CANONICAL_URL.fullmatch(text):  # most URLs: nothing to change, urlsplit not needed
        return text
    return _rebuild_url(text)


def _rebuild_url(text: str) -> str:
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError("is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("is not an http(s) URL")
    host = parts.hostname.lower()
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if parts.username is not None or parts.password is not None:
        credentials = parts.netloc.rpartition("@")[0]
        host = f"{credentials}@{host}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def normalize_domain(value: object) -> str:
    """Lower-cased host name of a provider."""
    text = to_text(value)
    if text is None or not text.strip():
        raise ValueError("is empty")
    text = text.strip().lower()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.rstrip(".")
    if not text or WHITESPACE.search(text) or "/" in text:
        raise ValueError("is not a domain name")
    return text


def normalize_topic(value: object) -> str:
    """Topic label with white space tidied."""
    text = to_text(value)
    topic = WHITESPACE.sub(" ", text).strip() if text is not None else ""
    if not topic:
        raise ValueError("is empty")
    return topic


def to_text(value: object) -> str | None:
    """A scalar as text; None stays None. Lists and mappings are not text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise ValueError(f"is a {_kind(value)}, not text")


def to_timestamp(value: object) -> datetime | None:
    """A UTC instant from an ISO 8601 timestamp."""
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("is not an ISO 8601 timestamp") from None
    else:
        raise ValueError(f"is a {_kind(value)}, not a timestamp")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def to_integer(value: object) -> int | None:
    """A whole number written in decimal."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= SAFE_DIGITS and value.isascii() and value.isdigit():
        return int(value)  # most numbers: plain digits, and too short to overflow
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise ValueError("is not a whole number")
    if abs(number) > INT64_MAX:
        raise ValueError("is too large for a 64-bit integer")
    return number


def to_flag(value: object) -> bool | None:
    """A boolean from true/false, yes/no or on/off."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in FLAGS:
        return FLAGS[value.strip().lower()]
    raise ValueError("is not true or false")


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, (list, tuple, set)):
        return "list"
    return type(value).__name__
