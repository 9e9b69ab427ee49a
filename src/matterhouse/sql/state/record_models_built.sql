-- Records the merge rules a whole build just used (state.models_built): the one row is replaced.
delete from state.models_built;
insert into state.models_built (fingerprint) values ($rules_fingerprint)
