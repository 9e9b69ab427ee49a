"""Generate a realistic corpus of news front-matter files.

    python benchmarks/generate_corpus.py OUT_DIR --files 10000 [--seed 7] [--broken 0.01]

Variety modelled on real feeds: Zipf-distributed providers, related lists that point at
other articles of the corpus and at outside pages, images, topics, Markdown bodies (some
with a '---' line), quoted and unquoted timestamps with offsets, CRLF and BOM files,
republished articles (same webUrl, newer updatedDateTime), YAML 1.1 look-alike titles,
field-level mistakes, and (with --broken) files that must be rejected. The output is a
pure function of the arguments.
"""

import argparse
import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

WORDS = [
    "vaccine",
    "election",
    "market",
    "climate",
    "court",
    "police",
    "startup",
    "chip",
    "energy",
    "border",
    "storm",
    "budget",
    "strike",
    "trade",
    "merger",
    "drought",
    "satellite",
    "privacy",
    "tariff",
    "ceasefire",
    "outbreak",
    "rally",
    "inflation",
    "robot",
    "license",
    "summit",
    "reform",
    "ruling",
    "wildfire",
    "pipeline",
    "harbor",
    "festival",
    "league",
    "transfer",
]
TOPICS = (
    "AI",
    "Computer Vision",
    "Coronavirus",
    "Coronavirus in US",
    "Coronavirus in Europe",
    "Coronavirus in Asia",
    "Climate",
    "Elections",
    "Semiconductors",
    "Privacy",
    "Markets",
    "Energy",
    "Space",
    "Sports",
    "Health",
    "Trade",
    "Courts",
    "Transport",
)
TRAP_TITLES = ("No", "Off", "yes", "1:20", "2020-01-01", "null ", "~ tilde", "0x1F", "1e3")
LINE_TRAPS = ("on", "No", "12:30:00")
ARCHIVE_START = datetime(2019, 1, 1, tzinfo=timezone.utc)
ARCHIVE_END = ARCHIVE_START + timedelta(days=3 * 365)  # publication times fall in [start, end)


