-- 0006: what the web dashboard reads. Its queue lists a server's cases newest first, filtered
-- or not by status, member or channel: these indexes let SQLite walk them in that order and
-- stop after a page, instead of sorting every case of the server on each request.

CREATE INDEX review_cases_guild_newest ON review_cases (guild_id, case_id);
CREATE INDEX review_cases_guild_author ON review_cases (guild_id, author_id, case_id);

-- The whole policy as each change left it (the YAML of `rete policy export`), so a version can
-- be rolled back to; NULL for versions saved before this migration.
ALTER TABLE policy_history ADD COLUMN policy_yaml TEXT;
