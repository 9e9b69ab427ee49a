from flows.plan import ToRead, plan_files
from flows.scan import FoundFile


def found(path, size=10, modified_us=1_000, problem=None):
    return FoundFile("/src", path, size, modified_us, problem)


PREVIOUS = {
    ("/src", "same.md"): ("id-same", 10, 1_000, "hash-same"),
    ("/src", "touched.md"): ("id-touched", 10, 1_000, "hash-touched"),
    ("/src", "too-big.md"): ("id-too-big", 10, 1_000, None),
    ("/src", "gone.md"): ("id-gone", 10, 1_000, "hash-gone"),
}
FOUND = [
    found("same.md"),
    found("touched.md", modified_us=2_000),
    found("too-big.md"),
    found("new.md"),
    found("link.md", problem="broken"),
]


def test_only_new_changed_and_problem_files_are_read():
    plan = plan_files(FOUND, PREVIOUS, full_refresh=False)
    assert plan.to_read == [
        ToRead(found("touched.md", modified_us=2_000), "hash-touched"),
        ToRead(found("too-big.md"), None),  # rejected unread last time: judged again
        ToRead(found("new.md"), None),
        ToRead(found("link.md", problem="broken"), None),
    ]
    assert (plan.seen, plan.unchanged, plan.deleted_ids) == (5, 1, ["id-gone"])


def test_a_full_refresh_reads_everything_without_hashes():
    plan = plan_files(FOUND, PREVIOUS, full_refresh=True)
    assert plan.to_read == [ToRead(item, None) for item in FOUND]
    assert (plan.unchanged, plan.deleted_ids) == (0, ["id-gone"])


def test_a_first_run_reads_everything():
    plan = plan_files(FOUND, {}, full_refresh=False)
    assert [item.previous_hash for item in plan.to_read] == [None] * 5
    assert plan.deleted_ids == []