def providers(count: int) -> list[tuple[str, str]]:
    stems = ["herald", "gazette", "tribune", "post", "times", "courier", "chronicle", "ledger", "observer", "monitor"]
    places = ["north", "south", "east", "west", "river", "lake", "valley", "harbor", "capital", "metro"]
    result = [("Chicago Tribune", "chicagotribune.com"), ("Reuters", "reuters.com"), ("PR Newswire", "prnewswire.com")]
    for index in range(count - len(result)):
        place, stem = places[index % len(places)], stems[(index // len(places)) % len(stems)]
        suffix = "" if index < len(places) * len(stems) else str(index)
        result.append((f"The {place.title()} {stem.title()}{suffix}", f"{place}{stem}{suffix}.com"))
    return result


class CorpusWriter:
    """Writes `files` files. To add files to an existing corpus of `first` files: `first`
    numbers them on from it (and sizes the providers as for the whole corpus), `cite` holds
    URLs of its articles, which related lists cite and republished articles reuse as the
    corpus's own, and `window` (start, end) narrows the publication times."""

    def __init__(
        self,
        seed: int,
        files: int,
        broken: float,
        *,
        first: int = 0,
        cite: Sequence[str] = (),
        window: tuple[datetime, datetime] = (ARCHIVE_START, ARCHIVE_END),
    ):
        self.random = random.Random(seed)
        self.files = files
        self.first = first
        self.broken = broken
        self.start = window[0]
        self.minutes = int((window[1] - window[0]).total_seconds() // 60)
        self.providers = providers(max(20, min(400, (first + files) // 50)))
        weights = [1 / (rank + 1) for rank in range(len(self.providers))]  # Zipf, s = 1
        self.provider_weights = weights
        self.urls: list[str] = list(cite)

    def provider(self):
        return self.random.choices(self.providers, weights=self.provider_weights)[0]

    def title(self) -> str:
        if self.random.random() < 0.01:
            return self.random.choice(TRAP_TITLES)
        words = self.random.sample(WORDS, self.random.randint(4, 9))
        return " ".join(words).capitalize() + self.random.choice(["", "", "?", ": what we know"])

    def timestamp(self, moment: datetime) -> str:
        style = self.random.random()
        if style < 0.5:
            return moment.strftime("%Y-%m-%dT%H:%M:00Z")
        offset = timedelta(hours=self.random.choice([-8, -7, -5, 1, 2, 8]))
        local = (moment + offset).strftime("%Y-%m-%dT%H:%M:00") + _offset(offset)
        return f'"{local}"' if style < 0.8 else local

    def url(self, domain: str, moment: datetime) -> str:
        slug = "-".join(self.random.sample(WORDS, 4))
        return f"https://www.{domain}/{moment:%Y/%m/%d}/{slug}-{self.random.randrange(10**6)}"

    def images(self, indent: str, title: str) -> list[str]:
        lines = []
        for _ in range(self.random.choice([0, 1, 1, 1, 2, 3])):
            width = self.random.choice([640, 1200, 1440, 1500])
            height = self.random.choice([360, 630, 800, 960])
            lines += [
                f'{indent}  - url: "https://cdn.example-images.net/{self.random.randrange(10**9)}.jpg"',
                f"{indent}    width: {width if self.random.random() > 0.005 else 'wide'}",
                f"{indent}    height: {height}",
            ]
            if self.random.random() < 0.5:
                lines.append(f'{indent}    title: "{title}"')
        return [f"{indent}images:", *lines] if lines else []

    def related(self, moment: datetime) -> list[str]:
        lines = []
        for _ in range(self.random.choice([0, 0, 1, 2, 3, 5])):
            name, domain = self.provider()
            url = self.random.choice(self.urls) if self.urls and self.random.random() < 0.4 else self.url(domain, moment)
            lines += [
                f'  - title: "{self.title()}"',
                f'    excerpt: "{self.excerpt()}"',
                f"    publishedDateTime: {self.timestamp(moment - timedelta(hours=self.random.randint(1, 96)))}",
                f'    webUrl: "{url}"',
                "    type: article",
                "    provider:",
                f"      name: {name}",
                f"      domain: {domain}",
                f"    quality: {self.random.randint(0, 100)}",
            ]
            lines += self.images("    ", "")
        return ["related:", *lines] if lines else []

    def excerpt(self) -> str:
        return " ".join(self.random.choices(WORDS, k=self.random.randint(15, 45))).capitalize() + "."

    def body(self) -> str:
        kind = self.random.random()
        if kind < 0.3:
            return ""
        paragraphs = [self.excerpt() for _ in range(self.random.randint(1, 12))]
        if kind > 0.9:
            paragraphs.insert(1, "---")
        return "\n" + "\n\n".join(paragraphs) + "\n"

    def article(self, index: int) -> tuple[str, str]:
        moment = self.start + timedelta(minutes=self.random.randrange(self.minutes))
        name, domain = self.provider()
        republish = self.urls and self.random.random() < 0.02
        url = self.random.choice(self.urls) if republish else self.url(domain, moment)
        title = self.title()
        lines = [
            "---",
            "category: news",
            f'title: "{title}"' if title not in TRAP_TITLES else f"title: {title}",
            f'excerpt: "{self.excerpt()}"',
            f"publishedDateTime: {self.timestamp(moment)}",
        ]
        if republish or self.random.random() < 0.1:
            lines.append(f"updatedDateTime: {self.timestamp(moment + timedelta(hours=self.random.randint(1, 48)))}")
        lines += [
            f'webUrl: "{url}"',
            f'ampWebUrl: "{url}?outputType=amp"',
            "type: article",
            f"quality: {self.random.randint(0, 100) if self.random.random() > 0.005 else 'high'}",
            f"heat: {self.random.choice([-1, self.random.randint(0, 150)])}",
            f"published: {self.random.choice(['true', 'false'])}",
        ]
        if self.random.random() < 0.2:
            lines.append(f"locale: en-{self.random.choice(['us', 'gb', 'in'])}")
        if self.random.random() < 0.05:
            lines.append(f"edition: {self.random.choice(LINE_TRAPS)}")
        lines += ["", "provider:", f"  name: {name}", f"  domain: {domain}", "", "topics:"]
        lines += [f"  - {topic}" for topic in self.random.sample(TOPICS, self.random.randint(1, 3))]
        lines += self.images("", title) + self.related(moment)
        lines.append(f'secured: "{self.random.randbytes(24).hex()};{self.random.randbytes(8).hex()}"')
        lines.append("---")
        self.urls.append(url)
        folder = f"{moment:%Y}/{moment:%m}"
        extension = self.random.choices(["md", "txt", "markdown"], weights=[6, 3, 1])[0]
        return f"{folder}/{index:07d}.{extension}", "\n".join(lines) + "\n" + self.body()

    def broken_file(self, index: int) -> tuple[str, str]:
        kind = self.random.randrange(6)
        text = [
            "Just some notes, no front matter at all.\n",
            "---\ntitle: never closed\nwebUrl: https://example.org/x\n",
            "---\ntitle: [unbalanced\nwebUrl: https://example.org/y\n---\n",
            "---\n- a list\n- not a mapping\n---\n",
            "---\ntitle: no url here\n---\nbody\n",
            '---\ntitle: ftp only\nwebUrl: "ftp://example.org/file"\n---\n',
        ][kind]
        return f"inbox/broken-{index:07d}.md", text

    def documents(self):
        """(path, bytes) of every file, in order."""
        for index in range(self.first, self.first + self.files):
            path, text = self.broken_file(index) if self.random.random() < self.broken else self.article(index)
            data = text.encode("utf-8")
            if self.random.random() < 0.05:
                data = data.replace(b"\n", b"\r\n")
            if self.random.random() < 0.03:
                data = b"\xef\xbb\xbf" + data
            yield path, data

    def write(self, out: Path) -> int:
        written = 0
        for path, data in self.documents():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written += 1
        return written


def _offset(offset: timedelta) -> str:
    hours = int(offset.total_seconds() // 3600)
    return f"{'+' if hours >= 0 else '-'}{abs(hours):02d}:00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken", type=float, default=0.0, help="share of files that must be rejected")
    args = parser.parse_args()
    count = CorpusWriter(args.seed, args.files, args.broken).write(args.out)
    print(f"wrote {count} files under {args.out}")


if __name__ == "__main__":
    main()
