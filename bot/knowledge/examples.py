"""Questions members already asked, with the source that answers them (or none), as evidence for
new questions: the nearer a new question is to an answered one, the likelier its source fits.

The labelled questions come from writers other than the corpus' authors, in their own words,
typos, dialect and English: they bridge vocabulary the corpus does not use ("refund" → the
refunds FAQ). A near example that the corpus does not answer is evidence for abstaining.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

import numpy

from bot.knowledge.classify import Classifier
from bot.knowledge.lexicon import CONTEXT_FACTOR, WEAK_WORD_FACTOR
from bot.knowledge.models import SHARED_GUILD
from bot.knowledge.text import Query, analyse_query, stem, words

UNANSWERED = ""  # the source of an example the corpus does not answer


@dataclass(frozen=True)
class Near:
    """What the examples say about a question."""

    sources: dict[str, float]  # source → similarity of its nearest example (0..1)
    unanswered: float  # similarity of the nearest example the corpus does not answer
    # source → cosine between the question and the centroid of the source's examples
    typical: dict[str, float] = field(default_factory=dict)
    # source → the classifier's probability that it answers the question (classify.py)
    classes: dict[str, float] = field(default_factory=dict)
    unanswerable: float = 0.0  # the classifier's probability that no source answers it

    def best(self) -> tuple[str | None, float]:
        if not self.sources:
            return None, 0.0
        source = max(self.sources, key=lambda s: (self.sources[s], s))
        return source, self.sources[source]


NOTHING = Near({}, 0.0)


COMMUNITY = "@community"  # a token no word stems to: the question addresses the community

# (the word's own stem, stems that match it, what its kind makes of its weight)
Concepts = tuple[tuple[str, frozenset[str], float], ...]


def concepts_of(query: Query) -> Concepts:
    """A question's concepts as the examples are compared on: numbers aside, each word with the
    stems that match it (synonyms, lemma, English) and its weight's factor (a weak word, or one
    said around the question rather than in it, weighs less), and whom it asks: "posso scrivere
    per il vostro blog?" is not "come si scrive per un blog?"."""
    out = [
        (
            stem(c.word),
            c.stems | {stem(c.word)},
            (WEAK_WORD_FACTOR if c.weak else 1.0) * (CONTEXT_FACTOR if c.context else 1.0),
        )
        for c in query.concepts
        if not c.word.isdigit()
    ]
    if query.community:
        out.append((COMMUNITY, frozenset({COMMUNITY}), 1.0))
    return tuple(out)


def surface(text: str) -> frozenset[str]:
    """A question's adjacent word pairs as written, function words included: "posso chiedere a
    qualcuno di …" says what is asked even when its content words differ."""
    said = words(text)
    return frozenset(f"{a} {b}" for a, b in itertools.pairwise(said))


