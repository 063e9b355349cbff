-- requires: access-management
-- Roles only; login users and their passwords come from the environment (pnpm migrate users), never from files.
-- etl_writer: insert + select on staging and meta tables. datalens_reader: select on views (v_*) only.
CREATE ROLE IF NOT EXISTS etl_writer {{on_cluster}};
CREATE ROLE IF NOT EXISTS datalens_reader {{on_cluster}};
GRANT {{on_cluster}} SELECT, INSERT ON {{database}}.stg_* TO etl_writer;
GRANT {{on_cluster}} SELECT, INSERT ON {{database}}.meta_* TO etl_writer;
GRANT {{on_cluster}} SELECT, INSERT ON {{database}}.etl_state TO etl_writer;
GRANT {{on_cluster}} SELECT, INSERT ON {{database}}.quarantine TO etl_writer;
GRANT {{on_cluster}} SELECT ON {{database}}.v_* TO datalens_reader;
