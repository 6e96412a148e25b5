-- The role every resolver's query runs as (SET ROLE within its transaction). It owns nothing
-- and holds SELECT only, because a table's owner and a superuser bypass row-level security.
-- Roles belong to the whole cluster and several nations may share one, so this runs at every
-- start and tolerates a role another nation made, even at the same moment.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tearline_reader') THEN
    BEGIN
      CREATE ROLE tearline_reader NOLOGIN NOSUPERUSER NOINHERIT NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tearline_reader' AND (rolsuper OR rolbypassrls)) THEN
    RAISE EXCEPTION 'role tearline_reader bypasses row-level security (SUPERUSER or BYPASSRLS): Tearline will not read through it'
      USING HINT = 'ALTER ROLE tearline_reader NOSUPERUSER NOBYPASSRLS';
  END IF;
  -- The connecting user switches to the role, so it must be a member (a superuser always may).
  IF NOT pg_has_role(current_user, 'tearline_reader', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT tearline_reader TO %I', current_user);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE EXCEPTION 'database user % may not use role tearline_reader, which every query of Tearline runs as', current_user
        USING HINT = format('as a superuser: GRANT tearline_reader TO %I', current_user);
    END;
  END IF;
END $$;
