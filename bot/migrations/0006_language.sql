-- 0006: the language Rete writes in for a guild (issue 17), set with /setup language: posts in
-- channels (review posts, nudges, automatic answers, feed announcements), and replies to
-- members whose Discord client is in neither Italian nor English.

ALTER TABLE guild_settings ADD COLUMN language TEXT NOT NULL DEFAULT 'it'
    CHECK (language IN ('it', 'en'));
