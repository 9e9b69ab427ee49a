"""The fast YAML path: yaml-rs (Rust, YAML 1.2) parses front matter several times faster
than libyaml and PyYAML's constructor.

Its result is used only where it must equal the reference path's (yaml_loader, which stays
the rule): `load` returns None whenever it cannot be sure, and the caller then asks the
reference, which also says why a bad file is rejected. yaml-rs differs from our rules in
ways a search of the text finds before parsing (`_needs_reference`): it drops tags and
expands aliases that we reject, it reads `0X1F`, `0b101`, `1_000`, `-0` and `+12` as
numbers without keeping how they were written, it reads JSON-style `{"a":012}` where
libyaml keeps text, it accepts escaped surrogate pairs, `[a:]` and a leading `...` that
libyaml refuses, and it follows YAML 1.2 for control characters and line breaks where
libyaml follows 1.1. After parsing, a float, a boolean not written in lower case, a key
that is not text or is very long, a clash of keys once they are text, a nesting deeper
than MAX_DEPTH, an integer too long for str() or a top level that is not a mapping sends
the file to the reference too.
The search may send a good file to the reference (a title with ` & ` in it); it must never
let through one the reference would read differently. The differential tests hold it to
that.
"""

import re

from .yaml_core import BOOLEAN_TEXT, MAX_DEPTH, PlainScalar

try:
    import yaml_rs
except ImportError:  # no wheel for this platform: the reference path reads everything
    yaml_rs = None

# UTF-8 bytes of what YAML 1.1 and 1.2 read differently: tabs, CR and the other C0
# controls and DEL (the translation deletes every other byte) ...
PRINTABLE_BYTES = bytes([0x0A, *range(0x20, 0x7F), *range(0x80, 0x100)])
# ... C1 controls (NEL among them), the line and paragraph separators, byte-order marks
# and the non-characters U+FFFE and U+FFFF, which start with \xc2, \xe2 or \xef.
SPECIAL_CHARACTERS = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef(?:\xbb\xbf|\xbf[\xbe\xbf])")
# Characters that, at the start of a scalar, make a tag, an anchor or alias, a merge key,
# a directive or a number with a sign. & and * followed by a space are plain text.
SUSPECT_STARTS = "!&*<%+"
# Scalar starts in block context follow a space or a line break (`_needs_reference` looks
# for " 0", "\n0", " -0" and "\n-0"): yaml-rs would not give back a number written with a
# leading zero (`012`, `0x1F`, `0b1`) or as `-0` as written.
ZERO_FOLLOWERS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
# In a flow collection ([...] or {...}) scalars also start after [ { , and right after a
# JSON-like key ("a":1); `?`, `:`, `|` and `>` there, a `:` before a flow indicator, a `:`
# opening a line and a {...} over several lines are read differently by YAML 1.1 and 1.2.
# This search runs, besides the block ones, when the text has a bracket or a brace.
IN_FLOW_SUSPECT = re.compile(
    r"""(?:[\s\[\]{},]|["']:)(?:[!<%+?:|>]|[&*][^ \n]|-0|0[0-9A-Za-z_]|[-+0-9_]*_|True|TRUE|False|FALSE)"""
    r"""|:[,?\[\]{}]|\n *:|\{[^}]*\n"""
)
# A surrogate pair written as escapes, which yaml-rs joins and libyaml refuses.
SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
# A document-end marker, which yaml-rs passes over at the start of a document.
DOCUMENT_END = re.compile(r"^\.\.\.(?:[ \n]|\Z)", re.MULTILINE)
LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# libyaml refuses a key of about 1,024 characters in some places yaml-rs accepts it; real
# keys are short.
LONGEST_KEY = 256


class _NotSure(Exception):
    """The reference path must read this document."""


