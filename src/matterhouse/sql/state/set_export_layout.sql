-- Records the number of buckets a published table's files now use (state.export_layout).
insert or replace into state.export_layout (table_name, buckets) values ($table_name, $buckets)
