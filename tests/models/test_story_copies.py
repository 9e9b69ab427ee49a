"""sql/models/story_copies.sql: which published articles are copies of one story. Story
keys (normalized title and excerpt, transforms/variants.py) are given as the parser
writes them: null when the title or the excerpt is missing."""

from .conftest import outcome


def copy(article_id: str, published_at: str | None, story_key: str | None = "harbor strike ends") -> dict:
    """An article's chosen file article."""
    return {
        "article_id": article_id,
        "file_article_id": f"{article_id}/own",
        "published_at": published_at,
        "story_key": story_key,
    }


def stories(con, *copies: dict, unchosen=()) -> list[dict]:
    """The story_copies rows of the chosen file articles `copies`, with file articles `unchosen` besides."""
    chosen = [{name: c[name] for name in ("article_id", "file_article_id", "published_at", "story_key")} for c in copies]
    query = "select article_id, story_id from intermediate.story_copies order by story_id, article_id"
    inputs = {"intermediate.chosen_file_articles": chosen, "parsed.file_articles": [*copies, *unchosen]}
    return outcome(con, "story_copies", query, inputs)


def story(story_id: str, *article_ids: str) -> list[dict]:
    """The expected rows of one story: every copy, its first included."""
    return [{"article_id": article_id, "story_id": story_id} for article_id in sorted(article_ids)]


def test_copies_share_the_first_published_copys_article_id(con):
    """Copies within 48 hours are one story, whose id is the earliest copy's article_id."""
    assert stories(con, copy("A", "2024-05-01 17:00"), copy("Z", "2024-05-01 06:00")) == story("Z", "Z", "A")


def test_equal_publication_times_go_to_the_lowest_article_id(con):
    """Copies published at the same instant are taken in order of article_id."""
    assert stories(con, copy("B", "2024-05-01 06:00"), copy("A", "2024-05-01 06:00")) == story("A", "A", "B")


def test_the_window_is_48_hours_from_the_first_copy_inclusive(con):
    """47 h 59 and exactly 48 h after the first copy join it; 48 h 01 does not."""
    copies = copy("A", "2024-05-01 06:00"), copy("B", "2024-05-03 05:59"), copy("C", "2024-05-03 06:00")
    assert stories(con, *copies, copy("D", "2024-05-03 06:01")) == story("A", "A", "B", "C")


def test_the_window_does_not_chain(con):
    """A copy within 48 hours of the previous copy but not of the first starts a new story,
    whose window then runs from it."""
    copies = [copy("A", "2024-05-01 00:00"), copy("B", "2024-05-02 16:00"), copy("C", "2024-05-04 08:00")]
    assert stories(con, *copies, copy("D", "2024-05-05 04:00")) == story("A", "A", "B") + story("C", "C", "D")


def test_different_story_keys_are_different_stories(con):
    """Only equal story keys make copies."""
    assert stories(con, copy("A", "2024-05-01 06:00"), copy("B", "2024-05-01 06:00", "harbor strike ends on monday")) == []


def test_no_story_key_makes_no_story(con):
    """Articles without a story key (no title or no excerpt) are stories of their own."""
    assert stories(con, copy("A", "2024-05-01 06:00", None), copy("B", "2024-05-01 06:00", None)) == []


def test_no_publication_time_makes_no_story(con):
    """An article without published_at is a story of its own: it neither joins nor starts one."""
    copies = copy("A", None), copy("B", "2024-05-01 06:00"), copy("C", "2024-05-02 06:00")
    assert stories(con, *copies) == story("B", "B", "C")


def test_only_chosen_file_articles_count(con):
    """A file article that is not published (a superseded file's) is no copy."""
    superseded = copy("B", "2024-05-01 06:00") | {"file_article_id": "B/old"}
    copies = copy("A", "2024-05-01 06:00"), copy("B", "2024-05-01 07:00", "harbor strike ends today")
    assert stories(con, *copies, unchosen=[superseded]) == []