def load(yaml_text: str) -> dict | None:
    """The front matter's mapping exactly as the reference path builds it, or None."""
    if yaml_rs is None or _needs_reference(yaml_text):
        return None
    try:
        data = yaml_rs.loads(yaml_text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except Exception:  # whatever yaml-rs refuses, the reference reads or explains
        return None
    if type(data) is not dict:
        return None
    as_reference = _AsReference()
    try:
        data = as_reference.mapping(data, 1)
    except (_NotSure, ValueError):  # ValueError: an integer of over 4,300 digits, too long for str()
        return None
    if as_reference.saw_boolean and ("True" in yaml_text or "TRUE" in yaml_text or "False" in yaml_text or "FALSE" in yaml_text):
        return None  # `True` and `TRUE` also become booleans, but their text is not "true"
    return data


def _needs_reference(text: str) -> bool:
    """Whether the text holds something yaml-rs may read otherwise than the reference. The
    searches are in C; a regular expression runs only on a candidate."""
    last_line = text.rstrip().rpartition("\n")[2]
    if not text.endswith("\n") or "|" in last_line or ">" in last_line:
        return True  # a block scalar ending the text: the two read its line breaks differently
    try:
        raw = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: only the reference explains it
        return True
    if raw.translate(None, PRINTABLE_BYTES):
        return True
    if not raw.isascii() and (b"\xc2" in raw or b"\xe2" in raw or b"\xef" in raw) and SPECIAL_CHARACTERS.search(raw):
        return True
    if "\\" in text and SURROGATE_ESCAPE.search(text):
        return True
    if "..." in text and DOCUMENT_END.search(text):
        return True
    text = "\n" + text
    if ("[" in text or "{" in text) and IN_FLOW_SUSPECT.search(text):
        return True
    for character in SUSPECT_STARTS:
        if character in text and _starts_a_scalar(text, character):
            return True
    return (
        " -0" in text
        or "\n-0" in text
        or (" 0" in text and _leading_zero(text, " 0"))
        or ("\n0" in text and _leading_zero(text, "\n0"))
        or ("_" in text and _digits_with_underscores(text))
    )


def _starts_a_scalar(text: str, character: str) -> bool:
    at = text.find(character)
    while at >= 0:
        if text[at - 1] in " \n" and not (character in "&*" and text[at + 1 : at + 2] in (" ", "\n", "")):
            return True
        at = text.find(character, at + 1)
    return False


def _leading_zero(text: str, candidate: str) -> bool:
    at = text.find(candidate)
    while at >= 0:
        if text[at + len(candidate) : at + len(candidate) + 1] in ZERO_FOLLOWERS:
            return True
        at = text.find(candidate, at + 1)
    return False


def _digits_with_underscores(text: str) -> bool:
    """Whether a scalar starts with digits and underscores, which yaml-rs reads as a
    number without them (`1_000`, `_0`)."""
    at = text.find("_")
    while at >= 0:
        start = at
        while text[start - 1] in "0123456789_+-":
            start -= 1
        if text[start - 1] in " \n" and text[at + 1 : at + 2] not in LETTERS:
            return True
        at = text.find("_", at + 1)
    return False


class _AsReference:
    """Turns yaml-rs's result into the reference's, in place: booleans and integers become
    the PlainScalar text they were written as; raises _NotSure where it cannot know."""

    def __init__(self):
        self.saw_boolean = False

    def mapping(self, mapping: dict, depth: int) -> dict:
        if depth > MAX_DEPTH:
            raise _NotSure
        odd_keys = False
        for key, value in mapping.items():
            if type(key) is not str or len(key) > LONGEST_KEY:
                odd_keys = True
            kind = type(value)
            if kind is str or value is None:
                continue
            if kind is int:
                mapping[key] = PlainScalar(value)  # the search let through only numbers written as str(value)
            elif kind is dict:
                mapping[key] = self.mapping(value, depth + 1)
            else:
                mapping[key] = self.other(value, kind, depth)
        return self.text_keys(mapping) if odd_keys else mapping

    def sequence(self, items: list, depth: int) -> list:
        if depth > MAX_DEPTH:
            raise _NotSure
        for position, item in enumerate(items):
            kind = type(item)
            if kind is str or item is None:
                continue
            items[position] = self.mapping(item, depth + 1) if kind is dict else self.other(item, kind, depth)
        return items

    def other(self, value, kind, depth: int):
        """A list, integer or boolean; anything else is not sure."""
        if kind is list:
            return self.sequence(value, depth + 1)
        if kind is int:
            return PlainScalar(value)
        if kind is bool:
            self.saw_boolean = True
            return BOOLEAN_TEXT[value]
        raise _NotSure  # a float, whose text as written is lost (1.50, 1e3), or anything else

    def text_keys(self, mapping: dict) -> dict:
        keys = [key if type(key) is str else self.other(key, type(key), 0) for key in mapping]
        if max(map(len, keys)) > LONGEST_KEY or len(set(keys)) < len(keys):
            raise _NotSure  # `12` and `"12"`: the reference reports the key given twice
        return dict(zip(keys, mapping.values(), strict=True))
