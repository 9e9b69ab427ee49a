"""Turn one front-matter file into parsed records: the file, its file articles,
their images, topics and relations, and field warnings.

A "file article" is what one file says about one URL: the file's own article, or an entry
of its `related:` list. The warehouse merge (sql/models/) picks one file article per URL.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from . import frontmatter
from .errors import RejectedFile
from .normalize import (
    normalize_domain,
    normalize_topic,
    normalize_url,
    stable_id,
    to_flag,
    to_integer,
    to_text,
    to_timestamp,
)
from .tables import ROW_TEMPLATES
from .variants import AMP, CDN_AMP, story_key, variant_key
from .yaml_core import PlainScalar, core_value
from .yaml_loader import DuplicateKey

# front-matter field -> (column, converter) for plain columns of `articles`.
ARTICLE_COLUMNS: dict[str, tuple[str, Callable]] = {
    "title": ("title", to_text),
    "excerpt": ("excerpt", to_text),
    "publishedDateTime": ("published_at", to_timestamp),
    "updatedDateTime": ("updated_at", to_timestamp),
    "category": ("category", to_text),
    "type": ("type", to_text),
    "quality": ("quality", to_integer),
    "heat": ("heat", to_integer),
    "published": ("is_published", to_flag),
    "ampWebUrl": ("amp_url", to_text),
    "cdnAmpWebUrl": ("cdn_amp_url", to_text),
    "secured": ("secured", to_text),
}
IMAGE_COLUMNS: dict[str, tuple[str, Callable]] = {
    "url": ("url", to_text),
    "width": ("width", to_integer),
    "height": ("height", to_integer),
    "title": ("title", to_text),
}
PROVIDER_COLUMNS: dict[str, tuple[str, Callable]] = {
    "domain": ("provider_domain", normalize_domain),
    "name": ("provider_name", to_text),
}
# Fields with their own handling; every other field goes to the `extra` JSON.
STRUCTURED_FIELDS = frozenset({"webUrl", "provider", "images", "topics"})
OWN_STRUCTURED_FIELDS = STRUCTURED_FIELDS | {"related"}  # a file's own article also has its related list
RAW_VALUE_LIMIT = 200
# The version of the rules in this package that turn a file into rows. Bump it with any
# change that gives some file other rows: the warehouse records the version each file was
# read with, and the next run reads every file read under an older one again.
PARSE_RULES_VERSION = 4


@dataclass(frozen=True)
class SourceFile:
    """Where a file's bytes came from: its source folder and path inside it."""

    source: str
    path: str
    size_bytes: int
    modified_at: datetime

    @property
    def source_file_id(self) -> str:
        return stable_id(self.source, self.path)


@dataclass
class ParsedFile:
    """Staging rows contributed by one file."""

    file: dict
    file_articles: list[dict] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    urls: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


def content_hash(data: bytes) -> str:
    """The SHA-256 of a file's bytes, which decides whether its content changed."""
    return hashlib.sha256(data).hexdigest()


def parse_file(source_file: SourceFile, data: bytes, data_hash: str | None = None) -> ParsedFile:
    """Parse a file's bytes. Never raises for bad input: a rejected file carries its reason.
    `data_hash` saves hashing the bytes again when the caller already has content_hash(data)."""
    parsed = _new_parsed(source_file, data_hash or content_hash(data))
    try:
        fields, duplicates, body = frontmatter.read(frontmatter.decode(data))
        reader = _ArticleReader(parsed)
        reader.read(fields, body)
        for duplicate in duplicates:
            reader.duplicate(duplicate)
    except RejectedFile as rejection:
        _reject(parsed, rejection.reason)
    except Exception as error:  # a parser bug must cost one file, never the run
        detail = " ".join(str(error).split())
        _reject(parsed, f"could not be parsed ({type(error).__name__}: {detail}); please report it")
    return parsed


def rejected_unread(source_file: SourceFile, reason: str) -> ParsedFile:
    """The record of a file rejected without its bytes: unreadable, too large, a bad link."""
    parsed = _new_parsed(source_file, None)
    _reject(parsed, reason)
    return parsed


def _new_parsed(source_file: SourceFile, content_hash: str | None) -> ParsedFile:
    file = ROW_TEMPLATES["files"].copy()
    file.update(
        source_file_id=source_file.source_file_id,
        source=source_file.source,
        path=source_file.path,
        size_bytes=source_file.size_bytes,
        modified_at=source_file.modified_at,
        content_hash=content_hash,
        parse_rules=PARSE_RULES_VERSION,
    )
    return ParsedFile(file)


