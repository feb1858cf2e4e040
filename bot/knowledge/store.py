"""SQL for the knowledge base (migration 0003): articles, FAQ, units and their FTS5 index."""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.db import Database
from bot.knowledge.models import (
    SHARED_GUILD,
    ArticleDoc,
    ArticleInfo,
    Batch,
    FaqDoc,
    FaqEntry,
    FaqVersion,
    ImportReport,
    PartialImportError,
    Unit,
    UnitStems,
    UnitText,
    article_source,
    faq_source,
)
from bot.knowledge.postings import IndexedUnit, varints
from bot.knowledge.text import fold, index_text

FAQ = "faq"
PASSAGE = "passage"
LABEL_SEPARATOR = " | "
# bm25 column weights: title (FAQ question / article title), heading (variants / section), body.
BM25_WEIGHTS = (3.0, 2.5, 1.0)

_ARTICLE_COLUMNS = "article_id, guild_id, slug, title, url, author, published, tags_json"


def _info(row: sqlite3.Row) -> ArticleInfo:
    return ArticleInfo(
        guild_id=row["guild_id"],
        slug=row["slug"],
        title=row["title"],
        url=row["url"],
        author=row["author"],
        date=row["published"],
        tags=tuple(json.loads(row["tags_json"])),
    )


def _faq(row: sqlite3.Row) -> FaqEntry:
    return FaqEntry(
        guild_id=row["guild_id"],
        key=row["key"],
        question=row["question"],
        answer=row["answer"],
        variants=tuple(json.loads(row["variants_json"])),
        links=tuple(json.loads(row["links_json"])),
        origin=row["origin"],
    )


def _version(row: sqlite3.Row) -> FaqVersion:
    return FaqVersion(row["history_id"], _faq(row), row["change"], row["changed_by"], row["at"])


def _guilds(guild_id: int) -> tuple[int, int]:
    return (SHARED_GUILD, guild_id)


def _scope(guild_id: int) -> str:
    """The indexed token of a guild's units ("scopeg0" for the shared knowledge): a made-up
    word, so that no question's stem collides with it."""
    return f"scopeg{int(guild_id)}"


def _kind_token(kind: str) -> str:
    return "kindfaq" if kind == FAQ else "kindpassage"


WRITE_CHUNK = 100  # documents a transaction (an article: ~7 rows): tens of milliseconds each


@dataclass(frozen=True)
class _Prepared:
    """A document with what writing it needs computed beforehand (outside the database)."""

    doc: ArticleDoc | FaqDoc
    digest: str
    title_terms: str
    headings: tuple[str, ...]  # per passage (articles) / the variants label (FAQ)
    bodies: tuple[str, ...]  # per passage (articles) / the answer (FAQ)


def _prepare(docs: Sequence[ArticleDoc | FaqDoc]) -> list[_Prepared]:
    """Index text and digests of a chunk: pure CPU, run in a worker thread so the event loop
    stays free. (PyStemmer's stemmers hold the GIL for each word, so sharing them with the
    loop's own searches is safe.)"""
    prepared = []
    for doc in docs:
        if isinstance(doc, FaqDoc):
            prepared.append(
                _Prepared(
                    doc,
                    doc.digest(),
                    index_text(doc.question),
                    (LABEL_SEPARATOR.join(index_text(v) for v in doc.variants),),
                    (index_text(doc.answer),),
                )
            )
            continue
        title_terms = index_text(doc.title)
        if doc.tags:
            title_terms += LABEL_SEPARATOR + index_text(" ".join(doc.tags))
        prepared.append(
            _Prepared(
                doc,
                doc.digest(),
                title_terms,
                tuple(index_text(p.heading or "") for p in doc.passages),
                tuple(index_text(p.text) for p in doc.passages),
            )
        )
    return prepared


def _write_chunk(
    guild_id: int, chunk: Sequence[_Prepared], now: float, conn: sqlite3.Connection
) -> list[str]:
    """One transaction (Database.run_sync): "+" added, "~" updated, "=" unchanged, per doc."""
    return [
        _upsert_faq(conn, guild_id, item, now)
        if isinstance(item.doc, FaqDoc)
        else _upsert_article(conn, guild_id, item, now)
        for item in chunk
    ]


