-- DHR Tracker team database: the three roles, and what each may read and change.
--
-- Run by the database administrator, connected to the DHR Tracker database, as a superuser or as the
-- role that owns the DHR Tracker tables (the one that ran `dhr-tracker init --db postgresql://OWNER@HOST/DB`)
-- if that role may create roles (CREATEROLE):
--
--     psql "postgresql://OWNER@HOST/DATABASE" -v ON_ERROR_STOP=1 -f roles.sql
--
-- It is safe to run again, and must be run again after every DHR Tracker upgrade (new tables and
-- columns get their grants; every grant is reset and given afresh). Then give each person their own
-- login role in exactly one of the three group roles, e.g. in psql:
--
--     CREATE ROLE alice LOGIN IN ROLE dhr_coordinator;   \password alice
--     CREATE ROLE vera  LOGIN IN ROLE dhr_viewer;        \password vera
--     CREATE ROLE omar  LOGIN IN ROLE dhr_auditor;       \password omar
--
-- dhr_coordinator  reads and writes the caseload; appends to the audit trail but can never change or
--                  remove an entry (privileges here, and the triggers of migration 0001).
-- dhr_viewer       reads the whole position, except the victims' and perpetrators' real names: the
--                  server refuses those two columns (column privileges) and refuses every write.
-- dhr_auditor      reads the audit trail and what verifying it needs; nothing else, and writes nothing.
--
-- The owner role itself is for upgrades and this script only: nobody works day to day as the owner.

DO $roles$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['dhr_coordinator', 'dhr_viewer', 'dhr_auditor'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', name);
        END IF;
    END LOOP;
END
$roles$;

-- Only the three roles (and the owner) may connect; nobody may create objects beside the tables.
DO $connect$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO dhr_coordinator, dhr_viewer, dhr_auditor', current_database());
END
$connect$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO dhr_coordinator, dhr_viewer, dhr_auditor;

-- Start from nothing (revoking a table's privileges also revokes its column privileges).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, dhr_coordinator, dhr_viewer, dhr_auditor;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, dhr_coordinator, dhr_viewer, dhr_auditor;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;

-- Coordinator: everything, except changing history or the schema.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dhr_coordinator;
REVOKE UPDATE, DELETE ON audit_entry, audit_imported_entry FROM dhr_coordinator;
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM dhr_coordinator;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO dhr_coordinator;
GRANT EXECUTE ON FUNCTION audit_entry_refuse_change() TO dhr_coordinator;

-- Viewer: read everything but the real-name columns; write nothing.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO dhr_viewer;
REVOKE SELECT ON dhr_case FROM dhr_viewer;
DO $viewer$
DECLARE
    readable text;
BEGIN
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO readable
      FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = 'dhr_case'
       AND column_name NOT IN ('victim_real_name', 'perpetrator_real_name');
    EXECUTE format('GRANT SELECT (%s) ON dhr_case TO dhr_viewer', readable);
END
$viewer$;

-- Auditor: the trail, and what opening and verifying it needs.
-- The auditor verifies the trail and the data against it without reading the data: each audited table's
-- row digests come from a view (audit_row_digest_<table>, made by DHR Tracker) that gives only the row's
-- key and digest; the link table holds only pairs of ids (its rows are part of a recommendation's state).
GRANT SELECT ON audit_entry, audit_imported_entry, app_meta, alembic_version, recommendation_supporting_agency TO dhr_auditor;
DO $auditor$
DECLARE
    view_name text;
BEGIN
    FOR view_name IN SELECT viewname FROM pg_views WHERE schemaname = 'public' AND viewname LIKE 'audit\_row\_digest\_%' LOOP
        EXECUTE format('GRANT SELECT ON %I TO dhr_auditor', view_name);
    END LOOP;
END
$auditor$;
