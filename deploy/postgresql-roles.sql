-- The portal's database and its two roles, run once by a PostgreSQL superuser:
--
--   psql -v db=portal -v owner=portal_owner -v owner_password=… \
--        -v app=portal_app -v app_password=… -f deploy/postgresql-roles.sql
--
-- The owner runs the migrations (it owns the tables, the triggers that guard the audit trail
-- and the retention of advice). The portal itself runs as the application role: it reads and
-- writes rows, and cannot create, alter or drop a table, disable or drop a trigger, or TRUNCATE.
\set ON_ERROR_STOP on
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"db" OWNER :"owner";
\connect :"db"
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