class Examples:
    """Labelled questions (and any other phrasing of a source, such as a FAQ's variants).

    Two questions are near when each covers most of the other's weight: a concept of one is
    covered when any stem that matches it is among the other's, and weighs by the rarity of its
    word among the examples. The nearness is the smaller of the two shares, so neither a short
    question nor a long one is near everything. Word pairs as written count too (Dice).
    """

    def __init__(
        self,
        pairs: Iterable[tuple[str, str]],
        owners: Iterable[int] | None = None,
        pooled: Iterable[bool] | None = None,
        classifier: Classifier | None = None,
    ) -> None:
        """`owners`: the guild of each pair (default: all shared). A guild's own phrasings are
        near only to questions asked in that guild (`near(query, guild_id)`). `pooled`: whether
        each pair joins its source's pooled vocabulary (`Near.typical`; default: all). The
        corpus' own phrasings need not: the search already matches them as label lines.
        `classifier`: fitted on the shared pairs (classify.py), asked by `near` too."""
        self._classifier = classifier
        pairs = list(pairs)
        guilds = list(owners) if owners is not None else [SHARED_GUILD] * len(pairs)
        pools = list(pooled) if pooled is not None else [True] * len(pairs)
        if len(guilds) != len(pairs) or len(pools) != len(pairs):
            raise ValueError("one owner and one pooled flag per pair")
        labelled = [
            (concepts_of(analyse_query(text)), surface(text), source, guild, pool)
            for (text, source), guild, pool in zip(pairs, guilds, pools, strict=True)
        ]
        labelled = [item for item in labelled if item[0] or item[1]]
        items = [(concepts, pairs_, source) for concepts, pairs_, source, _, _ in labelled]
        df: dict[str, int] = {}
        for concepts, _, _ in items:
            for own in {own for own, _, _ in concepts}:
                df[own] = df.get(own, 0) + 1
        total = len(items)
        self._idf = {own: math.log(1.0 + total / (1.0 + n)) for own, n in df.items()}
        self._rarest = math.log(1.0 + total)
        self._sources = [source for _, _, source in items]
        self._weights = [
            tuple(self.weight(own) * factor for own, _, factor in concepts)
            for concepts, _, _ in items
        ]
        totals = [sum(w) or 1.0 for w in self._weights]
        # stem → (example, example concept as one int, the concept's share of the example's
        # weight) for every example concept that stem matches
        postings: dict[str, list[tuple[int, int, float]]] = {}
        pair_postings: dict[str, list[int]] = {}
        width = 1 + max((len(concepts) for concepts, _, _ in items), default=0)
        for i, (concepts, pairs_, _) in enumerate(items):
            for j, (_, stems, _) in enumerate(concepts):
                entry = (i, i * width + j, self._weights[i][j] / totals[i])
                for s in stems:
                    postings.setdefault(s, []).append(entry)
            for p in pairs_:
                pair_postings.setdefault(p, []).append(i)
        # the same postings as arrays, which `_near` gathers in a few numpy calls: a question
        # meets hundreds of postings (~770 a question with 1,600 examples), too many for a loop
        # within the answer path's 2 ms
        self._arrays = {
            s: (
                numpy.fromiter((e[0] for e in entries), numpy.int64, len(entries)),
                numpy.fromiter((e[1] for e in entries), numpy.int64, len(entries)),
                numpy.fromiter((e[2] for e in entries), numpy.float64, len(entries)),
            )
            for s, entries in postings.items()
        }
        self._pair_arrays = {
            p: numpy.asarray(ids, dtype=numpy.int64) for p, ids in pair_postings.items()
        }
        self._size_array = numpy.asarray(
            [len(pairs_) for _, pairs_, _ in items], dtype=numpy.float64
        )
        names = sorted(set(self._sources))
        self._source_names = names
        index = {name: k for k, name in enumerate(names)}
        self._source_array = numpy.asarray(
            [index[source] for source in self._sources], dtype=numpy.int64
        )
        self._unanswered_index = index.get(UNANSWERED, -1)
        self._owner_array = numpy.asarray(
            [guild for _, _, _, guild, _ in labelled], dtype=numpy.int64
        )
        # the words of each source's shared examples, pooled: stem → (source, share of the
        # source's examples that say it). A guild's own phrasings stay out of the pool.
        said: dict[str, list[frozenset[str]]] = {}
        for concepts, _, source, guild, pool in labelled:
            if pool and source != UNANSWERED and guild == SHARED_GUILD:
                said.setdefault(source, []).append(frozenset().union(*(c[1] for c in concepts)))
        # each source's centroid: a stem weighs its share of the source's examples times its
        # rarity; stem → (source, that weight over the centroid's norm)
        self._typical: dict[str, list[tuple[str, float]]] = {}
        # every stem each source's examples say: what members ask about when they ask it
        self._said = {source: frozenset().union(*sets) for source, sets in said.items()}
        for source, sets in said.items():
            shares: dict[str, float] = {}
            for stems_ in sets:
                for s in stems_:
                    shares[s] = shares.get(s, 0.0) + 1.0 / len(sets)
            vector = {s: share * self.weight(s) for s, share in shares.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            for s, v in vector.items():
                self._typical.setdefault(s, []).append((source, v / norm))

    def said(self, source: str) -> frozenset[str]:
        """The stems said by the labelled questions this source answers (pooled ones)."""
        return self._said.get(source, frozenset())

    def weight(self, own: str) -> float:
        return self._idf.get(own, self._rarest)

    def __len__(self) -> int:
        return len(self._sources)

    def near(self, query: Query, guild_id: int = SHARED_GUILD) -> Near:
        near = self._near(query, guild_id)
        if self._classifier is None:
            return near
        classes = self._classifier.predict(query.text)
        unanswerable = classes.pop(UNANSWERED, 0.0)
        return Near(near.sources, near.unanswered, near.typical, classes, unanswerable)

    def _near(self, query: Query, guild_id: int) -> Near:
        """What the examples say. A guild's own phrasing at least as near as the nearest shared
        example nothing answers overrides it: a moderator who made this wording a FAQ entry's
        ("/faq attach", "/faq write") has answered it for the server, whatever the shared
        examples say."""
        asked = concepts_of(query)
        total_q = sum(self.weight(own) * factor for own, _, factor in asked)
        size = len(self._sources)
        found: list[tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]] = []
        concept_of: list[int] = []  # the question's concept each of `found` matches for
        weights: list[float] = []  # each concept's share of the question's weight
        for own, stems, factor in asked:
            arrays = [self._arrays[s] for s in stems if s in self._arrays]
            if arrays:
                found += arrays
                concept_of += [len(weights)] * len(arrays)
                weights.append(self.weight(own) * factor / (total_q or 1.0))
        scores = numpy.zeros(size)
        hit = numpy.zeros(size, dtype=bool)
        if found:
            ids = numpy.concatenate([f[0] for f in found])
            # each (concept, example) once: the example covers that much of the question
            pairs_hit = numpy.unique(
                numpy.repeat(numpy.asarray(concept_of), [len(f[0]) for f in found]) * size + ids
            )
            examples, concepts = pairs_hit % size, pairs_hit // size
            covered_q = numpy.bincount(
                examples, weights=numpy.asarray(weights)[concepts], minlength=size
            )
            hit = numpy.bincount(examples, minlength=size) > 0
            # each example concept once, however many of the question's stems match it: that
            # much of the example the question covers
            _, first = numpy.unique(numpy.concatenate([f[1] for f in found]), return_index=True)
            covered_e = numpy.bincount(
                ids[first], weights=numpy.concatenate([f[2] for f in found])[first], minlength=size
            )
            scores = numpy.where(hit, numpy.minimum(covered_q, covered_e), 0.0)
        typical = self._typical_of(asked)
        pairs = surface(query.text)
        said = [self._pair_arrays[p] for p in pairs if p in self._pair_arrays]
        if said:
            shared = numpy.bincount(numpy.concatenate(said), minlength=size)
            met = shared > 0
            dice = 2 * shared / (len(pairs) + self._size_array)
            scores = numpy.where(met & (dice > scores), dice, scores)
            hit |= met
        if not hit.any():
            return Near({}, 0.0, typical) if typical else NOTHING
        mine = hit & (
            (self._owner_array == SHARED_GUILD) | (self._owner_array == guild_id)
        )  # another guild's own phrasings never count
        nothing = self._source_array == self._unanswered_index
        unanswered = float(scores[mine & nothing].max(initial=0.0))
        answered = mine & ~nothing
        best = numpy.zeros(len(self._source_names))
        numpy.maximum.at(best, self._source_array[answered], scores[answered])
        sources = {self._source_names[k]: float(best[k]) for k in numpy.flatnonzero(best > 0.0)}
        here = float(scores[answered & (self._owner_array != SHARED_GUILD)].max(initial=0.0))
        if here > 0.0 and here >= unanswered:
            unanswered = 0.0
        return Near(sources, unanswered, typical)

    def _typical_of(self, asked: Concepts) -> dict[str, float]:
        """Each source's cosine between the question and the centroid of its examples (a
        word of the question matching through any of its stems): many examples, one
        vocabulary, and what the source's questions usually say and this one does not counts
        against it."""
        weights = [self.weight(own) * factor for own, _, factor in asked]
        norm_q = math.sqrt(sum(w * w for w in weights)) or 1.0
        typical: dict[str, float] = {}
        for (_, stems, _), weight in zip(asked, weights, strict=True):
            best: dict[str, float] = {}
            for s in stems:
                for source, value in self._typical.get(s, ()):
                    if value > best.get(source, 0.0):
                        best[source] = value
            for source, value in best.items():
                typical[source] = typical.get(source, 0.0) + weight * value / norm_q
        return typical


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
