-- requires: access-management
-- The scheduler and the writer (etl_writer) check at start that every migration is applied: they read the
-- migrator's bookkeeping table. The lock table is the migrator's alone.
GRANT {{on_cluster}} SELECT ON {{database}}.schema_migrations TO etl_writer;
