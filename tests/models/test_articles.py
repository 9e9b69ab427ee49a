"""sql/models/articles.sql: one row per chosen file article (chosen_file_articles.sql), with its
story (story_copies.sql)."""

from datetime import datetime, timezone

from .conftest import outcome

COLUMNS = "article_id, url, title, has_source_file, source_path, source_file_id, story_id"


def articles(con, chosen: list[dict], file_articles: list[dict], stories=(), columns=COLUMNS) -> list[dict]:
    """The articles rows of the `chosen` file articles among `file_articles`, each in a file named
    after its source_file_id."""
    files = [{"source_file_id": file, "path": f"news/{file}"} for file in {v["source_file_id"] for v in file_articles}]
    inputs = {"parsed.files": files, "parsed.file_articles": file_articles, "intermediate.chosen_file_articles": chosen}
    query = f"select {columns} from articles order by article_id"
    return outcome(con, "articles", query, inputs | {"intermediate.story_copies": list(stories)})


def chosen(article_id: str, file_article_id: str, has_source_file: bool = True) -> dict:
    return {"article_id": article_id, "url": f"https://n.example/{article_id}", "file_article_id": file_article_id,
            "has_source_file": has_source_file}  # fmt: skip


def file_article(file_article_id: str, file: str, title: str = "t", **columns) -> dict:
    return {"file_article_id": file_article_id, "source_file_id": file, "title": title, **columns}


def article(article_id: str, title: str, file: str | None, story_id: str | None = None) -> dict:
    """An expected row (COLUMNS): `file` is its own file, None for a related-only article."""
    return {"article_id": article_id, "url": f"https://n.example/{article_id}", "title": title,
            "has_source_file": file is not None, "source_path": file and f"news/{file}", "source_file_id": file,
            "story_id": story_id or article_id}  # fmt: skip


def test_every_column_comes_from_the_chosen_file_article(con):
    """The chosen file article's fields, under the chosen article's id and URL (a resolved URL's
    article, not the URL the file article was seen by)."""
    when = datetime(2024, 5, 1, 6, tzinfo=timezone.utc)
    fields = {
        "title": "Harbor strike ends", "excerpt": "Dock workers return.", "published_at": when, "updated_at": when,
        "provider_id": "p1", "category": "news", "type": "article", "quality": 3, "heat": 7, "is_published": True,
        "amp_url": "https://n.example/A?outputType=amp", "cdn_amp_url": None, "secured": "no", "body": "Text.",
        "extra": '{"wordCount": 512}',
    }  # fmt: skip
    file_articles = [
        file_article("new", "a.md", url="https://n.example/A?utm_source=x", **fields),
        file_article("old", "b.md", "Harbor strike goes on", url="https://n.example/A"),
    ]
    columns = ", ".join(["article_id", "url", *fields, "source_path", "source_file_id"])
    assert articles(con, [chosen("A", "new")], file_articles, columns=columns) == [
        {"article_id": "A", "url": "https://n.example/A", **fields, "source_path": "news/a.md", "source_file_id": "a.md"},
    ]


def test_an_own_article_names_its_file(con):
    """An article with a file of its own has its source path and source_file_id."""
    assert articles(con, [chosen("A", "a")], [file_article("a", "a.md")]) == [article("A", "t", "a.md")]


def test_a_related_only_article_names_no_file(con):
    """An article known only from related lists has no source path or file, though its file article is in one."""
    assert articles(con, [chosen("C", "h/0", has_source_file=False)], [file_article("h/0", "h.md")]) == [article("C", "t", None)]


def test_only_chosen_file_articles_become_articles(con):
    """A file article no article chose (a superseded file's, a resolved variant's entry) is no row."""
    file_articles = [
        file_article("a", "a.md", "new"),
        file_article("a-old", "a-old.md", "old"),
        file_article("h/0", "h.md", "cited"),
    ]
    assert articles(con, [chosen("A", "a")], file_articles) == [article("A", "new", "a.md")]


def test_every_copy_takes_the_first_copys_article_id_as_story_id(con):
    """story_id is the first copy's article_id for every copy of a story, related-only ones too."""
    file_articles = [file_article("a", "a.md"), file_article("b", "b.md"), file_article("h/0", "h.md")]
    stories = [{"article_id": article_id, "story_id": "A"} for article_id in ("A", "B", "C")]
    assert articles(con, [chosen("A", "a"), chosen("B", "b"), chosen("C", "h/0", False)], file_articles, stories) == [
        article("A", "t", "a.md", "A"), article("B", "t", "b.md", "A"), article("C", "t", None, "A"),
    ]  # fmt: skip


def test_an_article_in_no_story_is_a_story_of_its_own(con):
    """An article with no story_copies row has its own article_id as story_id."""
    file_articles = [file_article("a", "a.md"), file_article("b", "b.md"), file_article("d", "d.md")]
    stories = [{"article_id": "A", "story_id": "A"}, {"article_id": "B", "story_id": "A"}]
    assert articles(con, [chosen("A", "a"), chosen("B", "b"), chosen("D", "d")], file_articles, stories) == [
        article("A", "t", "a.md", "A"), article("B", "t", "b.md", "A"), article("D", "t", "d.md", "D"),
    ]  # fmt: skip
