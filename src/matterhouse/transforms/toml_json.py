"""Load TOML and JSON front matter into what the YAML loader gives, so that one reader
applies the same rules to every format.

The YAML loader keeps every scalar as the text that was written, with the plain scalars
the YAML 1.2 core schema types as PlainScalar text. TOML and JSON values are turned into
the same: JSON numbers are PlainScalar text as written (so `1.50` stays `1.50` and a
number of any length is read without int()), TOML floats are too, TOML integers become
PlainScalar in decimal, booleans PlainScalar `true`/`false`, and TOML dates, times and
datetimes ISO 8601 text (`1979-05-27T07:32:00+00:00`), which the timestamp rule reads.
Nesting deeper than MAX_DEPTH is refused, as in YAML; so is nesting deep enough to
exhaust the parsers' recursion.

A JSON key given twice in one object keeps its last value, as YAML's does, and is
reported with its line; TOML refuses such a file itself.
"""

import json
import re
import sys
import tomllib
from datetime import date, datetime, time
from json.decoder import scanstring

from .errors import RejectedFile
from .yaml_core import BOOLEAN_TEXT, MAX_DEPTH, PlainScalar
from .yaml_fast import SURROGATE_ESCAPE
from .yaml_loader import TOO_DEEP, DuplicateKey

TOML_WHERE = re.compile(r"(.*) \(at line (\d+), column (\d+)\)\Z", re.DOTALL)
# The characters a walk of valid JSON stops at: strings, and where containers open and close.
JSON_TOKEN = re.compile(r'["{}\[\]]')
JSON_COLON = re.compile(r"[ \t\r\n]*:")


def load_toml(toml_text: str) -> dict:
    """Parse the TOML between the '+++' lines, or raise RejectedFile saying why it cannot be."""
    try:
        data = tomllib.loads(toml_text, parse_float=PlainScalar)
    except tomllib.TOMLDecodeError as error:
        raise RejectedFile(_toml_reason(str(error), toml_text)) from None
    except RecursionError:
        raise RejectedFile(TOO_DEEP) from None
    except ValueError as error:  # tomllib lets int()'s refusal of over 4,300 digits through
        detail = " ".join(str(error).split())
        if "digits" in detail:
            detail = f"an integer has more than {sys.get_int_max_str_digits()} digits"
        raise RejectedFile(f"invalid TOML: {detail}") from None
    if not data:
        raise RejectedFile("front matter is empty: there is nothing between the '+++' lines")
    return as_yaml_data(data, 1)


def _toml_reason(message: str, toml_text: str) -> str:
    message = " ".join(message.split())
    if message.startswith("Cannot overwrite a value"):  # tomllib's words for a key given twice
        message = message.replace("value", "value: a key is given a second time, which TOML does not allow", 1)
    where = TOML_WHERE.match(message)
    if where is None:
        closing_line = toml_text.count("\n") + 2
        problem = message.removesuffix(" (at end of document)")
        return f"invalid TOML at the end of the front matter (line {closing_line}): {problem}"
    # +1: tomllib counts lines from the first line after the opening '+++'.
    return f"invalid TOML at line {int(where[2]) + 1}, column {where[3]}: {where[1]}"


def load_json(text: str) -> tuple[dict, list[DuplicateKey], int]:
    """Parse the JSON object that opens the file: its fields, the keys given twice in one
    of its objects, and where the object ends in `text`. Raises RejectedFile saying why
    it cannot be read."""
    saw_twice = []

    def mapping(pairs: list) -> dict:
        fields = dict(pairs)
        if len(fields) < len(pairs):
            saw_twice.append(True)
        return fields

    decoder = json.JSONDecoder(
        object_pairs_hook=mapping, parse_int=PlainScalar, parse_float=PlainScalar, parse_constant=_not_json
    )
    try:
        data, end = decoder.raw_decode(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text):
            raise RejectedFile("front matter is not closed: the file ends inside the JSON object") from None
        problem = "Unterminated string" if error.msg.startswith("Unterminated string") else error.msg.removesuffix(" at")
        raise RejectedFile(f"invalid JSON at line {error.lineno}, column {error.colno}: {problem}") from None
    except RecursionError:
        raise RejectedFile(TOO_DEEP) from None
    if text.find("\\", 0, end) >= 0 and SURROGATE_ESCAPE.search(text, 0, end):
        _refuse_surrogates(text, end)
    fields = as_yaml_data(data, 1)
    return fields, (_duplicate_keys(text, end) if saw_twice else []), end


def _not_json(name: str):
    raise RejectedFile(f"invalid JSON: {name} is not a JSON value; write it as text in quotes")


def _json_strings(text: str, end: int):
    """(string, where it starts, the keys seen so far in its object if it is a key, else
    None) for every string in the valid JSON text[:end]. A second walk, run only when the
    parse found something to place in the file."""
    containers = []  # per open container: the keys seen so far, or None for an array
    at = 0
    while token := JSON_TOKEN.search(text, at, end):
        at = token.end()
        if token[0] == '"':
            value, at = scanstring(text, at)
            is_key = containers and containers[-1] is not None and JSON_COLON.match(text, at)
            yield value, token.start(), containers[-1] if is_key else None
        elif token[0] == "{":
            containers.append(set())
        elif token[0] == "[":
            containers.append(None)
        else:
            containers.pop()


def _duplicate_keys(text: str, end: int) -> list[DuplicateKey]:
    found = []
    for value, start, keys in _json_strings(text, end):
        if keys is not None:
            if value in keys:
                found.append(DuplicateKey(value, text.count("\n", 0, start) + 1))
            keys.add(value)
    return found


def _refuse_surrogates(text: str, end: int) -> None:
    """Reject text with an escaped half of a surrogate pair, which is not a character (and
    which Parquet, being UTF-8, could not hold)."""
    for value, start, _ in _json_strings(text, end):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            line = text.count("\n", 0, start) + 1
            raise RejectedFile(
                f"invalid JSON at line {line}: a string escapes half of a surrogate pair (such as \\ud800), "
                "which is not a character; remove it"
            ) from None


def as_yaml_data(value, depth: int):
    """`value` as the YAML loader would give it (see the module's docstring)."""
    kind = type(value)
    if kind is str or kind is PlainScalar or value is None:
        return value
    if kind is dict or kind is list:
        if depth > MAX_DEPTH:
            raise RejectedFile(TOO_DEEP)
        if kind is dict:
            return {key: as_yaml_data(item, depth + 1) for key, item in value.items()}
        return [as_yaml_data(item, depth + 1) for item in value]
    if kind is bool:
        return BOOLEAN_TEXT[value]
    if kind is int:
        return PlainScalar(value)
    if kind in (datetime, date, time):
        return value.isoformat()
    raise TypeError(f"unexpected {kind.__name__} in TOML or JSON data")


def not_an_object(text: str) -> str | None:
    """Why a file that opens with a JSON array or string, alone on its line, is not an
    article, like the YAML loader's reason for a list or a single value; else None."""
    if text[:1] not in ("[", '"'):
        return None
    try:
        value, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        return None
    if text[end:].partition("\n")[0].strip():
        return None  # text follows on the line: Markdown that starts with a bracket or quote
    kind = "a JSON array" if isinstance(value, list) else "a single JSON value"
    return f"front matter is {kind}, not an object of fields such as '{{\"webUrl\": ...}}'"
