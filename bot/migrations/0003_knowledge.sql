-- 0003: the knowledge base: articles and FAQ entries, their searchable units and FTS5 index,
-- members' feedback on answers, and the feeds a guild follows. guild_id 0 is the academy's
-- shared knowledge, visible in every guild (so these tables do not reference guilds). Times
-- are Unix seconds (REAL), set by the caller.

CREATE TABLE kb_articles (
    article_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    -- accent-folded, lower-case title, for autocomplete
    title_folded TEXT NOT NULL,
    url          TEXT,
    guid         TEXT,
    author       TEXT,
    published    TEXT,          -- ISO date
    tags_json    TEXT NOT NULL DEFAULT '[]',
    body         TEXT NOT NULL, -- plain text, for export and re-indexing
    origin       TEXT NOT NULL, -- the file or URL it was imported from
    digest       TEXT NOT NULL, -- of what was imported: an unchanged article is not re-indexed
    created_at   REAL NOT NULL,
    updated_at   REAL NOT NULL,
    UNIQUE (guild_id, slug)
);

CREATE UNIQUE INDEX kb_articles_url ON kb_articles (guild_id, url) WHERE url IS NOT NULL;
CREATE UNIQUE INDEX kb_articles_guid ON kb_articles (guild_id, guid) WHERE guid IS NOT NULL;
CREATE INDEX kb_articles_title ON kb_articles (guild_id, title_folded);

CREATE TABLE kb_faq (
    faq_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    key           TEXT NOT NULL, -- the id as given in the FAQ file, e.g. "faq-regole-server"
    question      TEXT NOT NULL,
    variants_json TEXT NOT NULL DEFAULT '[]',
    answer        TEXT NOT NULL,
    links_json    TEXT NOT NULL DEFAULT '[]',
    origin        TEXT NOT NULL, -- a file, or "discord:<user id>" for /faq add
    digest        TEXT NOT NULL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    UNIQUE (guild_id, key)
);

-- What search finds: one unit per FAQ entry, one per article passage (section or paragraphs).
CREATE TABLE kb_units (
    unit_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('faq', 'passage')),
    source     TEXT NOT NULL, -- "faq-<id>" or "article:<slug>"
    article_id INTEGER REFERENCES kb_articles(article_id) ON DELETE CASCADE,
    faq_id     INTEGER REFERENCES kb_faq(faq_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    heading    TEXT,
    text       TEXT NOT NULL, -- the original text, shown to people
    CHECK ((article_id IS NULL) <> (faq_id IS NULL))
);

CREATE INDEX kb_units_article ON kb_units (article_id, position);
CREATE INDEX kb_units_faq ON kb_units (faq_id);
CREATE INDEX kb_units_source ON kb_units (source, guild_id);

-- rowid = kb_units.unit_id. FTS5 has no Italian stemmer: title/heading/body hold text already
-- folded, stemmed and stripped of stop words in Python (bot/knowledge/text.py). For a FAQ entry
-- title is the question and heading its variants ("|"-separated); for a passage, title is the
-- article's title and tags, heading the section heading. scope ("g0", "g<guild id>") and kind
-- ("faq", "passage") are indexed so that filtering happens in the index, not row by row.
CREATE VIRTUAL TABLE kb_fts USING fts5 (
    title, heading, body, scope, kind,
    guild_id UNINDEXED, source UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE VIRTUAL TABLE kb_vocab USING fts5vocab (kb_fts, 'row');

CREATE TRIGGER kb_units_unindex AFTER DELETE ON kb_units BEGIN
    DELETE FROM kb_fts WHERE rowid = old.unit_id;
END;

-- 👍/👎 on an answer: one vote per member and source, the latest wins.
CREATE TABLE kb_feedback (
    guild_id INTEGER NOT NULL,
    source   TEXT NOT NULL,
    user_id  INTEGER NOT NULL,
    helpful  INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    at       REAL NOT NULL,
    PRIMARY KEY (guild_id, source, user_id)
);

-- Feeds a guild follows: imported into that guild, new articles announced in channel_id.
CREATE TABLE kb_feeds (
    guild_id    INTEGER NOT NULL,
    url         TEXT NOT NULL,
    channel_id  INTEGER,
    last_polled REAL, -- NULL until the first poll, which announces nothing
    PRIMARY KEY (guild_id, url)
);
