-- 0009: a server's FAQ entries keep their earlier versions. Editing, importing over, attaching a
-- variant to or removing an entry used to overwrite its text for good; now the version replaced
-- is kept here (the last 20 per entry), whatever path changed it, and a moderator can restore it.
-- The academy's shared FAQ (guild 0) comes from files, which are its history: not recorded.

CREATE TABLE kb_faq_history (
    history_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    key           TEXT NOT NULL,
    question      TEXT NOT NULL,
    variants_json TEXT NOT NULL,
    answer        TEXT NOT NULL,
    links_json    TEXT NOT NULL,
    origin        TEXT NOT NULL, -- who wrote this version ("discord:<user id>", a file…)
    change        TEXT NOT NULL CHECK (change IN ('edited', 'removed')),
    changed_by    TEXT,          -- who replaced or removed it, in the same form, when known
    at            REAL NOT NULL  -- when it was replaced (unix seconds)
);

CREATE INDEX kb_faq_history_entry ON kb_faq_history (guild_id, key, history_id);

CREATE TRIGGER kb_faq_keep_edited BEFORE UPDATE ON kb_faq
WHEN old.guild_id <> 0 AND old.digest <> new.digest BEGIN
    INSERT INTO kb_faq_history
        (guild_id, key, question, variants_json, answer, links_json, origin, change, changed_by, at)
    VALUES (old.guild_id, old.key, old.question, old.variants_json, old.answer, old.links_json,
            old.origin, 'edited', new.origin, (julianday('now') - 2440587.5) * 86400.0);
    DELETE FROM kb_faq_history WHERE guild_id = old.guild_id AND key = old.key
        AND history_id NOT IN (
            SELECT history_id FROM kb_faq_history WHERE guild_id = old.guild_id AND key = old.key
            ORDER BY history_id DESC LIMIT 20);
END;

CREATE TRIGGER kb_faq_keep_removed BEFORE DELETE ON kb_faq
WHEN old.guild_id <> 0 BEGIN
    INSERT INTO kb_faq_history
        (guild_id, key, question, variants_json, answer, links_json, origin, change, at)
    VALUES (old.guild_id, old.key, old.question, old.variants_json, old.answer, old.links_json,
            old.origin, 'removed', (julianday('now') - 2440587.5) * 86400.0);
    DELETE FROM kb_faq_history WHERE guild_id = old.guild_id AND key = old.key
        AND history_id NOT IN (
            SELECT history_id FROM kb_faq_history WHERE guild_id = old.guild_id AND key = old.key
            ORDER BY history_id DESC LIMIT 20);
END;
