-- 0005: learning from use (bot/knowledge/learning.py). The answers Rete posted, so that a 👍/👎
-- knows which question it judges; the votes on them (one per member and answer, the latest
-- wins); and the questions Rete could not answer well (it abstained, or its answer got a 👎),
-- which moderators attach to a FAQ entry as a variant, write a new entry from, or dismiss.
-- Question text is what a member wrote: it is kept for the guild's retention period
-- (guild_settings.retention_days, as for review cases) and then dropped, or at once when the
-- member deletes the message it was asked in. guild_id 0 is the offline CLI's shared
-- knowledge, so these tables do not reference guilds. Times are Unix seconds (REAL), set by
-- the caller.

CREATE TABLE kb_answers (
    answer_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER,
    author_id   INTEGER,          -- who asked
    question    TEXT,             -- as asked; NULL once retention drops it
    source      TEXT NOT NULL,    -- what Rete answered with: "faq-<id>" or "article:<slug>"
    score       REAL NOT NULL,
    via         TEXT NOT NULL CHECK (via IN ('ask', 'auto', 'console', 'cli')),
    -- The member's message an automatic answer replied to: deleting it drops the question.
    message_id  INTEGER,
    at          REAL NOT NULL
);

CREATE INDEX kb_answers_kept ON kb_answers (at) WHERE question IS NOT NULL;
CREATE INDEX kb_answers_source ON kb_answers (guild_id, source);
CREATE INDEX kb_answers_message ON kb_answers (guild_id, message_id)
    WHERE message_id IS NOT NULL AND question IS NOT NULL;

CREATE TABLE kb_answer_votes (
    answer_id INTEGER NOT NULL REFERENCES kb_answers(answer_id) ON DELETE CASCADE,
    guild_id  INTEGER NOT NULL,   -- the answer's, so that every table is keyed by guild
    user_id   INTEGER NOT NULL,
    helpful   INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    at        REAL NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);

-- One row per question (folded and stripped of punctuation: `normalized`) while it is open:
-- asking it again, or another 👎, bumps its counters. A dismissed question asked again bumps
-- the dismissed row (moderators said no); after an attach or a new entry it may open again.
CREATE TABLE kb_unanswered (
    item_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    question    TEXT,             -- as last asked; NULL once retention drops it
    normalized  TEXT,             -- the deduplication key; NULL once retention drops it
    channel_id  INTEGER,          -- where and by whom it was last asked
    author_id   INTEGER,
    message_id  INTEGER,          -- the message it was last asked in (watched channels only)
    source      TEXT,             -- what Rete answered (👎) or would have (abstained), latest
    reason      TEXT NOT NULL CHECK (reason IN ('abstained', 'thumbs_down')),  -- the latest
    abstained   INTEGER NOT NULL DEFAULT 0 CHECK (abstained >= 0),
    thumbs_down INTEGER NOT NULL DEFAULT 0 CHECK (thumbs_down >= 0),
    first_at    REAL NOT NULL,
    last_at     REAL NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'attached', 'written', 'dismissed')),
    decided_by  INTEGER,
    decided_at  REAL,
    faq_key     TEXT              -- the entry it became a variant of, or became
);

CREATE UNIQUE INDEX kb_unanswered_open ON kb_unanswered (guild_id, normalized)
    WHERE status = 'open';
CREATE INDEX kb_unanswered_key ON kb_unanswered (guild_id, normalized, status);
CREATE INDEX kb_unanswered_list ON kb_unanswered (guild_id, status, last_at);
CREATE INDEX kb_unanswered_message ON kb_unanswered (guild_id, message_id)
    WHERE message_id IS NOT NULL AND question IS NOT NULL;
