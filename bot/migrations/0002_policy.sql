-- 0002: the keyword policy of each guild (bot/policy): threshold and version, word lists,
-- weighted rules, allow-list, exempt roles and channels, and the history of every change.
-- The whole policy of a guild is rewritten in one transaction on each change, so a reader
-- never sees half of an import.

CREATE TABLE policy_state (
    guild_id    INTEGER PRIMARY KEY REFERENCES guilds(guild_id) ON DELETE CASCADE,
    version     INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
    threshold   REAL NOT NULL DEFAULT 1.0 CHECK (threshold > 0),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Named word lists ("@name" in rules).
CREATE TABLE policy_lists (
    guild_id     INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (guild_id, name)
);

-- A list's words: plain terms, or Italian verbs the compiler conjugates.
CREATE TABLE policy_list_terms (
    guild_id   INTEGER NOT NULL,
    list_name  TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('term', 'verb', 'verb_third', 'infinitive')),
    position   INTEGER NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (guild_id, list_name, kind, position),
    FOREIGN KEY (guild_id, list_name) REFERENCES policy_lists(guild_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE policy_rules (
    guild_id     INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    weight       REAL NOT NULL CHECK (weight <> 0),
    within       INTEGER CHECK (within IS NULL OR within > 0),
    shadow       INTEGER NOT NULL DEFAULT 0 CHECK (shadow IN (0, 1)),
    PRIMARY KEY (guild_id, name)
);

-- A rule's groups (one for "any", several for "all"); each item is "@list" or a word/phrase.
CREATE TABLE policy_rule_items (
    guild_id   INTEGER NOT NULL,
    rule_name  TEXT NOT NULL,
    grp        INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    item       TEXT NOT NULL,
    PRIMARY KEY (guild_id, rule_name, grp, position),
    FOREIGN KEY (guild_id, rule_name) REFERENCES policy_rules(guild_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE
);

-- "requires": earlier rules one of which must have fired.
CREATE TABLE policy_rule_requires (
    guild_id   INTEGER NOT NULL,
    rule_name  TEXT NOT NULL,
    position   INTEGER NOT NULL,
    required   TEXT NOT NULL,
    PRIMARY KEY (guild_id, rule_name, position),
    FOREIGN KEY (guild_id, rule_name) REFERENCES policy_rules(guild_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE policy_allow (
    guild_id  INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    phrase    TEXT NOT NULL,
    PRIMARY KEY (guild_id, position)
);

-- Messages in these channels, or by members with these roles, are not evaluated.
CREATE TABLE policy_exempt (
    guild_id   INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('role', 'channel')),
    target_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind, target_id)
);

-- Who changed what, and when; `version` is the policy version the change produced.
CREATE TABLE policy_history (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id  INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    version   INTEGER NOT NULL,
    actor_id  INTEGER NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX policy_history_by_guild ON policy_history (guild_id, id);
