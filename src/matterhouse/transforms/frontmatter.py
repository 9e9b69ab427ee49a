"""Split a front-matter file into its fields and its body.

Rules (issue "Core pipeline", extraction rules; the formats are Hugo's):
- UTF-8, with or without a byte-order mark; CRLF line endings are read as LF.
- Fallback: a file that starts with a UTF-16 byte-order mark (as some Windows editors
  save) is decoded as UTF-16. Any other bytes that are not UTF-8 reject the file rather
  than being guessed at, because a wrong guess silently mangles text.
- YAML: the first line is `---`; the front matter ends at the next line that is `---`
  (trailing spaces allowed). Everything after that line is the body, so a later
  `---` line belongs to the body.
- TOML: the same with `+++` lines, read by the standard library's tomllib (TOML 1.0).
- JSON: the file's first character is `{`; the front matter is that one object, as far as
  JSON reads it, and the body is what follows it. When the rest of the object's closing
  line is blank, the body starts on the next line.
- Org-mode front matter (`#+TITLE:` lines) and a file opening with a JSON array or
  string are rejected with a reason naming what they are; any other start means the
  file has no front matter.
- The body drops blank lines at both ends, and is None when blank.
- Every format loads into the YAML loader's values (see toml_json), so one reader
  applies the same column rules, warnings and rejections to all of them.
"""

from .errors import RejectedFile
from .toml_json import load_json, load_toml, not_an_object
from .yaml_loader import DuplicateKey, load_front_matter

UTF8_BOM = "\ufeff"
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
DELIMITERS = ("---", "+++")  # YAML, TOML
NO_FRONT_MATTER = "no front matter: the file must start with a '---' (YAML), '+++' (TOML) or '{' (JSON) line"
ORG_MODE = (
    "front matter in Org mode ('#+TITLE:' lines) is not supported; "
    "write it as YAML between '---' lines, TOML between '+++' lines or a JSON object"
)


def decode(data: bytes) -> str:
    """Decode file bytes as UTF-8 text with LF line endings, or reject the file."""
    if not data:
        raise RejectedFile("file is empty")
    if data[:2] in UTF16_BOMS:
        return _decode_utf16(data[2:], UTF16_BOMS[data[:2]])
    if b"\x00" in data:
        raise RejectedFile("binary file: it contains NUL bytes, so it is not front-matter text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RejectedFile(
            f"file is not valid UTF-8: byte 0x{data[error.start]:02x} on line {line} (offset {error.start}); re-save it as UTF-8"
        ) from None
    return text.removeprefix(UTF8_BOM).replace("\r\n", "\n")


def _decode_utf16(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise RejectedFile(
            f"file starts with a UTF-16 byte-order mark but is not valid {encoding.upper()} "
            f"(offset {error.start + 2}); re-save it as UTF-8"
        ) from None
    if "\x00" in text:
        raise RejectedFile("binary file: it contains NUL characters, so it is not front-matter text")
    return text.replace("\r\n", "\n")


def read(text: str) -> tuple[dict, list[DuplicateKey], str | None]:
    """The fields, the keys given twice in one mapping, and the body (None when blank) of
    decoded text, in whichever format its front matter is written."""
    if text.startswith("{"):
        fields, duplicates, end = load_json(text)
        rest = text[end:]
        closing_line, _, after = rest.partition("\n")
        return fields, duplicates, _body(after if not closing_line.strip() else rest)
    front_matter, body = split(text)
    if text.startswith("+++"):
        return load_toml(front_matter), [], body
    fields, duplicates = load_front_matter(front_matter)
    return fields, duplicates, body


def split(text: str) -> tuple[str, str | None]:
    """Return (front_matter_text, body) of decoded text whose front matter sits between
    '---' (YAML) or '+++' (TOML) lines; body is None when empty or blank."""
    if not text.strip():
        raise RejectedFile("file is blank: it holds only white space")
    first_end = text.find("\n")
    delimiter = (text if first_end < 0 else text[:first_end]).rstrip()
    if delimiter not in DELIMITERS:
        raise RejectedFile(_no_front_matter(text))
    search_from = first_end
    while search_from >= 0:
        hit = text.find("\n" + delimiter, search_from)
        if hit < 0:
            break
        line_end = text.find("\n", hit + 1)
        if text[hit + 1 : None if line_end < 0 else line_end].rstrip() == delimiter:
            return text[first_end + 1 : hit + 1], _body("" if line_end < 0 else text[line_end + 1 :])
        search_from = hit + 1
    raise RejectedFile(f"front matter is not closed: no second '{delimiter}' line")


def _body(rest: str) -> str | None:
    body = rest.strip("\n")
    return body if body.strip() else None


def _no_front_matter(text: str) -> str:
    if text.startswith("#+"):
        return ORG_MODE
    return not_an_object(text) or NO_FRONT_MATTER
