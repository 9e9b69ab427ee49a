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
    seen: int
    to_read: list[ToRead]
    unchanged: int
    deleted_ids: list[str]


def plan_files(found: list[FoundFile], previous: dict[tuple, tuple], full_refresh: bool) -> Plan:
    """`previous` maps (source, path) to (source_file_id, size_bytes, modified_us, content_hash)."""
    seen = {(item.source, item.path) for item in found}
    deleted_ids = sorted(known[0] for key, known in previous.items() if key not in seen)
    if full_refresh:
        return Plan(len(found), [ToRead(item, None) for item in found], 0, deleted_ids)
    to_read, unchanged = [], 0
    for item in found:
        known = previous.get((item.source, item.path))
        if known is None or item.problem is not None:
            to_read.append(ToRead(item, None))
        elif known[3] is not None and known[1:3] == (item.size_bytes, item.modified_us):
            unchanged += 1
        else:
            to_read.append(ToRead(item, known[3]))
    return Plan(len(found), to_read, unchanged, deleted_ids)
