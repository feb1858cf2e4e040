"""Questions members already asked, with the source that answers them (or none), as evidence for
new questions: the nearer a new question is to an answered one, the likelier its source fits.

The labelled questions come from writers other than the corpus' authors, in their own words,
typos, dialect and English: they bridge vocabulary the corpus does not use ("refund" → the
refunds FAQ). A question's nearness is the cosine of the two questions' stems, each weighed by
its rarity among the examples; a near example that the corpus does not answer is evidence for
abstaining.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from bot.knowledge.text import Query, analyse_query

UNANSWERED = ""  # the source of an example the corpus does not answer


@dataclass(frozen=True)
class Near:
    """What the examples say about a question."""

    sources: dict[str, float]  # source → similarity of its nearest example (0..1)
    unanswered: float  # similarity of the nearest example the corpus does not answer

    def best(self) -> tuple[str | None, float]:
        if not self.sources:
            return None, 0.0
        source = max(self.sources, key=lambda s: (self.sources[s], s))
        return source, self.sources[source]


NOTHING = Near({}, 0.0)


def query_stems(query: Query) -> frozenset[str]:
    """A question's stems as the examples are compared on: every concept's, numbers aside."""
    out: set[str] = set()
    for concept in query.concepts:
        if not concept.word.isdigit():
            out |= concept.stems
    return frozenset(out)


class Examples:
    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        items = [(query_stems(analyse_query(text)), source) for text, source in pairs]
        items = [(stems, source) for stems, source in items if stems]
        df: dict[str, int] = {}
        for stems, _ in items:
            for s in stems:
                df[s] = df.get(s, 0) + 1
        total = len(items)
        self._idf2 = {s: math.log(1.0 + total / (1.0 + n)) ** 2 for s, n in df.items()}
        self._sources = [source for _, source in items]
        self._norms = [math.sqrt(sum(self._idf2[s] for s in stems)) for stems, _ in items]
        self._postings: dict[str, list[int]] = {}
        for i, (stems, _) in enumerate(items):
            for s in stems:
                self._postings.setdefault(s, []).append(i)

    def __len__(self) -> int:
        return len(self._sources)

    def near(self, query: Query) -> Near:
        stems = [s for s in query_stems(query) if s in self._idf2]
        if not stems:
            return NOTHING
        # a stem no example has still lengthens the question: it counts with the rarest weight
        rarest = max(self._idf2.values())
        norm_q = math.sqrt(
            sum(self._idf2[s] for s in stems) + rarest * (len(query_stems(query)) - len(stems))
        )
        dots: dict[int, float] = {}
        for s in stems:
            weight = self._idf2[s]
            for i in self._postings[s]:
                dots[i] = dots.get(i, 0.0) + weight
        sources: dict[str, float] = {}
        unanswered = 0.0
        for i, dot in dots.items():
            similarity = dot / (norm_q * self._norms[i])
            source = self._sources[i]
            if source == UNANSWERED:
                unanswered = max(unanswered, similarity)
            elif similarity > sources.get(source, 0.0):
                sources[source] = similarity
        return Near(sources, unanswered)


def parse(lines: Iterable[str]) -> list[tuple[str, str]]:
    """(text, source) from JSON lines with "text" and "expect" (a list of sources, [] when the
    corpus does not answer); each acceptable source counts."""
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        expect = item.get("expect") or []
        for source in expect or [UNANSWERED]:
            pairs.append((str(item["text"]), str(source)))
    return pairs


@functools.cache
def shipped() -> Examples:
    """The labelled questions shipped with Rete (bot/knowledge/data/examples.jsonl)."""
    text = resources.files("bot.knowledge").joinpath("data/examples.jsonl").read_text("utf-8")
    return Examples(parse(text.splitlines()))
