-- Query insight reads pg_stat_statements (preloaded by the compose file's command) from the
-- monitored server's `postgres` database.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
