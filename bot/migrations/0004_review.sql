-- 0004: the moderators' review queue: one case per flagged message, its rules, its audit trail,
-- and when each member was last nudged. Times are Unix seconds (REAL), set by the caller, so
-- retention and cooldowns are plain arithmetic and tests control the clock.

CREATE TABLE review_cases (
    case_id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id          INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    channel_id        INTEGER NOT NULL,
    message_id        INTEGER NOT NULL,
    author_id         INTEGER NOT NULL,
    -- The message as it was flagged; NULL once dropped (author deleted it, or retention).
    text              TEXT,
    text_dropped      TEXT CHECK (text_dropped IN ('deleted', 'retention')),
    score             REAL NOT NULL,
    threshold         REAL NOT NULL,
    hits_json         TEXT NOT NULL,
    policy_version    INTEGER NOT NULL,
    -- "alert|rule,rule": what an edit is compared with, so it alerts again only on a change.
    signature         TEXT NOT NULL,
    -- 0 when only shadow rules made it flag: recorded, never posted, never nudged.
    alerted           INTEGER NOT NULL CHECK (alerted IN (0, 1)),
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'claimed', 'confirmed', 'dismissed', 'reopened')),
    claimed_by        INTEGER,
    decided_by        INTEGER,
    decided_at        REAL,
    -- What the deciding moderator chose: {"delete": bool, "timeout_s": int}.
    decision_json     TEXT,
    appeal_note       TEXT,
    appealed_at       REAL,
    -- 1 when the author was nudged for this case (see the trigger below).
    nudged            INTEGER NOT NULL DEFAULT 0 CHECK (nudged IN (0, 1)),
    edited            INTEGER NOT NULL DEFAULT 0,
    message_deleted   INTEGER NOT NULL DEFAULT 0,
    review_channel_id INTEGER,
    review_message_id INTEGER,
    created_at        REAL NOT NULL,
    updated_at        REAL NOT NULL,
    closed_at         REAL,
    UNIQUE (guild_id, message_id)
);

CREATE INDEX review_cases_guild_status ON review_cases (guild_id, status, case_id);
CREATE INDEX review_cases_closed ON review_cases (closed_at) WHERE text IS NOT NULL;
-- Several cases may share one review post (a burst is posted in batches).
CREATE INDEX review_cases_post ON review_cases (review_message_id)
    WHERE review_message_id IS NOT NULL;

-- Opening a case is one INSERT: these triggers do the rest in the same statement, so the
-- message path pays one database round trip per flagged message, not one per table.
CREATE TRIGGER review_cases_guild BEFORE INSERT ON review_cases
BEGIN
    INSERT OR IGNORE INTO guilds (guild_id) VALUES (NEW.guild_id);
END;

-- The rules that fired for a case, for per-rule precision without parsing JSON.
CREATE TABLE review_case_rules (
    case_id  INTEGER NOT NULL REFERENCES review_cases(case_id) ON DELETE CASCADE,
    guild_id INTEGER NOT NULL,
    rule     TEXT NOT NULL,
    shadow   INTEGER NOT NULL CHECK (shadow IN (0, 1)),
    PRIMARY KEY (case_id, rule)
);

CREATE INDEX review_case_rules_guild ON review_case_rules (guild_id, rule);

-- Who did what to a case and when; actor_id NULL is Rete itself. Never message text.
CREATE TABLE review_audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id  INTEGER NOT NULL REFERENCES review_cases(case_id) ON DELETE CASCADE,
    action   TEXT NOT NULL,
    actor_id INTEGER,
    at       REAL NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX review_audit_case ON review_audit (case_id, audit_id);

-- The last nudge per member, so the cooldown survives a restart.
CREATE TABLE review_nudges (
    guild_id  INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL,
    last_at   REAL NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);

CREATE TRIGGER review_cases_opened AFTER INSERT ON review_cases
BEGIN
    INSERT OR IGNORE INTO review_case_rules (case_id, guild_id, rule, shadow)
        SELECT NEW.case_id, NEW.guild_id, json_extract(value, '$.rule'),
               CASE WHEN json_extract(value, '$.shadow') THEN 1 ELSE 0 END
        FROM json_each(NEW.hits_json);
    INSERT INTO review_audit (case_id, action, actor_id, at, detail)
        VALUES (NEW.case_id, 'opened', NULL, NEW.created_at,
                json_object('policy_version', NEW.policy_version, 'score', NEW.score));
    INSERT OR REPLACE INTO review_nudges (guild_id, member_id, last_at)
        SELECT NEW.guild_id, NEW.author_id, NEW.created_at WHERE NEW.nudged = 1;
    INSERT INTO review_audit (case_id, action, actor_id, at, detail)
        SELECT NEW.case_id, 'nudged', NULL, NEW.created_at, '{}' WHERE NEW.nudged = 1;
END;