def _reject(parsed: ParsedFile, reason: str) -> None:
    parsed.file["reason"] = reason
    parsed.file_articles.clear()
    parsed.images.clear()
    parsed.topics.clear()
    parsed.relations.clear()
    parsed.urls.clear()
    parsed.warnings.clear()


class _ArticleReader:
    """Reads the front-matter mapping of one file into `parsed`."""

    def __init__(self, parsed: ParsedFile):
        self.parsed = parsed
        self.source_file_id = parsed.file["source_file_id"]

    def read(self, fields: dict, body: str | None) -> None:
        if "webUrl" not in fields or fields["webUrl"] is None:
            raise RejectedFile("front matter has no webUrl: every article needs its URL")
        try:
            url = normalize_url(fields["webUrl"])
        except ValueError as error:
            raise RejectedFile(f"webUrl {_raw(fields['webUrl'])} {error}") from None
        own = self._file_article(fields, url, embed_position=None, prefix="", skip=OWN_STRUCTURED_FIELDS)
        own["body"] = body
        self.parsed.file["article_id"] = own["article_id"]
        self._related(own["file_article_id"], fields.get("related"))

    def duplicate(self, duplicate: DuplicateKey) -> None:
        self._warn(
            duplicate.key,
            None,
            f"{duplicate.key} is given twice in one mapping (line {duplicate.line}); the last value is used",
        )

    def _file_article(self, fields: dict, url: str, embed_position, prefix: str, skip=STRUCTURED_FIELDS) -> dict:
        file_article_id = stable_id(self.source_file_id, "own" if embed_position is None else str(embed_position))
        article = ROW_TEMPLATES["file_articles"].copy()
        article["file_article_id"] = file_article_id
        article["source_file_id"] = self.source_file_id
        article["embed_position"] = embed_position
        article["article_id"] = stable_id(url)
        article["url"] = url
        extra = self._columns(fields, ARTICLE_COLUMNS, prefix, article, skip)
        self._provider(article, fields.get("provider"), prefix, extra)
        self._images(file_article_id, fields.get("images"), prefix)
        self._topics(file_article_id, fields.get("topics"), prefix)
        article["extra"] = _json(extra)
        article["story_key"] = story_key(article["title"], article["excerpt"])
        self.parsed.file_articles.append(article)
        self._urls(file_article_id, url, article["amp_url"], article["cdn_amp_url"])
        return article

    def _urls(self, file_article_id: str, url: str, amp_url, cdn_amp_url) -> None:
        """Every URL a file article names for its article: its own, then the AMP pages it
        declares (those that are http(s) URLs; the columns keep them as written)."""
        key, kind = variant_key(url)
        named = {url: (key, kind)}
        for declared, declared_kind in ((amp_url, AMP), (cdn_amp_url, CDN_AMP)):
            if declared is None:
                continue
            try:
                declared_url = normalize_url(declared)
            except ValueError:
                continue
            named.setdefault(declared_url, (variant_key(declared_url).key, declared_kind))
        for named_url, (named_key, named_kind) in named.items():
            self.parsed.urls.append(self._row("file_article_urls", file_article_id, url=named_url, url_key=named_key, kind=named_kind))

    def _row(self, table: str, file_article_id: str | None, **columns) -> dict:
        """A new row of a parsed table from its template (every row is one: tables.ROW_TEMPLATES)."""
        row = ROW_TEMPLATES[table].copy()
        if file_article_id is not None:
            row["file_article_id"] = file_article_id
        row["source_file_id"] = self.source_file_id
        row.update(columns)
        return row

    def _columns(self, fields: dict, rules: dict, prefix: str, row: dict, skip=frozenset()) -> dict:
        """Set `row`'s columns from `fields` by `rules`, in one pass over the fields (the row
        starts with them null); return the fields no rule maps, but for those in `skip`."""
        leftovers = {}
        for key, value in fields.items():
            rule = rules.get(key)
            if rule is None:
                if key not in skip:
                    leftovers[key] = value
            elif value is None or (rule[1] is to_text and type(value) is str):
                row[rule[0]] = value  # the common cases, without a call
            else:
                try:
                    row[rule[0]] = rule[1](value)  # not through _convert: a call per value costs
                except ValueError as error:
                    self._not_converted(prefix + key, value, error)
        return leftovers

    def _convert(self, value, convert: Callable, field_name: str):
        if value is None:
            return None
        try:
            return convert(value)
        except ValueError as error:
            self._not_converted(field_name, value, error)
            return None

    def _not_converted(self, field_name: str, value, error: ValueError) -> None:
        self._warn(field_name, value, f"{field_name} {_raw(value)} {error}; loaded as null")

    def _warn(self, field_name: str, value, message: str) -> None:
        """A bad value in one field: the article still loads, with the value as null."""
        raw_value = None if value is None else _raw(value)
        self.parsed.warnings.append(self._row("file_warnings", None, field=field_name, raw_value=raw_value, message=message))

    def _provider(self, article: dict, provider, prefix: str, extra: dict) -> None:
        if provider is None:
            return
        if not isinstance(provider, dict):
            self._warn(prefix + "provider", provider, f"{prefix}provider is not a mapping with a domain; loaded as null")
            return
        leftovers = self._columns(provider, PROVIDER_COLUMNS, prefix + "provider.", article)
        if provider.get("domain") is None:
            self._warn(prefix + "provider.domain", None, f"{prefix}provider has no domain; the article has no provider")
        if article["provider_domain"] is not None:
            article["provider_id"] = stable_id(article["provider_domain"])
        if leftovers:
            extra["provider"] = leftovers

    def _images(self, file_article_id: str, images, prefix: str) -> None:
        for position, image in self._entries(images, prefix + "images"):
            name = f"{prefix}images[{position}]"
            if not isinstance(image, dict) or not _has_text(image.get("url")):
                self._warn(name, image, f"{name} has no url; the image is skipped")
                continue
            row = self._row("file_article_images", file_article_id, position=position)
            row["extra"] = _json(self._columns(image, IMAGE_COLUMNS, name + ".", row))
            self.parsed.images.append(row)

    def _topics(self, file_article_id: str, topics, prefix: str) -> None:
        if isinstance(topics, str):
            topics = [topics]
        seen = set()
        for position, value in self._entries(topics, prefix + "topics"):
            topic = self._convert(value, normalize_topic, f"{prefix}topics[{position}]")
            if topic is not None and topic not in seen:
                seen.add(topic)
                self.parsed.topics.append(self._row("file_article_topics", file_article_id, topic=topic))

    def _related(self, host_file_article_id: str, related) -> None:
        seen = set()
        for position, entry in self._entries(related, "related"):
            name = f"related[{position}]"
            if not isinstance(entry, dict) or entry.get("webUrl") is None:
                self._warn(name, entry, f"{name} has no webUrl; the related entry is skipped")
                continue
            try:
                url = normalize_url(entry["webUrl"])
            except ValueError as error:
                self._warn(
                    name + ".webUrl",
                    entry["webUrl"],
                    f"{name}.webUrl {_raw(entry['webUrl'])} {error}; the related entry is skipped",
                )
                continue
            embedded = self._file_article(entry, url, embed_position=position, prefix=name + ".")
            if embedded["article_id"] not in seen:
                seen.add(embedded["article_id"])
                self.parsed.relations.append(
                    self._row(
                        "file_article_relations",
                        host_file_article_id,
                        related_article_id=embedded["article_id"],
                        position=position,
                    )
                )

    def _entries(self, values, field_name: str):
        if values is None:
            return []
        if not isinstance(values, list):
            self._warn(field_name, values, f"{field_name} is not a list; it is skipped")
            return []
        return enumerate(values)


def _has_text(value) -> bool:
    """Whether a value is a scalar with some non-blank text."""
    try:
        text = to_text(value)
    except ValueError:
        return False
    return bool(text and text.strip())


def _raw(value) -> str:
    text = repr(value)
    return text if len(text) <= RAW_VALUE_LIMIT else text[: RAW_VALUE_LIMIT - 3] + "..."


def _json(values: dict) -> str | None:
    if not values:
        return None
    return json.dumps(_core_typed(values), ensure_ascii=False, default=_json_default)


def _core_typed(value):
    """Fields kept as JSON with their YAML 1.2 core-schema types: `true`, `12` and `0.5`
    as JSON booleans and numbers; everything else (`yes`, `1:20`, quoted text) as text."""
    if type(value) is PlainScalar:
        return core_value(value)
    if isinstance(value, dict):
        return {key: _core_typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_core_typed(item) for item in value]
    return value


def _json_default(value):
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    return str(value)
