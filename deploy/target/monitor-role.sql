-- A least-privilege role for pgmon on a monitored server (psql: -v monitor_password=...).
-- pg_monitor = pg_read_all_stats + pg_read_all_settings + pg_stat_scan_tables: every
-- session's query text, data_directory, database sizes; no data and no superuser.
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'monitor_user', :'monitor_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'monitor_user')
\gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'monitor_user', :'monitor_password')
\gexec
SELECT format('GRANT pg_monitor TO %I', :'monitor_user')
\gexec
-- Something to look at in the sample targets.
SELECT 'CREATE DATABASE sample_app'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'sample_app')
\gexec
