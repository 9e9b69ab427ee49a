-- Grain: one row per (article version, AMP page it declares other than its own URL):
-- ampWebUrl (kind amp) and cdnAmpWebUrl (kind cdn_amp). Key: (version_id, url).
create table if not exists staging.version_urls (
    version_id varchar not null,
    source_file_id varchar not null,
    url varchar not null,
    url_key varchar not null,  -- the URL without tracking parameters and AMP wrapping
    kind varchar not null      -- amp or cdn_amp: the field that declares it
)
