-- chosen_file_articles rows to recompute (scope_articles), and the file article ids their
-- merge rules read (scope_raw_article_ids). An article's chosen file article can change
-- when a file naming it changed or when an id resolved to it, or away from it; an article
-- known from related lists, also when a file embedding it became or stopped being its own
-- article's chosen file. Its candidates are the file articles that resolve to it; an
-- embedded one counts only while its file is chosen for the file's own article, so those
-- hosts are read too.
insert into changed_resolutions
select coalesce(after.named_id, before.named_id)
from before_url_resolutions as before
full outer join (
    select * from intermediate.url_resolutions where named_id in (select named_id from scope_named_ids)
) as after on after.named_id = before.named_id
where after.article_id is distinct from before.article_id or after.url is distinct from before.url;

insert into scope_articles
with

named as (
    select named_id from changed_named_ids
    union
    select named_id from changed_resolutions
),

touched as (
    select named_id as article_id from named
    union
    select article_id from before_url_resolutions where named_id in (select named_id from named)
    union
    select article_id from intermediate.url_resolutions where named_id in (select named_id from named)
),

their_files as (
    select source_file_id
    from parsed.file_articles
    where embed_position is null and article_id in (select article_id from touched)
),

embedded as (
    select coalesce(resolutions.article_id, embeds.article_id) as article_id
    from parsed.file_articles as embeds
    left join intermediate.url_resolutions as resolutions on resolutions.named_id = embeds.article_id
    where embeds.embed_position is not null
      and embeds.source_file_id in (select source_file_id from their_files)
)

select article_id from touched
union
select article_id from embedded;

insert into scope_raw_article_ids
with

named as (
    select article_id from scope_articles
    union
    select named_id from intermediate.url_resolutions where article_id in (select article_id from scope_articles)
),

hosts as (
    select hosts.article_id
    from parsed.file_articles as hosts
    where hosts.embed_position is null
      and hosts.source_file_id in (
          select source_file_id
          from parsed.file_articles
          where embed_position is not null and article_id in (select article_id from named)
      )
)

select article_id from named
union
select article_id from hosts
union
select named_id from intermediate.url_resolutions where article_id in (select article_id from hosts)