def _find_article(
    conn: sqlite3.Connection, guild_id: int, article: ArticleDoc
) -> sqlite3.Row | None:
    """The stored article this one updates: same GUID, else same URL, else same slug."""
    for column, value in (("guid", article.guid), ("url", article.url), ("slug", article.slug)):
        if value is None:
            continue
        # column comes from the fixed tuple above, never from input.
        row: sqlite3.Row | None = conn.execute(
            f"SELECT article_id, digest FROM kb_articles WHERE guild_id = ? AND {column} = ?",  # noqa: S608
            (guild_id, value),
        ).fetchone()
        if row is not None:
            return row
    return None


def _upsert_article(conn: sqlite3.Connection, guild_id: int, item: _Prepared, now: float) -> str:
    article = item.doc
    assert isinstance(article, ArticleDoc)
    existing = _find_article(conn, guild_id, article)
    values = (
        article.slug,
        article.title,
        fold(article.title),
        article.url,
        article.guid,
        article.author,
        article.date,
        json.dumps(list(article.tags), ensure_ascii=False),
        "\n\n".join(p.text for p in article.passages),
        article.origin,
        item.digest,
    )
    if existing is None:
        cur = conn.execute(
            "INSERT INTO kb_articles (slug, title, title_folded, url, guid, author, published, "
            "tags_json, body, origin, digest, guild_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, guild_id, now, now),
        )
        article_id = cur.lastrowid
        assert article_id is not None
        outcome = "+"
    elif existing["digest"] == item.digest:
        return "="
    else:
        article_id = int(existing["article_id"])
        # Another stored article may hold the new slug/url (renamed on both sides): the
        # UNIQUE constraints then fail and the chunk rolls back.
        conn.execute(
            "UPDATE kb_articles SET slug = ?, title = ?, title_folded = ?, url = ?, guid = ?, "
            "author = ?, published = ?, tags_json = ?, body = ?, origin = ?, digest = ?, "
            "updated_at = ? WHERE article_id = ?",
            (*values, now, article_id),
        )
        conn.execute("DELETE FROM kb_units WHERE article_id = ?", (article_id,))
        outcome = "~"
    source = article_source(article.slug)
    for position, passage in enumerate(article.passages):
        cur = conn.execute(
            "INSERT INTO kb_units "
            "(guild_id, kind, source, article_id, position, heading, text) "
            "VALUES (?, 'passage', ?, ?, ?, ?, ?)",
            (guild_id, source, article_id, position, passage.heading, passage.text),
        )
        conn.execute(
            "INSERT INTO kb_fts (rowid, title, heading, body, scope, kind, guild_id, source) "
            "VALUES (?, ?, ?, ?, ?, 'kindpassage', ?, ?)",
            (
                cur.lastrowid,
                item.title_terms,
                item.headings[position],
                item.bodies[position],
                _scope(guild_id),
                guild_id,
                source,
            ),
        )
    return outcome


def _upsert_faq(conn: sqlite3.Connection, guild_id: int, item: _Prepared, now: float) -> str:
    faq = item.doc
    assert isinstance(faq, FaqDoc)
    existing = conn.execute(
        "SELECT faq_id, digest FROM kb_faq WHERE guild_id = ? AND key = ?", (guild_id, faq.key)
    ).fetchone()
    values = (
        faq.question,
        json.dumps(list(faq.variants), ensure_ascii=False),
        faq.answer,
        json.dumps(list(faq.links), ensure_ascii=False),
        faq.origin,
        item.digest,
    )
    if existing is None:
        cur = conn.execute(
            "INSERT INTO kb_faq (question, variants_json, answer, links_json, origin, digest, "
            "guild_id, key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, guild_id, faq.key, now, now),
        )
        faq_id = cur.lastrowid
        outcome = "+"
    elif existing["digest"] == item.digest:
        return "="
    else:
        faq_id = existing["faq_id"]
        conn.execute(
            "UPDATE kb_faq SET question = ?, variants_json = ?, answer = ?, links_json = ?, "
            "origin = ?, digest = ?, updated_at = ? WHERE faq_id = ?",
            (*values, now, faq_id),
        )
        conn.execute("DELETE FROM kb_units WHERE faq_id = ?", (faq_id,))
        outcome = "~"
    source = faq_source(faq.key)
    cur = conn.execute(
        "INSERT INTO kb_units (guild_id, kind, source, faq_id, position, heading, text) "
        "VALUES (?, 'faq', ?, ?, 0, NULL, ?)",
        (guild_id, source, faq_id, faq.answer),
    )
    conn.execute(
        "INSERT INTO kb_fts (rowid, title, heading, body, scope, kind, guild_id, source) "
        "VALUES (?, ?, ?, ?, ?, 'kindfaq', ?, ?)",
        (
            cur.lastrowid,
            item.title_terms,
            item.headings[0],
            item.bodies[0],
            _scope(guild_id),
            guild_id,
            source,
        ),
    )
    return outcome


