-- 0001: guilds and their settings, and the bot's own bookkeeping of what it has processed.
-- Every table is keyed by guild: one bot serves many guilds.

CREATE TABLE guilds (
    guild_id        INTEGER PRIMARY KEY,
    name            TEXT NOT NULL DEFAULT '',
    joined_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per guild; NULL means "not configured" and the bot says so.
CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY REFERENCES guilds(guild_id) ON DELETE CASCADE,
    review_channel_id   INTEGER,
    nudge_mode          TEXT NOT NULL DEFAULT 'reply' CHECK (nudge_mode IN ('off', 'reply', 'dm')),
    retention_days      INTEGER NOT NULL DEFAULT 90 CHECK (retention_days BETWEEN 1 AND 3650),
    announce_channel_id INTEGER,
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Channels where Rete answers questions on its own.
CREATE TABLE answer_channels (
    guild_id    INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    channel_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

-- The last message processed per watched channel, for catch-up after downtime.
CREATE TABLE channel_cursor (
    guild_id        INTEGER NOT NULL REFERENCES guilds(guild_id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL,
    last_message_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
