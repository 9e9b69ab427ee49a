-- Grain: one row per (file, URL the file describes): the file's own article
-- (embed_position is null) or an entry of its related list.
select
    version_id,
    source_file_id,
    embed_position,
    article_id,
    url,
    title,
    excerpt,
    published_at,
    updated_at,
    provider_id,
    provider_domain,
    provider_name,
    category,
    type,
    quality,
    heat,
    is_published,
    amp_url,
    cdn_amp_url,
    secured,
    body,
    extra,
    story_key
from read_parquet({files})