TEXT_COLUMNS = "{title heading body}"  # an FTS5 column filter: words match only these
HIDDEN_MAX = 400  # over-fetch up to this many rows instead of filtering inside the index


class KnowledgeStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._reader: sqlite3.Connection | None = None

    # --- writing ----------------------------------------------------------------------------

    async def write_batch(self, guild_id: int, batch: Batch, *, now: float) -> ImportReport:
        """Write an import, WRITE_CHUNK documents a transaction.

        A long import must not hold the database: between two chunks a moderator's click or a
        flagged message gets its turn (the lock is fair). Each chunk is prepared (index text,
        digests) in a worker thread, then written in one hop to the database thread. An
        import of at most WRITE_CHUNK documents lands whole or not at all; a larger one that
        fails midway keeps the chunks written and says so (PartialImportError): importing the
        same sources again finishes it, skipping what is unchanged. Sources are parsed and
        validated before the first write, so a malformed file writes nothing.
        """
        counts = {"a+": 0, "a~": 0, "a=": 0, "f+": 0, "f~": 0, "f=": 0}
        new: list[ArticleInfo] = []
        docs: list[ArticleDoc | FaqDoc] = [*batch.articles, *batch.faqs]
        written = 0
        for start in range(0, len(docs), WRITE_CHUNK):
            chunk = docs[start : start + WRITE_CHUNK]
            prepared = await asyncio.to_thread(_prepare, chunk)
            try:
                outcomes = await self.db.run_sync(
                    functools.partial(_write_chunk, guild_id, prepared, now)
                )
            except (sqlite3.Error, OSError) as exc:
                if written == 0:
                    raise
                raise PartialImportError(written, len(docs), exc) from exc
            written += len(chunk)
            for doc, outcome in zip(chunk, outcomes, strict=True):
                if isinstance(doc, FaqDoc):
                    counts["f" + outcome] += 1
                    continue
                counts["a" + outcome] += 1
                if outcome == "+":
                    new.append(
                        ArticleInfo(
                            guild_id, doc.slug, doc.title, doc.url, doc.author, doc.date, doc.tags
                        )
                    )
        return ImportReport(
            guild_id=guild_id,
            origins=batch.origins,
            articles_added=counts["a+"],
            articles_updated=counts["a~"],
            articles_unchanged=counts["a="],
            faqs_added=counts["f+"],
            faqs_updated=counts["f~"],
            faqs_unchanged=counts["f="],
            skipped=batch.skipped,
            new_articles=tuple(new),
        )

    async def delete_faq(self, guild_id: int, key: str, *, by: str | None = None) -> bool:
        """Remove an entry; migration 0009's trigger keeps what it said, `by` who removed it."""
        # kb_units rows go by ON DELETE CASCADE; their trigger removes them from kb_fts.
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM kb_faq WHERE guild_id = ? AND key = ?", (guild_id, key)
            )
            removed = cur.rowcount > 0
            if removed and by is not None:
                await conn.execute(
                    "UPDATE kb_faq_history SET changed_by = ? WHERE history_id = ("
                    "SELECT max(history_id) FROM kb_faq_history WHERE guild_id = ? AND key = ?)",
                    (by, guild_id, key),
                )
        return removed

    async def faq_versions(
        self, guild_id: int, key: str | None = None, *, limit: int = 20
    ) -> list[FaqVersion]:
        """A server's earlier FAQ versions, newest first: of one entry, or of all of them."""
        rows = await self.db.fetchall(
            "SELECT history_id, guild_id, key, question, variants_json, answer, links_json, "
            "origin, change, changed_by, at FROM kb_faq_history WHERE guild_id = ? "
            "AND (? IS NULL OR key = ?) ORDER BY history_id DESC LIMIT ?",
            (guild_id, key, key, limit),
        )
        return [_version(row) for row in rows]

    async def faq_version(self, guild_id: int, version_id: int) -> FaqVersion | None:
        row = await self.db.fetchone(
            "SELECT history_id, guild_id, key, question, variants_json, answer, links_json, "
            "origin, change, changed_by, at FROM kb_faq_history "
            "WHERE guild_id = ? AND history_id = ?",
            (guild_id, version_id),
        )
        return _version(row) if row else None

    async def delete_article(self, guild_id: int, slug: str) -> bool:
        count = await self.db.execute(
            "DELETE FROM kb_articles WHERE guild_id = ? AND slug = ?", (guild_id, slug)
        )
        return count > 0

    # --- search -----------------------------------------------------------------------------

    async def search(
        self,
        terms: str,
        guild_id: int,
        *,
        limit: int,
        kind: str | None = None,
        hidden: int = 0,
    ) -> list[Unit]:
        """Units matching an FTS5 expression, best bm25 first, in guild 0 and `guild_id`.

        The inner query reads only the index; stored text is loaded for the winners only.
        `hidden` is how many indexed units the guild (and kind) filter may drop: up to
        HIDDEN_MAX the query fetches that many more and filters them out, which is much cheaper
        than intersecting with the scope's posting list (it holds nearly every row).
        """
        match = f"{TEXT_COLUMNS} : ({terms})"
        if hidden > HIDDEN_MAX:
            match += f" AND scope : ({_scope(SHARED_GUILD)} OR {_scope(guild_id)})"
            if kind is not None:
                match += f" AND kind : {_kind_token(kind)}"
            hidden = 0
        # The winners' guild, kind and source come from kb_units by primary key: reading them
        # back from kb_fts costs an FTS5 cursor per row, several times as much.
        sql = (
            "SELECT u.unit_id AS rowid, u.guild_id, u.source, u.kind, top.rank "
            "FROM (SELECT rowid, bm25(kb_fts, ?, ?, ?, 0.0, 0.0) AS rank FROM kb_fts "
            "WHERE kb_fts MATCH ? ORDER BY rank LIMIT ?) AS top "
            "JOIN kb_units u ON u.unit_id = top.rowid WHERE u.guild_id IN (?, ?)"
        )
        params: list[object] = [*BM25_WEIGHTS, match, limit + hidden, *_guilds(guild_id)]
        if kind is not None:
            sql += " AND u.kind = ?"
            params.append(kind)
        sql += " ORDER BY top.rank, u.unit_id LIMIT ?"
        params.append(limit)
        return self._units(await self._fetch(sql, params))

    async def _fetch(self, sql: str, params: Sequence[object]) -> list[sqlite3.Row]:
        if str(self.db.path) == ":memory:":  # no second connection to an in-memory database
            return await self.db.fetchall(sql, params)
        return self._read(sql, params)

    def _read(self, sql: str, params: Sequence[object]) -> list[sqlite3.Row]:
        """A read on the store's own synchronous connection, in the event loop's thread.

        Searches take about a millisecond; the two thread hops of aiosqlite would cost as much
        again, and jitter more under load. WAL lets this reader run beside the writer.
        """
        if self._reader is None:
            uri = f"{self.db.path.resolve().as_uri()}?mode=ro"
            self._reader = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._reader.row_factory = sqlite3.Row
        return self._reader.execute(sql, params).fetchall()

    def close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()

    async def unit_counts(self) -> dict[tuple[int, str], int]:
        """Indexed units per (guild, kind): what a guild or kind filter can leave out."""
        rows = await self.db.fetchall(
            "SELECT guild_id, kind, count(*) AS n FROM kb_units GROUP BY guild_id, kind"
        )
        return {(int(r["guild_id"]), str(r["kind"])): int(r["n"]) for r in rows}

    async def source_units(self, guild_id: int, source: str) -> list[Unit]:
        """Every unit of one source (an article's passages), for ranking inside it."""
        rows = await self._fetch(  # on the answer path: the reader, no thread hop
            "SELECT u.unit_id AS rowid, u.guild_id, u.source, u.kind, 0.0 AS rank "
            "FROM kb_units u WHERE u.source = ? AND u.guild_id IN (?, ?) ORDER BY u.unit_id",
            (source, *_guilds(guild_id)),
        )
        return self._units(rows)

    @staticmethod
    def _units(rows: list[sqlite3.Row]) -> list[Unit]:
        return [
            Unit(
                unit_id=row["rowid"],
                guild_id=row["guild_id"],
                source=row["source"],
                kind=FAQ if row["kind"] in (FAQ, _kind_token(FAQ)) else PASSAGE,
                bm25=row["rank"],
            )
            for row in rows
        ]

    async def unit_stems(self, unit_ids: Sequence[int] | None = None) -> list[UnitStems]:
        """The indexed text of these units (of every unit when None), for the ranker."""
        sql = "SELECT rowid, title, heading, body FROM kb_fts"
        if unit_ids is None:
            rows = await self.db.fetchall(sql)
        elif not unit_ids:
            return []
        else:
            marks = ", ".join("?" for _ in unit_ids)  # only "?" placeholders go into the SQL
            rows = await self._fetch(sql + " WHERE rowid IN (" + marks + ")", list(unit_ids))
        separator = LABEL_SEPARATOR.strip()
        return [
            UnitStems(
                unit_id=row["rowid"],
                labels=tuple(
                    line
                    for column in ("title", "heading")
                    for line in row[column].split(separator)
                    if line.strip()
                ),
                body=row["body"],
            )
            for row in rows
        ]

    async def indexed_units(self) -> list[IndexedUnit]:
        """Every row of the FTS5 index with its unit and its length in tokens (FTS5's docsize
        record: one varint per column), for the search held in memory (postings.py)."""
        units = {
            int(row["unit_id"]): row
            for row in await self.db.fetchall(
                "SELECT unit_id, guild_id, source, kind FROM kb_units"
            )
        }
        sizes = {
            int(row["id"]): sum(varints(row["sz"]))
            for row in await self.db.fetchall("SELECT id, sz FROM kb_fts_docsize")
        }
        out = []
        for row in await self.db.fetchall("SELECT rowid, title, heading, body FROM kb_fts"):
            unit = units.get(int(row["rowid"]))  # a row without its unit still counts in bm25
            out.append(
                IndexedUnit(
                    unit_id=int(row["rowid"]),
                    guild_id=None if unit is None else int(unit["guild_id"]),
                    source="" if unit is None else str(unit["source"]),
                    kind=FAQ if unit is not None and unit["kind"] == FAQ else PASSAGE,
                    columns=(row["title"] or "", row["heading"] or "", row["body"] or ""),
                    size=sizes.get(int(row["rowid"]), 0),
                )
            )
        return out

    async def vocabulary(self) -> tuple[dict[str, int], int]:
        """Document frequency of every indexed stem, and the number of units."""
        rows = await self.db.fetchall("SELECT term, doc FROM kb_vocab")
        total = await self.db.fetchone("SELECT count(*) AS n FROM kb_units")
        return {row["term"]: int(row["doc"]) for row in rows}, int(total["n"]) if total else 0

    async def unit_texts(self, unit_ids: Sequence[int] | None) -> dict[int, UnitText]:
        """The units' texts (of every unit when None)."""
        sql = (
            "SELECT u.unit_id, u.source, u.kind, u.heading, u.text, u.position, "
            "a.slug, a.title AS a_title, a.url, a.author, a.published, f.question, f.links_json "
            "FROM kb_units u LEFT JOIN kb_articles a ON a.article_id = u.article_id "
            "LEFT JOIN kb_faq f ON f.faq_id = u.faq_id"
        )
        if unit_ids is None:
            rows = await self.db.fetchall(sql)
        elif not unit_ids:
            return {}
        else:
            marks = ", ".join("?" for _ in unit_ids)  # only "?" placeholders go into the SQL
            rows = await self._fetch(sql + " WHERE u.unit_id IN (" + marks + ")", list(unit_ids))
        return {row["unit_id"]: self._unit_text(row) for row in rows}

    @staticmethod
    def _unit_text(row: sqlite3.Row) -> UnitText:
        if row["kind"] == FAQ:
            links = json.loads(row["links_json"] or "[]")
            return UnitText(
                unit_id=row["unit_id"],
                source=row["source"],
                kind=FAQ,
                title=row["question"],
                heading=None,
                text=row["text"],
                url=links[0] if links else None,
                author=None,
                date=None,
                slug=None,
                position=0,
            )
        return UnitText(
            unit_id=row["unit_id"],
            source=row["source"],
            kind=PASSAGE,
            title=row["a_title"],
            heading=row["heading"],
            text=row["text"],
            url=row["url"],
            author=row["author"],
            date=row["published"],
            slug=row["slug"],
            position=row["position"],
        )

    async def article_passages(self, guild_id: int, slug: str) -> list[UnitText]:
        """The passages of an article in reading order (the guild's own copy wins over guild 0)."""
        rows = await self.db.fetchall(
            "SELECT u.unit_id, u.source, u.kind, u.heading, u.text, u.position, a.slug, "
            "a.title AS a_title, a.url, a.author, a.published, NULL AS question, "
            "NULL AS links_json FROM kb_units u JOIN kb_articles a ON a.article_id = u.article_id "
            "WHERE a.article_id = (SELECT article_id FROM kb_articles WHERE slug = ? AND "
            "guild_id IN (?, ?) ORDER BY guild_id DESC LIMIT 1) ORDER BY u.position",
            (slug, *_guilds(guild_id)),
        )
        return [self._unit_text(row) for row in rows]

    # --- articles ---------------------------------------------------------------------------

    async def article(self, guild_id: int, slug: str) -> ArticleInfo | None:
        row = await self.db.fetchone(
            f"SELECT {_ARTICLE_COLUMNS} FROM kb_articles "  # noqa: S608 (fixed column list)
            "WHERE slug = ? AND guild_id IN (?, ?) ORDER BY guild_id DESC LIMIT 1",
            (slug, *_guilds(guild_id)),
        )
        return _info(row) if row else None

    async def articles(self, guild_id: int, *, own_only: bool = False) -> list[ArticleInfo]:
        guilds = (guild_id, guild_id) if own_only else _guilds(guild_id)
        rows = await self.db.fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM kb_articles "  # noqa: S608 (fixed column list)
            "WHERE guild_id IN (?, ?) ORDER BY title_folded",
            guilds,
        )
        return [_info(row) for row in rows]

    async def titles(self, guild_id: int, folded_query: str, *, limit: int) -> list[ArticleInfo]:
        """Articles whose title (or slug) contains the folded query; title starts first."""
        like = (
            "%" + folded_query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        start = like[1:]
        rows = await self.db.fetchall(
            f"SELECT {_ARTICLE_COLUMNS} FROM kb_articles "  # noqa: S608 (fixed column list)
            "WHERE guild_id IN (?, ?) AND (title_folded LIKE ? ESCAPE '\\' "
            "OR slug LIKE ? ESCAPE '\\') "
            "ORDER BY (title_folded LIKE ? ESCAPE '\\') DESC, title_folded LIMIT ?",
            (*_guilds(guild_id), like, like, start, limit),
        )
        return [_info(row) for row in rows]

    async def article_count(self, guild_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT count(*) AS n FROM kb_articles WHERE guild_id IN (?, ?)", _guilds(guild_id)
        )
        return int(row["n"]) if row else 0

    # --- FAQ --------------------------------------------------------------------------------

    async def faq(self, guild_id: int, key: str) -> FaqEntry | None:
        row = await self.db.fetchone(
            "SELECT guild_id, key, question, variants_json, answer, links_json, origin "
            "FROM kb_faq WHERE guild_id = ? AND key = ?",
            (guild_id, key),
        )
        return _faq(row) if row else None

    async def faqs(self, guild_id: int, *, include_shared: bool = False) -> list[FaqEntry]:
        guilds = _guilds(guild_id) if include_shared else (guild_id, guild_id)
        rows = await self.db.fetchall(
            "SELECT guild_id, key, question, variants_json, answer, links_json, origin "
            "FROM kb_faq WHERE guild_id IN (?, ?) ORDER BY guild_id, faq_id",
            guilds,
        )
        return [_faq(row) for row in rows]

    async def faq_phrasings(self) -> list[tuple[str, str, int]]:
        """(question or variant, source, guild) of every FAQ entry in every guild."""
        rows = await self.db.fetchall("SELECT guild_id, key, question, variants_json FROM kb_faq")
        return [
            (text, faq_source(row["key"]), int(row["guild_id"]))
            for row in rows
            for text in (row["question"], *json.loads(row["variants_json"]))
        ]

    async def article_phrasings(self) -> list[tuple[str, str, int]]:
        """(title or section heading, source, guild) of every article in every guild."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT a.guild_id, a.slug, a.title, u.heading FROM kb_articles a "
            "JOIN kb_units u ON u.article_id = a.article_id"
        )
        seen: set[tuple[str, str, int]] = set()
        for row in rows:
            for text in (row["title"], row["heading"]):
                if text:
                    seen.add((text, article_source(row["slug"]), int(row["guild_id"])))
        return sorted(seen)

    async def faq_keys(self, guild_id: int) -> set[str]:
        rows = await self.db.fetchall(
            "SELECT key FROM kb_faq WHERE guild_id IN (?, ?)", _guilds(guild_id)
        )
        return {row["key"] for row in rows}

    # --- feedback ---------------------------------------------------------------------------

    async def record_feedback(
        self, guild_id: int, source: str, user_id: int, helpful: bool, *, now: float
    ) -> None:
        await self.db.execute(
            "INSERT INTO kb_feedback (guild_id, source, user_id, helpful, at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(guild_id, source, user_id) DO UPDATE SET "
            "helpful = excluded.helpful, at = excluded.at",
            (guild_id, source, user_id, int(helpful), now),
        )

    async def feedback(self, guild_id: int, source: str) -> tuple[int, int]:
        """(helpful, not helpful) votes on a source in a guild."""
        row = await self.db.fetchone(
            "SELECT coalesce(sum(helpful), 0) AS up, coalesce(sum(1 - helpful), 0) AS down "
            "FROM kb_feedback WHERE guild_id = ? AND source = ?",
            (guild_id, source),
        )
        return (int(row["up"]), int(row["down"])) if row else (0, 0)

    # --- feeds ------------------------------------------------------------------------------

    async def set_feed(self, guild_id: int, url: str, channel_id: int | None) -> None:
        await self.db.execute(
            "INSERT INTO kb_feeds (guild_id, url, channel_id) VALUES (?, ?, ?) "
            "ON CONFLICT(guild_id, url) DO UPDATE SET channel_id = excluded.channel_id",
            (guild_id, url, channel_id),
        )

    async def remove_feed(self, guild_id: int, url: str) -> bool:
        count = await self.db.execute(
            "DELETE FROM kb_feeds WHERE guild_id = ? AND url = ?", (guild_id, url)
        )
        return count > 0

    async def feeds(
        self, guild_id: int | None = None
    ) -> list[tuple[int, str, int | None, float | None]]:
        """(guild_id, url, channel_id, last_polled) of every feed, or of one guild's."""
        if guild_id is None:
            rows = await self.db.fetchall(
                "SELECT guild_id, url, channel_id, last_polled FROM kb_feeds ORDER BY guild_id, url"
            )
        else:
            rows = await self.db.fetchall(
                "SELECT guild_id, url, channel_id, last_polled FROM kb_feeds WHERE guild_id = ? "
                "ORDER BY url",
                (guild_id,),
            )
        return [
            (row["guild_id"], row["url"], row["channel_id"], row["last_polled"]) for row in rows
        ]

    async def mark_polled(self, guild_id: int, url: str, *, now: float) -> None:
        await self.db.execute(
            "UPDATE kb_feeds SET last_polled = ? WHERE guild_id = ? AND url = ?",
            (now, guild_id, url),
        )
