"""The YAML 1.2 core-schema rules both YAML paths share.

Columns read every scalar as the text that was written. A plain (unquoted) scalar that
the core schema reads as a boolean or a number is a PlainScalar, so that fields kept as
JSON can be given that type; `No`, `on`, `yes`, `1:20` and dates are not core-schema
booleans or numbers, so they stay text.
"""

import math
import re

# Real front matter nests 4 levels (related -> entry -> images -> image); the limit leaves
# room for odd but honest files and keeps every later walk of the data shallow.
MAX_DEPTH = 32
# Our own tag for a plain scalar the core schema types, so that an explicit `!!int` or
# `!!str` in a file keeps PyYAML's meaning.
CORE_TAG = "tag:matterhouse,2026:core"
# The YAML 1.2 core schema's booleans, integers and floats (spec 10.3.2), anchored at
# the end too, since PyYAML's resolvers call `match`.
CORE_SCALAR = re.compile(
    r"(?:true|True|TRUE|false|False|FALSE"
    r"|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN)\Z"
)
CORE_FIRST_CHARACTERS = frozenset("-+.0123456789tTfF")
BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
INT64 = range(-(2**63), 2**63)


class PlainScalar(str):
    """A plain scalar the YAML 1.2 core schema reads as a boolean or a number: the text as
    written, which columns use, and `core_value(text)` for fields kept as JSON."""

    __slots__ = ()


BOOLEAN_TEXT = {True: PlainScalar("true"), False: PlainScalar("false")}


def core_value(text: str):
    """The core-schema value of a PlainScalar's text: a bool, an int or a float. Numbers
    JSON cannot hold exactly stay text: integers beyond 64 bits, infinities and NaN."""
    if text in BOOLEANS:
        return BOOLEANS[text]
    if text.lstrip("+-")[:2].lower() in (".i", ".n"):
        return str(text)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    try:
        number = int(text)
    except ValueError:
        number = float(text)
        return number if math.isfinite(number) else str(text)
    return number if number in INT64 else str(text)
