-- Rows of the published tables to recompute, by the keys each is maintained by
-- (tables.SCOPES): articles, also those whose story changed; relations, also those citing
-- an id whose resolution changed; providers, those the affected articles named before and
-- name now; source files, the changed ones and every file of an affected article. The data
-- checks (sql/checks/) look at the rows of these keys only, and at the articles of both.
insert into scope_published_articles
select article_id from scope_articles
union
select article_id from before_story_copies
union
select article_id from intermediate.story_copies where story_key in (select story_key from scope_story_keys);

insert into scope_relations
select article_id from scope_articles
union
select chosen.article_id
from parsed.file_article_relations as relations
inner join intermediate.chosen_file_articles as chosen using (file_article_id)
where relations.related_article_id in (select named_id from changed_resolutions);

insert into scope_providers
select provider_id
from articles
where article_id in (select article_id from scope_published_articles) and provider_id is not null
union
select provider_id
from intermediate.chosen_file_articles
where article_id in (select article_id from scope_articles) and provider_id is not null;

insert into scope_checked_articles
select article_id from scope_published_articles
union
select article_id from scope_relations;

insert into scope_files
select source_file_id from forgotten_files
union
select unnest($source_file_ids)
union
select source_file_id from parsed.files where article_id in (select article_id from scope_articles)
