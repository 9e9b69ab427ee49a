-- The merge rules (store/schema.py ddl_fingerprint) the models were last built whole with,
-- written in the transaction of that build: a run builds by key only on models its own
-- rules built, so a whole build that failed or was interrupted is done again. One row.
create table if not exists state.models_built (
    fingerprint varchar not null
)
