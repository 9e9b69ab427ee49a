"""What makes two URLs, or two articles, the same thing: URL variants and story copies.

URL variants. `variant_key(url)` strips from a normalized URL what publishers and
platforms add to one article's address, so that its variants share a key:
- AMP cache wrapping: `https://www-host-com.cdn.ampproject.org/c/s/www.host.com/path`
  is `https://www.host.com/path` (`/c/` without `s/` is http; `/v/` viewer URLs too);
- AMP markers: the query parameters `outputType=amp` and `amp` (bare, `=1` or `=true`),
  the AMP cache's own `amp_js_v`, `amp_gsa` and `usqp`, and `amp` path segments at
  the start or the end of a longer path (`/amp/news/x`, `/news/x/amp/`, `/amp/amp/x`);
  `amp` inside a word (`frost-amp-sullivan`) or in the middle of the path is left alone,
  and so is the rest of the path. A page whose path really ends in `amp` shares its key
  with the page without it; that matters only when the other is an article and this URL
  is only cited;
- tracking parameters: `utm_*`, `fbclid`, `gclid`, `dclid`, `gclsrc`, `msclkid`,
  `yclid`, `twclid`, `igshid`, `mc_cid`, `mc_eid`, `_ga`, `_gl` (names compared in
  lower case).
Every other query parameter (`?id=123`, `?page=2`) is part of the key: those name
different pages. Parameter order and spelling are kept as written. The warehouse uses
keys only to resolve citations; which URL resolves to which article is in
sql/models/url_resolutions.sql.

Story copies. `story_key(title, excerpt)` is the same for two articles exactly when
their titles and their excerpts are equal after HTML entities are decoded, Unicode is
NFKC-normalized and case-folded, and every run of characters that are not letters,
digits or marks (the vowel signs of Thai or Devanagari) is one space; it is None unless
both have some letter or digit, since an empty excerpt says nothing about being a copy.
"""

import html
import re
import unicodedata
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

from .normalize import CANONICAL_URL, normalize_url, stable_id

AMP_CACHE_HOST = ".cdn.ampproject.org"
AMP_CACHE_PATH = re.compile(r"/[cv]/(s/)?(.+)")
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl"}
)
AMP_CACHE_PARAMETERS = frozenset({"amp_js_v", "amp_gsa", "usqp"})
AMP_FLAG_VALUES = frozenset({"", "1", "true"})
WORD_CATEGORIES = "LNM"  # letters, numbers and marks (the vowel signs of many scripts)
# Every ASCII byte that is not a letter or digit, as a space (a fast path for ASCII text:
# a bytes table translates in C, a str table calls back for every character).
ASCII_NOT_WORD = bytes(byte if chr(byte).isalnum() else ord(" ") for byte in range(128)) + b" " * 128

WEB, AMP, CDN_AMP, VARIANT = "web", "amp", "cdn_amp", "variant"


class Variant(NamedTuple):
    key: str  # the URL without tracking and AMP wrapping
    kind: str  # web (nothing removed), cdn_amp, amp or variant (tracking only)


def variant_key(url: str) -> Variant:
    """The key and kind of a URL normalize_url accepted."""
    lower = url.lower()
    if "/amp" not in lower and AMP_CACHE_HOST not in lower:
        # Most URLs: nothing to strip but query parameters, and a canonical one
        # (scheme://host/path?query) needs no urlsplit to find its query.
        if "?" not in url:
            return Variant(url, WEB)
        if CANONICAL_URL.fullmatch(url):
            address, _, query = url.partition("?")
            kept, removed_amp, removed_tracking = _kept_parameters(query)
            query = "&".join(kept)
            key = f"{address}?{query}" if query else address
            return Variant(key, _kind(removed_amp, removed_tracking))
    kind = WEB
    parts = urlsplit(url)
    if parts.hostname and parts.hostname.endswith(AMP_CACHE_HOST):
        inner = AMP_CACHE_PATH.fullmatch(parts.path)
        if inner:
            scheme = "https" if inner.group(1) else "http"
            query = f"?{parts.query}" if parts.query else ""
            try:
                parts = urlsplit(normalize_url(f"{scheme}://{inner.group(2)}{query}"))
                kind = CDN_AMP
            except ValueError:
                pass  # not a cache URL after all: keep it as it is
    kept, removed_amp, removed_tracking = _kept_parameters(parts.query)
    path = _without_amp_segments(parts.path)
    removed_amp = removed_amp or path != parts.path
    key = urlunsplit((parts.scheme, parts.netloc, path, "&".join(kept), ""))
    return Variant(key, kind if kind != WEB else _kind(removed_amp, removed_tracking))


def _kind(removed_amp: bool, removed_tracking: bool) -> str:
    """The kind of a URL that is not an AMP cache URL, by what its key removed."""
    return AMP if removed_amp else VARIANT if removed_tracking else WEB


def _kept_parameters(query: str) -> tuple[list[str], bool, bool]:
    """The query's parameters a key keeps, as written, and whether AMP markers and whether
    tracking parameters were removed."""
    kept, removed_amp, removed_tracking = [], False, False
    for parameter in query.split("&") if query else ():
        name, _, value = parameter.partition("=")
        lower = name.lower()
        if lower.startswith("utm_") or lower in TRACKING_PARAMETERS:
            removed_tracking = True
        elif (
            lower in AMP_CACHE_PARAMETERS
            or (lower == "outputtype" and value.lower() == "amp")
            or (lower == "amp" and value.lower() in AMP_FLAG_VALUES)
        ):
            removed_amp = True
        else:
            kept.append(parameter)
    return kept, removed_amp, removed_tracking


def _without_amp_segments(path: str) -> str:
    """The path without `amp` segments at its start and end (as many as there are), so
    that a key's key is itself; the rest of the path stays as written."""
    while True:
        lower = path.lower()
        if lower.startswith("/amp/") and len(path) > len("/amp/"):
            path = path[len("/amp") :]
        elif lower.endswith("/amp/") and len(path) > len("/amp/"):
            path = path[: -len("amp/")]
        elif lower.endswith("/amp") and len(path) > len("/amp"):
            path = path[: -len("/amp")]
        else:
            return path


def story_key(title: str | None, excerpt: str | None) -> str | None:
    """Equal for two articles whose title and excerpt match after normalization."""
    parts = [_story_text(title), _story_text(excerpt)]
    if not all(parts):
        return None
    return stable_id("story", *parts)


def _story_text(text: str | None) -> str:
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    if text.isascii():
        return b" ".join(text.casefold().encode().translate(ASCII_NOT_WORD).split()).decode()
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(
        "".join(character if unicodedata.category(character)[0] in WORD_CATEGORIES else " " for character in folded).split()
    )
