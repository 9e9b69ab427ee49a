-- The files a run must read, with the content hash recorded for each (null when it has
-- to be parsed whatever its bytes): new files, files whose size or mtime changed, files
-- with a scan problem (re-judged every run), files read under older parse rules, and
-- every file on a full refresh.
-- Times as integer microseconds: cheaper to compare by the million than timestamps.
select
    scan.source,
    scan.path,
    scan.size_bytes,
    scan.modified_us,
    scan.problem,
    scan.racy,
    case
        when not $full_refresh and scan.problem is null and known.parse_rules = $parse_rules
            then known.content_hash
    end as previous_hash
from scan
left join parsed.files as known
    on known.source = scan.source and known.path = scan.path
where $full_refresh
   or known.source_file_id is null
   or scan.problem is not null
   or known.content_hash is null
   or known.parse_rules <> $parse_rules
   or known.size_bytes <> scan.size_bytes
   or epoch_us(known.modified_at) <> scan.modified_us
order by scan.scan_order
