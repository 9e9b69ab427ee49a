"""sql/models/chosen_file_articles.sql: which file article of each article is published."""

from .conftest import outcome


def own(file: str, article_id: str, updated_at=None, published_at=None) -> dict:
    """The own article of `file`."""
    return {"file_article_id": f"{file}/own", "source_file_id": file, "embed_position": None, "article_id": article_id,
            "url": f"https://n.example/{article_id}", "updated_at": updated_at, "published_at": published_at}  # fmt: skip


def entry(file: str, position: int, article_id: str, updated_at=None, published_at=None) -> dict:
    """The entry at `position` of the related list of `file`."""
    return own(file, article_id, updated_at, published_at) | {"file_article_id": f"{file}/{position}", "embed_position": position}


def chosen(con, files: list[dict], file_articles: list[dict], resolutions=()) -> list[dict]:
    query = "select article_id, url, file_article_id, has_source_file from intermediate.chosen_file_articles order by article_id"
    inputs = {"parsed.files": files, "parsed.file_articles": file_articles, "intermediate.url_resolutions": list(resolutions)}
    return outcome(con, "chosen_file_articles", query, inputs)


def published(*files: str) -> list[dict]:
    return [{"source_file_id": file, "path": file} for file in files]


def row(article_id: str, file_article_id: str, has_source_file: bool) -> dict:
    return {"article_id": article_id, "url": f"https://n.example/{article_id}", "file_article_id": file_article_id,
            "has_source_file": has_source_file}  # fmt: skip


def test_own_file_beats_a_newer_related_entry(con):
    """An article with a file of its own takes its own file article, however new a citation of it is."""
    file_articles = [own("a.md", "A", "2024-05-01 10:00"), own("h.md", "H"), entry("h.md", 0, "A", "2024-05-09 10:00")]
    assert chosen(con, published("a.md", "h.md"), file_articles) == [row("A", "a.md/own", True), row("H", "h.md/own", True)]


def test_the_newest_updated_at_wins(con):
    """Among an article's own files, the latest updated_at wins, whatever published_at says."""
    file_articles = [own("1.md", "A", "2024-05-01 11:00", "2024-04-01"), own("2.md", "A", "2024-05-01 10:00", "2024-04-30")]
    assert chosen(con, published("1.md", "2.md"), file_articles) == [row("A", "1.md/own", True)]


def test_an_updated_at_tie_goes_to_the_latest_published_at(con):
    """Equal updated_at: the latest published_at wins."""
    file_articles = [own("1.md", "A", "2024-05-01", "2024-04-01"), own("2.md", "A", "2024-05-01", "2024-04-02")]
    assert chosen(con, published("1.md", "2.md"), file_articles) == [row("A", "2.md/own", True)]


def test_a_missing_timestamp_sorts_last(con):
    """A file article without updated_at loses to one with it; without published_at, to one with it."""
    file_articles = [
        own("1.md", "A", None, "2024-05-09"), own("2.md", "A", "2024-05-01", None),
        own("3.md", "B", "2024-05-01", None), own("4.md", "B", "2024-05-01", "2024-04-01"),
    ]  # fmt: skip
    chosen_rows = chosen(con, published("1.md", "2.md", "3.md", "4.md"), file_articles)
    assert chosen_rows == [row("A", "2.md/own", True), row("B", "4.md/own", True)]


def test_equal_timestamps_go_to_the_greatest_path_then_source(con):
    """With the same timestamps, the greatest path wins, then the greatest source folder."""
    # A's winner is given first and B's last, so that no order of arrival passes for the rule.
    sources = {"1": ("x", "b.md"), "2": ("z", "a.md"), "3": ("w", "b.md"), "4": ("w", "b.md"), "5": ("x", "b.md")}
    files = [{"source_file_id": file, "source": source, "path": path} for file, (source, path) in sources.items()]
    file_articles = [own(file, "A" if file < "4" else "B", "2024-05-01", "2024-04-01") for file in sources]
    assert chosen(con, files, file_articles) == [row("A", "1/own", True), row("B", "5/own", True)]


def test_rejected_files_count_for_nothing(con):
    """A rejected file's own file article and related entries are not candidates."""
    files = [*published("a.md"), {"source_file_id": "bad.md", "reason": "no webUrl"}]
    file_articles = [own("a.md", "A", "2024-05-01"), own("bad.md", "A", "2024-05-09"), entry("bad.md", 0, "C")]
    assert chosen(con, files, file_articles) == [row("A", "a.md/own", True)]


def test_a_related_only_article_takes_the_newest_entry(con):
    """An article known only from related lists takes the entry with the latest updated_at."""
    hosts = [own("h1.md", "H1"), own("h2.md", "H2")]
    file_articles = [*hosts, entry("h1.md", 0, "C", "2024-05-02"), entry("h2.md", 0, "C", "2024-05-01")]
    assert chosen(con, published("h1.md", "h2.md"), file_articles) == [
        row("C", "h1.md/0", False), row("H1", "h1.md/own", True), row("H2", "h2.md/own", True),
    ]  # fmt: skip


def test_equal_entries_go_to_the_greatest_path_then_the_lowest_position(con):
    """Among entries with the same timestamps: the greatest embedding path, then the lowest position."""
    file_articles = [own("a.md", "H1"), own("b.md", "H2"), entry("a.md", 0, "C"), entry("b.md", 4, "C"), entry("b.md", 1, "C")]
    assert chosen(con, published("a.md", "b.md"), file_articles) == [
        row("C", "b.md/1", False), row("H1", "a.md/own", True), row("H2", "b.md/own", True),
    ]  # fmt: skip


def test_entries_in_superseded_files_do_not_count(con):
    """Only the related lists of published file articles count: an article cited only by a
    superseded file does not appear, and a newer entry there does not win."""
    file_articles = [
        own("old.md", "H", "2024-05-01"), entry("old.md", 0, "C", "2024-05-09"), entry("old.md", 1, "D"),
        own("new.md", "H", "2024-05-02"), entry("new.md", 0, "C", "2024-05-01"),
    ]  # fmt: skip
    assert chosen(con, published("old.md", "new.md"), file_articles) == [
        row("C", "new.md/0", False),
        row("H", "new.md/own", True),
    ]


def test_an_entry_resolved_to_an_own_article_is_no_article_of_its_own(con):
    """A related entry whose URL resolves to an article with a file of its own counts for
    that article, whose own file article wins."""
    file_articles = [own("a.md", "A", "2024-05-01"), own("h.md", "H"), entry("h.md", 0, "A_AMP", "2024-05-09")]
    resolutions = [{"named_id": "A_AMP", "article_id": "A", "url": "https://n.example/A"}]
    expected = [row("A", "a.md/own", True), row("H", "h.md/own", True)]
    assert chosen(con, published("a.md", "h.md"), file_articles, resolutions) == expected


def test_entries_resolved_to_a_related_only_article_compete_under_its_url(con):
    """Entries by a variant URL count for the article it resolves to: the newest of them
    all wins, published under the resolved article's id and URL."""
    file_articles = [own("h.md", "H"), entry("h.md", 0, "C", "2024-05-01"), entry("h.md", 1, "C_UTM", "2024-05-02")]
    resolutions = [{"named_id": "C_UTM", "article_id": "C", "url": "https://n.example/C"}]
    assert chosen(con, published("h.md"), file_articles, resolutions) == [row("C", "h.md/1", False), row("H", "h.md/own", True)]
