"""Which files a run must read: the incremental rule, as a pure function.

A file is read again when it is new, when its size or modification time differs from
what the warehouse recorded, or when the scan found a problem with it (too large, a bad
link: such files are re-judged every run, so a raised limit takes effect). A file whose
size and mtime match is not opened at all. Of the files read, those whose bytes hash to
the recorded content_hash are only "touched" (new mtime, same content) and not parsed.
Files the warehouse knew that the scan no longer finds are deleted.
"""

from dataclasses import dataclass

from .scan import FoundFile


@dataclass(frozen=True)
class ToRead:
    found: FoundFile
    previous_hash: str | None


@dataclass(frozen=True)
class Plan:
    to_read: list[ToRead]
    unchanged: int
    deleted_ids: list[str]


def plan_files(found: list[FoundFile], previous: dict[str, tuple], full_refresh: bool) -> Plan:
    if full_refresh:
        previous_ids = set(previous)
        seen = {item.source_file_id for item in found}
        return Plan([ToRead(item, None) for item in found], 0, sorted(previous_ids - seen))
    to_read, unchanged, seen = [], 0, set()
    for item in found:
        seen.add(item.source_file_id)
        known = previous.get(item.source_file_id)
        if known and item.problem is None and known[2] is not None and known[:2] == (item.size_bytes, item.modified_at):
            unchanged += 1
        else:
            to_read.append(ToRead(item, known[2] if known and item.problem is None else None))
    return Plan(to_read, unchanged, sorted(set(previous) - seen))
