-- Grain: one row per (article version, URL it names): the version's own URL, and the
-- AMP pages it declares (ampWebUrl, cdnAmpWebUrl). Key: (version_id, url).
create table if not exists staging.version_urls (
    version_id varchar not null,
    source_file_id varchar not null,
    url varchar not null,
    url_key varchar not null,  -- the URL without tracking parameters and AMP wrapping
    kind varchar not null      -- web, amp, cdn_amp or variant: what the key removed, or the field
)
