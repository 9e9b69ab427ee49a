-- Files this run read again only because the warehouse had them from older parse rules:
-- their rows may differ although their bytes did not, so the tables are rebuilt.
select count(*) as reparsed
from run_files
join parsed.files as known using (source_file_id)
where known.parse_rules <> run_files.parse_rules
