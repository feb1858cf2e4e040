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
import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from bot.knowledge.text import Query, analyse_query, words

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


def surface(text: str) -> frozenset[str]:
    """A question's adjacent word pairs as written, function words included: "posso chiedere a
    qualcuno di …" says what is asked even when its content words differ."""
    said = words(text)
    return frozenset(f"{a} {b}" for a, b in itertools.pairwise(said))


class Examples:
    """Labelled questions (and any other phrasing of a source, such as a FAQ's variants)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        items = [
            (query_stems(analyse_query(text)), surface(text), source) for text, source in pairs
        ]
        items = [item for item in items if item[0] or item[1]]
        df: dict[str, int] = {}
        for stems, _, _ in items:
            for s in stems:
                df[s] = df.get(s, 0) + 1
        total = len(items)
        self._idf2 = {s: math.log(1.0 + total / (1.0 + n)) ** 2 for s, n in df.items()}
        self._sources = [source for _, _, source in items]
        self._norms = [math.sqrt(sum(self._idf2[s] for s in stems)) for stems, _, _ in items]
        self._sizes = [len(pairs) for _, pairs, _ in items]
        self._postings: dict[str, list[int]] = {}
        self._pair_postings: dict[str, list[int]] = {}
        for i, (stems, pairs_, _) in enumerate(items):
            for s in stems:
                self._postings.setdefault(s, []).append(i)
            for p in pairs_:
                self._pair_postings.setdefault(p, []).append(i)

    def __len__(self) -> int:
        return len(self._sources)

    def near(self, query: Query) -> Near:
        asked = query_stems(query)
        stems = [s for s in asked if s in self._idf2]
        scores: dict[int, float] = {}
        if stems:
            # a stem no example has still lengthens the question: it weighs as the rarest
            rarest = max(self._idf2.values())
            norm_q = math.sqrt(
                sum(self._idf2[s] for s in stems) + rarest * (len(asked) - len(stems))
            )
            dots: dict[int, float] = {}
            for s in stems:
                weight = self._idf2[s]
                for i in self._postings[s]:
                    dots[i] = dots.get(i, 0.0) + weight
            # both questions must ask the same things: the dot over the longer one's norm
            scores = {i: dot / max(norm_q, self._norms[i]) ** 2 for i, dot in dots.items()}
        pairs = surface(query.text)
        if pairs:
            shared: dict[int, int] = {}
            for p in pairs:
                for i in self._pair_postings.get(p, ()):
                    shared[i] = shared.get(i, 0) + 1
            for i, n in shared.items():
                dice = 2 * n / (len(pairs) + self._sizes[i])
                if dice > scores.get(i, 0.0):
                    scores[i] = dice
        if not scores:
            return NOTHING
        sources: dict[str, float] = {}
        unanswered = 0.0
        for i, similarity in scores.items():
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
def shipped() -> tuple[tuple[str, str], ...]:
    """The labelled questions shipped with Rete (bot/knowledge/data/examples.jsonl)."""
    text = resources.files("bot.knowledge").joinpath("data/examples.jsonl").read_text("utf-8")
    return tuple(parse(text.splitlines()))
