"""Numbers as people read them in messages."""


def count(number: int, noun: str, plural: str | None = None) -> str:
    """'1 file', '2 files', '1,024 rows'."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def seconds(value: float) -> str:
    """A duration: one decimal, or two below a tenth, so that quick work does not read 0.0."""
    return f"{value:.1f} s" if value >= 0.1 or value == 0 else f"{value:.2f} s"


def alternatives(extensions) -> str:
    """File extensions as a list people read: '.md', '.md or .txt', '.markdown, .md or .txt'."""
    names = [f".{extension}" for extension in extensions]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def lines_for_people(message: str, width: int = 80) -> str:
    """A message as a terminal shows it well: each line longer than `width` wrapped
    between words, its continuation lines indented by two spaces (the same text in a
    pipe); shorter lines, such as DuckDB's pointer under a query, stay as they are."""
    import textwrap

    return "\n".join(
        line
        if len(line) <= width
        else textwrap.fill(line, width=width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
        for line in message.split("\n")
    )
