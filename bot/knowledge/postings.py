"""The FTS5 index held in memory while it is small: the same candidates, bm25 scores and order
as `KnowledgeStore.search`, without a query to SQLite.

On an index of a thousand articles the FTS5 query was a third of a lookup: SQLite scores each
matching row through a callback and sorts them. Here every (stem, unit) pair's share of bm25 is
computed once per index version, so a search adds up a few hundred floats. The arithmetic is
FTS5's own (fts5_aux.c, fts5Bm25Function: k1 = 1.2, b = 0.75, the idf clamped at 1e-6, the
column weights, a row's length over every column), done in the same order, so the scores are
the same floats; ties fall as in SQL (the unit id decides). A match expression of any other form
than the ranker's `"stem" OR "stem"` is left to FTS5 (`search` returns None).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.knowledge.models import SHARED_GUILD, Unit

K1 = 1.2  # FTS5's bm25 constants
B = 0.75
IDF_FLOOR = 1e-6  # FTS5's floor for a stem in more than half of the rows
_TOKEN = re.compile(r"[^\W_]+")  # unicode61's tokens (the columns hold stems and "|")
_EXPRESSION = re.compile(r'"([a-z0-9]+)"(?: OR "([a-z0-9]+)")*')
_PHRASE = re.compile(r'"([a-z0-9]+)"')


@dataclass(frozen=True)
class IndexedUnit:
    """One row of the FTS5 index as the store reads it: the unit, its indexed columns and its
    length in tokens over every column (FTS5's docsize)."""

    unit_id: int
    guild_id: int | None  # None: a row whose unit is gone (never found, but counted in bm25)
    source: str
    kind: str
    columns: tuple[str, ...]  # title, heading, body: the columns a search matches
    size: int


def varints(blob: bytes) -> Iterator[int]:
    """SQLite's variable-length integers (FTS5's docsize and averages records)."""
    i = 0
    while i < len(blob):
        value = 0
        for n in range(9):
            byte = blob[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        yield value


class Postings:
    """Each stem's units with their share of bm25, and each source's units."""

    def __init__(self, units: Iterable[IndexedUnit], weights: Sequence[float]) -> None:
        """`weights`: the bm25 weight of each matched column (title, heading, body)."""
        units = list(units)
        rows = len(units)
        total_tokens = sum(u.size for u in units)
        avgdl = total_tokens / rows if rows else 1.0
        # stem → [(unit id, the stem's weighted frequency in the unit)], then [(-its share of
        # bm25, unit id)]
        found: dict[str, list[tuple[int, float]]] = {}
        self._units: dict[int, tuple[int | None, str, str]] = {}  # unit id → guild, source, kind
        self._by_source: dict[str, list[int]] = {}
        lengths: dict[int, float] = {}
        for unit in units:
            self._units[unit.unit_id] = (unit.guild_id, unit.source, unit.kind)
            if unit.guild_id is not None:
                self._by_source.setdefault(unit.source, []).append(unit.unit_id)
            # FTS5: k1 * (1 - b + b * D / avgdl), the row's length term
            lengths[unit.unit_id] = K1 * (1 - B + B * unit.size / avgdl)
            frequency: dict[str, float] = {}
            for column, weight in zip(unit.columns, weights, strict=True):
                # FTS5 adds the column's weight once per occurrence: small multiples of 0.5
                # and 1, exact either way
                for token, count in Counter(_TOKEN.findall(column.lower())).items():
                    frequency[token] = frequency.get(token, 0.0) + weight * count
            for stem, f in frequency.items():
                found.setdefault(stem, []).append((unit.unit_id, f))
        for ids in self._by_source.values():
            ids.sort()
        self._postings: dict[str, list[tuple[float, int]]] = {}
        for stem, hits in found.items():
            idf = math.log((rows - len(hits) + 0.5) / (len(hits) + 0.5))
            if idf <= 0.0:
                idf = IDF_FLOOR
            # (-share, unit id): the unit's bm25 were this its only stem, best first, so that a
            # search for one stem (a rare word of a large index, a short question) reads only
            # the head of the list
            shares = [
                (-(idf * ((f * (K1 + 1.0)) / (f + lengths[unit_id]))), unit_id)
                for unit_id, f in hits
            ]
            shares.sort()
            self._postings[stem] = shares

    def __len__(self) -> int:
        return len(self._units)

    def search(
        self, expression: str, guild_id: int, *, limit: int, kind: str | None = None
    ) -> list[Unit] | None:
        """What `KnowledgeStore.search` returns for this expression, or None when it is not a
        plain disjunction of stems."""
        if not _EXPRESSION.fullmatch(expression):
            return None
        phrases = _PHRASE.findall(expression)
        if len(phrases) == 1:  # its units in order already: bm25 = -1 * (0.0 + share)
            return self._visible(self._postings.get(phrases[0], ()), guild_id, limit, kind)
        score: dict[int, float] = {}
        for stem in phrases:  # the phrases in their order, as FTS5 sums them
            for negative, unit_id in self._postings.get(stem, ()):
                score[unit_id] = score.get(unit_id, 0.0) - negative  # x - (-s) is x + s
        # FTS5's bm25 is -1 * score; ordered as the SQL orders them
        ranked = sorted((-total, unit_id) for unit_id, total in score.items())
        return self._visible(ranked, guild_id, limit, kind)

    def _visible(
        self, ranked: Iterable[tuple[float, int]], guild_id: int, limit: int, kind: str | None
    ) -> list[Unit]:
        """The first `limit` of (bm25, unit id) that guild 0 and `guild_id` see (of `kind`)."""
        visible = (SHARED_GUILD, guild_id)
        out: list[Unit] = []
        if limit <= 0:
            return out
        units = self._units
        for bm25, unit_id in ranked:
            guild, source, unit_kind = units[unit_id]
            if guild is not None and guild in visible and (kind is None or unit_kind == kind):
                out.append(Unit(unit_id, guild, source, unit_kind, bm25))
                if len(out) == limit:
                    break
        return out

    def source_units(self, guild_id: int, source: str) -> list[Unit]:
        """Every unit of one source in guild 0 and `guild_id` (`KnowledgeStore.source_units`)."""
        visible = (SHARED_GUILD, guild_id)
        out = []
        for unit_id in self._by_source.get(source, ()):
            guild, _, kind = self._units[unit_id]
            if guild is not None and guild in visible:
                out.append(Unit(unit_id, guild, source, kind, 0.0))
        return out
