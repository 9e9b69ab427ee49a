"""Split a front-matter file into its YAML text and its body.

Rules (issue "Core pipeline", extraction rules):
- UTF-8, with or without a byte-order mark; CRLF line endings are read as LF.
- Fallback: a file that starts with a UTF-16 byte-order mark (as some Windows editors
  save) is decoded as UTF-16. Any other bytes that are not UTF-8 reject the file rather
  than being guessed at, because a wrong guess silently mangles text.
- The first line is `---`; the front matter ends at the next line that is `---`
  (trailing spaces allowed). Everything after that line is the body, so a later
  `---` line belongs to the body.
"""

from .errors import RejectedFile

UTF8_BOM = "\ufeff"
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
DELIMITER = "---"


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


def split(text: str) -> tuple[str, str | None]:
    """Return (yaml_text, body) of decoded text; body is None when empty or blank."""
    if not text.strip():
        raise RejectedFile("file is blank: it holds only white space")
    first_end = text.find("\n")
    first_line = text if first_end < 0 else text[:first_end]
    if first_line.rstrip() != DELIMITER:
        raise RejectedFile("no front matter: the file does not start with a '---' line")
    search_from = first_end
    while search_from >= 0:
        hit = text.find("\n" + DELIMITER, search_from)
        if hit < 0:
            break
        line_end = text.find("\n", hit + 1)
        if text[hit + 1 : None if line_end < 0 else line_end].rstrip() == DELIMITER:
            body = "" if line_end < 0 else text[line_end + 1 :].strip("\n")
            return text[first_end + 1 : hit + 1], (body if body.strip() else None)
        search_from = hit + 1
    raise RejectedFile("front matter is not closed: no second '---' line")
