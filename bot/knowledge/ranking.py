"""Rank the units FTS5 found and turn the best one's evidence into a calibrated confidence.

FTS5's bm25 finds candidates; they are re-ranked here on named features (RANK_FEATURES): how much
of the question they cover (each word weighted by its rarity, matches in a FAQ question or
article heading counting more than in the body), how close one label line (a FAQ question or
variant) is to the question, bm25 itself, adjacent word pairs, whether the answer is a curated
FAQ entry (and whether the question addresses the community or asks what something is), and,
added by the service, how near the question is to labelled questions (examples.py): the nearest
one, the words typical of all those a source answers, and what a classifier fitted on all of
them says (classify.py). The weights are fitted, not set by hand (RANK_WEIGHTS). Words said
around the question rather than in it (a sentence that does not ask) weigh less. A word the
index does not know is read through its lemma (simplemma), a one-typo correction, or a known
root. The confidence is a logistic function of the best
candidate's evidence; its coefficients were fitted on labelled questions of other writers (see
CONFIDENCE_COEFFICIENTS).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bot.knowledge.examples import NOTHING, Near
from bot.knowledge.lexicon import CONTEXT_FACTOR, WEAK_WORD_FACTOR
from bot.knowledge.models import Unit, UnitStems
from bot.knowledge.text import Query, words
from bot.knowledge.text import stem as stem_of

BODY_CREDIT = 0.5  # a word found only in the body counts this much of one found in a label
PREPARED_MAX = 50_000  # units kept prepared for ranking (about 2 KB each)
PREWARM_MAX = 10_000  # an index this small is prepared whole when it is loaded
POSTINGS_BUDGET = 150  # rows the FTS5 query may score (its cost grows with them)
MIN_MATCH_STEMS = 1  # the rarest stem always selects candidates, whatever it costs
MIN_PREFIX = 4  # shortest known stem accepted as the root of an unknown word ("blogghino")
EXTENSION_MAX = 3  # a known stem may extend an unknown one by this many letters
TYPO_MIN = 6  # shorter words are too often another word one letter away
TRANSLATION_FACTOR = 0.5  # an English word read through WordNet weighs this much
MASS_FULL = 2.0  # a question with the weight of this many unknown words says enough
# A question's length on a log scale, log(1 + words) over this: 1 at about 150 words. Right
# answers to long, chatty questions cover less of them than those to short ones (the member
# says more around what they ask), so the confidence reads coverage knowing the length.
LENGTH_LOG_FULL = 5.0

# The ranking score is a weighted sum of a candidate's RANK_FEATURES: the weight of the question
# it covers, the best label line's similarity, bm25 relative to the best candidate's, the share
# of the question's adjacent word pairs found adjacent in the unit, whether it is a curated FAQ
# answer, a FAQ answer to a question addressing the community ("da voi", "qui"), a FAQ answer to
# a question asking what something is (the articles explain), the similarity of the nearest
# labelled question this source answers, the share of the question said in the words typical
# of this source's labelled questions pooled, and the probability the classifier of labelled
# questions gives the source (the service adds these three: examples.py, classify.py).
RANK_FEATURES = (
    "copertura",
    "riga",
    "bm25",
    "frase",
    "faq",
    "faq_comunita",
    "faq_definizione",
    "esempio",
    "tipico",
    "classe",
)
EXAMPLE = RANK_FEATURES.index("esempio")
TYPICAL = RANK_FEATURES.index("tipico")
CLASS = RANK_FEATURES.index("classe")
# Fitted, like the confidence, on the other writers' sets and our own questions, never dev
# (`benchmarks/qa_quality.py --fit check,train-a,train-b,own,own2,own3,own4,own5,own6,own7`: a
# listwise logistic fit of which scored unit is an acceptable answer); each set's
# leave-one-set-out column refits them without it.
RANK_WEIGHTS = (7.747, -4.767, 1.693, 5.732, 0.611, 1.244, -1.486, 11.002, 6.989, 7.357)

# Logistic confidence: intercept, then the Evidence fields in order (coverage, label share,
# label-line similarity, relative margin, weightiest missing word, known share, FAQ, nearest
# example, examples agree, nearest unanswerable example, question's weight, weight found, words
# typical of the source's examples, the ranking's softmax odds, the question's length, the
# classifier's probability for the source and for no source, the weight left unexplained).
# Fitted on the other writers' sets and our own questions only (`benchmarks/qa_quality.py --fit
# check,train-a,train-b,own,own2,own3,own4,own5,own6,own7`, L2 = 0.1): dev is reported out of
# sample, and every set's leave-one-set-out column refits without it.
CONFIDENCE_COEFFICIENTS = (
    -2.361,
    -0.667,
    -0.12,
    -0.162,
    4.39,
    -1.447,
    -1.598,
    0.076,
    2.242,
    0.244,
    -8.986,
    1.77,
    0.156,
    0.543,
    2.069,
    8.263,
    1.628,
    -1.29,
    -4.277,
)


class Prepared(NamedTuple):
    """A unit's stems as the ranker reads them, computed once per unit.

    Dicts of strings used as sets, not frozensets (nor tuples of stems): the garbage collector
    never tracks a dict that holds only strings, but walks every entry of every set on each
    full collection. With thousands of units prepared, frozensets made each full collection
    cost tens of milliseconds, landing on whichever answer happened to trigger it.
    """

    body: dict[str, None]
    labels: tuple[tuple[dict[str, None], float], ...]  # each label line's stems and idf norm
    label_words: dict[str, None]
    adjacent: dict[str, None]  # "a b": stems next to each other in the body or a label


def _pairs(words: Sequence[str]) -> Iterator[str]:
    return (f"{a} {b}" for a, b in itertools.pairwise(words))


_NOTHING = Prepared({}, (), {}, {})


class Stats:
    """Document frequencies of the indexed stems, and the units already prepared for ranking."""

    def __init__(
        self,
        df: dict[str, int],
        units: int,
        by_guild_kind: dict[tuple[int, str], int] | None = None,
    ) -> None:
        self.df = df
        self.units = units
        self.by_guild_kind = by_guild_kind or {}
        self._prepared: dict[int, Prepared] = {}
        self._sorted = sorted(df)
        self.idf_unknown = self.idf(0)
        self._roots: dict[str, tuple[str, ...]] | None = None
        self._deletions: dict[str, list[str]] | None = None
        self._stem_idf: dict[str, float] = {}  # idf of a stem, computed once per index version

    def stem_idf(self, stem: str) -> float:
        idf = self._stem_idf.get(stem)
        if idf is None:
            idf = self._stem_idf[stem] = self.idf(self.df.get(stem, 0))
        return idf

    def idf(self, df: int) -> float:
        return math.log(1.0 + (self.units - df + 0.5) / (df + 0.5))

    def missing(self, units: Sequence[Unit]) -> list[int]:
        """Units the ranker has not prepared yet: their stems must be read first."""
        return [u.unit_id for u in units if u.unit_id not in self._prepared]

    def prepare(self, stems: UnitStems) -> None:
        sequence = stems.body.split()
        adjacent = dict.fromkeys(_pairs(sequence))
        labels = []
        label_words: dict[str, None] = {}
        for line in stems.labels:
            words = line.split()
            adjacent.update(dict.fromkeys(_pairs(words)))
            if words:
                norm = math.sqrt(sum(self.stem_idf(w) ** 2 for w in words))
                labels.append((dict.fromkeys(words), norm))
                label_words.update(dict.fromkeys(words))
        if len(self._prepared) >= PREPARED_MAX:
            self._prepared.clear()
        self._prepared[stems.unit_id] = Prepared(
            body=dict.fromkeys(sequence),
            labels=tuple(labels),
            label_words=label_words,
            adjacent=adjacent,
        )

    def prepared(self, unit_id: int) -> Prepared:
        return self._prepared.get(unit_id, _NOTHING)

    def hidden(self, guild_ids: tuple[int, ...], kind: str | None) -> int:
        """Units a search in these guilds (and of this kind) must leave out."""
        return sum(
            n
            for (guild, unit_kind), n in self.by_guild_kind.items()
            if guild not in guild_ids or (kind is not None and unit_kind != kind)
        )

    def known(self, stem: str) -> bool:
        return stem in self.df

    def corrections(self, stem: str) -> set[str]:
        """Known stems one typo away from an unknown one ("regolamnet" → "regolament"): a letter
        missing, extra, changed or two swapped (Damerau distance 1, SymSpell's deletions)."""
        if len(stem) < TYPO_MIN or stem.isdigit():
            return set()
        if self._deletions is None:
            deletions: dict[str, list[str]] = {}
            for known in self.df:
                if len(known) >= TYPO_MIN - 1 and not known.isdigit():
                    for key in {known, *_deletes(known)}:
                        deletions.setdefault(key, []).append(known)
            self._deletions = deletions
        found: set[str] = set()
        for key in {stem, *_deletes(stem)}:
            for known in self._deletions.get(key, ()):
                if _one_typo(stem, known):
                    found.add(known)
        return found

    def relatives(self, stem: str) -> tuple[str, ...]:
        """Known stems of the same word family: Snowball leaves verb forms apart ("apro",
        "apre", "aprire" → apro, apre, aprir); they share a root once the inflection is off."""
        if self._roots is None:
            roots: dict[str, list[str]] = {}
            for known in self.df:
                key = root(known)
                if key:
                    roots.setdefault(key, []).append(known)
            self._roots = {k: tuple(v) for k, v in roots.items() if len(v) > 1}
        key = root(stem)
        return self._roots.get(key, ()) if key else ()

    def extending(self, stem: str, extra: int) -> list[str]:
        """Known stems that start with `stem` and are at most `extra` characters longer."""
        start = bisect.bisect_left(self._sorted, stem)
        out: list[str] = []
        for candidate in self._sorted[start : start + 50]:
            if not candidate.startswith(stem):
                break
            if len(candidate) - len(stem) <= extra:
                out.append(candidate)
        return out


@dataclass(frozen=True)
class Term:
    """A concept of the question, resolved against the index: what matches it and its weight."""

    word: str
    stems: frozenset[str]
    weight: float
    known: bool
    # the stems FTS5 selects candidates with: the word's own when the index knows them (its
    # word-family relatives only re-rank, so they add no rows to score), else all of `stems`
    search: frozenset[str] = frozenset()
    factor: float = 1.0  # what the word's kind makes of its weight (weak, said as context)


@dataclass(frozen=True)
class Scored:
    unit: Unit
    score: float  # ranking score
    coverage: float
    line: float  # best label line similarity
    bm25: float  # bm25 relative to the best candidate, 0..1
    features: tuple[float, ...] = ()  # RANK_FEATURES; score is their sum weighted by the ranker


@dataclass(frozen=True)
class Evidence:
    """What the confidence is computed from (each 0..1), kept for the benchmarks' diagnostics.

    Shares are of the question's whole weight, words the corpus does not know included: a
    question about "shopify" that shares only "aprire" with an entry covers little of itself.
    """

    coverage: float  # weight the best answer covers (a body-only match counts BODY_CREDIT)
    label: float  # weight found in the answer's label lines (FAQ question, variants, heading)
    line: float  # the best label line's cosine similarity to the whole question
    # lead over the next source relative to the best score, times `coverage`: a lone candidate
    # that shares one word with the question leads by a lot and means little
    margin: float
    missing: float  # the weightiest word the answer lacks, relative to an unknown word
    known: float  # weight of the words the corpus knows at all
    faq: float  # 1 when the answer is a curated FAQ entry, 0 for an article passage
    example: float = 0.0  # similarity of the nearest labelled question answered by this source
    agree: float = 0.0  # 1 when the nearest labelled questions point to this very source
    unanswered: float = 0.0  # similarity of the nearest labelled question the corpus can't answer
    # how much the question says at all: its content words, a weak one counting less, over
    # MASS_FULL ("buongiorno, come va?" has almost nothing to match, however well it matches)
    mass: float = 0.0
    found: float = 0.0  # the weight the answer covers, on the same scale
    typical: float = 0.0  # share of the question in words typical of this source's examples
    # the ranking's own odds for the answer: the softmax of the sources' ranking scores (the
    # weights are fitted as a softmax over candidates, so this reads as a probability)
    odds: float = 0.0
    length: float = 0.0  # how long the question is (question_length)
    classified: float = 0.0  # the classifier's probability for the answer's source
    unanswerable: float = 0.0  # the classifier's probability that no source answers
    # the question's weight neither the answer has nor its source's examples say: what the
    # member asks beyond the topic members usually ask this source about, and it does not cover
    unexplained: float = 0.0

    def vector(self) -> tuple[float, ...]:
        return (
            self.coverage,
            self.label,
            self.line,
            self.margin,
            self.missing,
            self.known,
            self.faq,
            self.example,
            self.agree,
            self.unanswered,
            self.mass,
            self.found,
            self.typical,
            self.odds,
            self.length,
            self.classified,
            self.unanswerable,
            self.unexplained,
        )


_INFLECTIONS = tuple(
    sorted(
        (
            "iamo",
            "iate",
            "ando",
            "endo",
            "ono",
            "ano",
            "ato",
            "ata",
            "ati",
            "ate",
            "ito",
            "ita",
            "iti",
            "ite",
            "uto",
            "uta",
            "uti",
            "ute",
            "are",
            "ere",
            "ire",
            "ar",
            "er",
            "ir",
        ),
        key=len,
        reverse=True,
    )
)
ROOT_MIN = 4  # shorter roots ("apr", "pes") join too many unrelated words


@lru_cache(maxsize=65_536)
def root(stem: str) -> str:
    """A stem without its verb inflection and final vowels, or "" when too short to trust."""
    for ending in _INFLECTIONS:
        if stem.endswith(ending) and len(stem) - len(ending) >= ROOT_MIN - 1:
            stem = stem[: -len(ending)]
            break
    stem = stem.rstrip("aeiou")
    return stem if len(stem) >= ROOT_MIN - 1 and not stem.isdigit() else ""


def resolve(query: Query, stats: Stats) -> list[Term]:
    terms: list[Term] = []
    for concept in query.concepts:
        own = {s for s in concept.stems if stats.known(s)}
        stems = set(own)
        translated = False
        if not stems:
            stems = {s for s in concept.foreign if stats.known(s)}
            translated = bool(stems) and query.english
        for s in concept.stems:
            stems.update(stats.relatives(s))
        if not stems:
            stems = {c for s in concept.stems for c in stats.corrections(s)}
        if not stems:
            stems = _word_corrections(concept.word, stats)
        if not stems:
            stems = _known_prefix(concept.stems, stats)
        factor = WEAK_WORD_FACTOR if concept.weak else 1.0
        if concept.context:
            factor *= CONTEXT_FACTOR
        if translated:  # WordNet's general words stand in for it: less sure than its own
            factor *= TRANSLATION_FACTOR
        if stems:
            df = max(stats.df[s] for s in (own or stems))
            weight = factor * stats.idf(df)
            terms.append(
                Term(concept.word, frozenset(stems), weight, True, frozenset(own or stems), factor)
            )
        else:
            terms.append(
                Term(concept.word, concept.stems, factor * stats.idf(0), False, factor=factor)
            )
    return terms


def _word_corrections(word: str, stats: Stats) -> set[str]:
    """Known stems of the words one swap or one extra letter away from an unknown word. The
    stemmer cuts suffixes ("regolamento" → "regol"), so a typo inside one leaves a stem far from
    every known one ("regolamneto" → "regolamnet"), though the word is one typo away."""
    if len(word) < TYPO_MIN or word.isdigit():
        return set()
    variants = _deletes(word)
    variants |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    variants.discard(word)
    return {s for s in map(stem_of, variants) if stats.known(s)}


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_typo(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by one letter added, removed, changed, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _known_prefix(stems: frozenset[str], stats: Stats) -> set[str]:
    """Known stems close to an unknown word's: its longest known root ("blogghin" → "blog"),
    else known stems it is the root of ("rinomin" → "rinominal", a verb with a pronoun)."""
    best = ""
    for stem in stems:
        for size in range(len(stem) - 1, MIN_PREFIX - 1, -1):
            root = stem[:size]
            if stats.known(root) and size > len(best):
                best = root
                break
    if best and len(best) >= 0.6 * max(len(s) for s in stems):
        return {best}
    longer: set[str] = set()
    for stem in stems:
        if len(stem) >= MIN_PREFIX + 1:
            longer.update(stats.extending(stem, EXTENSION_MAX))
    return longer


def match_expression(terms: Sequence[Term], stats: Stats) -> str:
    """The FTS5 query: known stems of the question's words, rarest first, while the rows they
    select stay within POSTINGS_BUDGET (bm25 costs a few microseconds per matching row). On a
    small index that is every stem; on a large one the commonest stems are left to the
    re-ranker, which still weighs them on every candidate. Stems are [a-z0-9]+: safe to quote."""
    stems = sorted({s for t in terms if t.known for s in t.search}, key=lambda s: (stats.df[s], s))
    chosen: list[str] = []
    postings = 0
    for stem in stems:
        if len(chosen) >= MIN_MATCH_STEMS and postings + stats.df[stem] > POSTINGS_BUDGET:
            break
        chosen.append(stem)
        postings += stats.df[stem]
    return " OR ".join(f'"{s}"' for s in sorted(chosen))


def rank(
    terms: Sequence[Term],
    units: Sequence[Unit],
    stats: Stats,
    *,
    community: bool = False,
    definition: bool = False,
    weights: Sequence[float] = RANK_WEIGHTS,
) -> list[Scored]:
    """Candidates by ranking score (`weights` · RANK_FEATURES, the example's similarity still 0).
    Words the index does not know are left out here: they are the same for every candidate,
    and `Evidence.known` accounts for them."""
    terms = [t for t in terms if t.known]
    total = sum(t.weight for t in terms)
    if not units or total <= 0:
        return []
    best_bm25 = min(u.bm25 for u in units) or -1e-9
    norm_q = math.sqrt(sum(t.weight**2 for t in terms))
    pairs = [(i, min(a.weight, b.weight)) for i, (a, b) in enumerate(itertools.pairwise(terms))]
    pair_total = sum(w for _, w in pairs) or 1.0
    asked = frozenset().union(*(t.stems for t in terms))
    squared = [(t.stems, t.weight**2) for t in terms]
    # per term: its stems, its weight found in a label, and found in the body only
    credits = [(t.stems, t.weight, BODY_CREDIT * t.weight) for t in terms]
    nothing: frozenset[str] = frozenset()
    w_cov, w_line, w_bm25, w_phrase, w_faq, w_community, w_definition = weights[:EXAMPLE]
    asks_community = 1.0 if community else 0.0
    asks_definition = 1.0 if definition and not community else 0.0
    prior = w_faq + w_community * asks_community + w_definition * asks_definition
    scored: list[Scored] = []
    for unit in units:
        prepared = stats.prepared(unit.unit_id)
        # one set operation per unit first: most of the question's stems are not in a unit
        in_label = prepared.label_words.keys() & asked
        in_body = prepared.body.keys() & asked
        in_unit = in_label | in_body
        covered = 0.0
        hits: list[frozenset[str]] = []  # each term's stems found in the unit
        for stems, weight, body_weight in credits:
            if stems.isdisjoint(in_unit):
                hits.append(nothing)
                continue
            if in_label and not stems.isdisjoint(in_label):
                covered += weight
            else:
                covered += body_weight
            hits.append(stems & in_unit)
        coverage = covered / total
        adjacent_weight = 0.0
        for i, w in pairs:
            # a pair can only be adjacent in the unit when both of its words are in it
            if hits[i] and hits[i + 1]:
                adjacent = prepared.adjacent
                if any(f"{a} {b}" in adjacent for a in hits[i] for b in hits[i + 1]):
                    adjacent_weight += w
        phrase = adjacent_weight / pair_total
        line = 0.0
        if in_label:
            for label_words, norm_l in prepared.labels:
                hit_stems = label_words.keys() & in_label
                if hit_stems:
                    hit = 0.0
                    for stems, w2 in squared:
                        if not stems.isdisjoint(hit_stems):
                            hit += w2
                    line = max(line, hit / (norm_q * norm_l))
        relative = unit.bm25 / best_bm25 if best_bm25 < 0 else 0.0
        score = w_cov * coverage + w_line * line + w_bm25 * relative + w_phrase * phrase
        faq = 1.0 if unit.kind == "faq" else 0.0
        score += faq * prior
        features = (
            coverage,
            line,
            relative,
            phrase,
            faq,
            faq * asks_community,
            faq * asks_definition,
            0.0,
            0.0,
            0.0,
        )
        scored.append(Scored(unit, score, coverage, line, relative, features))
    scored.sort(key=lambda s: (-s.score, s.unit.unit_id))
    return scored


def best_per_source(scored: Sequence[Scored]) -> list[Scored]:
    seen: set[str] = set()
    out: list[Scored] = []
    for item in scored:
        if item.unit.source not in seen:
            seen.add(item.unit.source)
            out.append(item)
    return out


def question_length(text: str) -> float:
    """log(1 + the question's words) / LENGTH_LOG_FULL, at most 1."""
    return min(1.0, math.log1p(len(words(text))) / LENGTH_LOG_FULL)


def evidence(
    terms: Sequence[Term],
    ranked: Sequence[Scored],
    stats: Stats,
    near: Near = NOTHING,
    *,
    question: str,
    said: frozenset[str] = frozenset(),
) -> Evidence:
    """Evidence for the first of `ranked` (one entry per source, best first), asked `question`."""
    total = sum(t.weight for t in terms) or 1.0
    known_weight = sum(t.weight for t in terms if t.known)
    top = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    prepared = stats.prepared(top.unit.unit_id)
    body, labels = prepared.body, prepared.label_words
    missing = max(
        (
            t.weight
            for t in terms
            if not (t.known and not (t.stems.isdisjoint(body) and t.stems.isdisjoint(labels)))
        ),
        default=0.0,
    )
    label = sum(t.weight for t in terms if t.known and not t.stems.isdisjoint(labels))
    norm_known = math.sqrt(sum(t.weight**2 for t in terms if t.known))
    norm_all = math.sqrt(sum(t.weight**2 for t in terms)) or 1.0
    coverage = top.coverage * known_weight / total
    unexplained = sum(
        t.weight
        for t in terms
        if t.stems.isdisjoint(said)
        and not (t.known and not (t.stems.isdisjoint(body) and t.stems.isdisjoint(labels)))
    )
    content = sum(t.factor for t in terms)  # content words, a weak or context one counting less
    return Evidence(
        coverage=coverage,
        label=label / total,
        line=top.line * norm_known / norm_all,
        margin=coverage * max(0.0, top.score - runner_up) / top.score if top.score > 0 else 0.0,
        missing=missing / stats.idf_unknown,
        known=known_weight / total,
        faq=1.0 if top.unit.kind == "faq" else 0.0,
        example=near.sources.get(top.unit.source, 0.0),
        agree=1.0 if near.best()[0] == top.unit.source else 0.0,
        unanswered=near.unanswered,
        mass=min(1.0, content / MASS_FULL),
        found=min(1.0, content * coverage / MASS_FULL),
        typical=near.typical.get(top.unit.source, 0.0),
        odds=1.0 / sum(math.exp(max(-50.0, min(50.0, s.score - top.score))) for s in ranked),
        length=question_length(question),
        classified=near.classes.get(top.unit.source, 0.0),
        unanswerable=near.unanswerable,
        unexplained=unexplained / total,
    )


FEATURE_NAMES = (
    "copertura",
    "etichetta",
    "riga",
    "margine",
    "mancante",
    "nota",
    "faq",
    "esempio",
    "accordo",
    "senza_risposta",
    "peso",
    "peso_trovato",
    "tipico",
    "probabilita",
    "lunghezza",
    "classe",
    "nessuna_fonte",
    "inspiegato",
)


def words_found(terms: Sequence[Term], unit_id: int, stats: Stats) -> tuple[list[str], list[str]]:
    """The question's words the unit has, and those it lacks (unknown words included)."""
    prepared = stats.prepared(unit_id)
    found: list[str] = []
    lacking: list[str] = []
    for term in terms:
        has = term.known and not (
            term.stems.isdisjoint(prepared.body) and term.stems.isdisjoint(prepared.label_words)
        )
        (found if has else lacking).append(term.word)
    return found, lacking


def confidence(ev: Evidence, coefficients: Sequence[float] = CONFIDENCE_COEFFICIENTS) -> float:
    z = coefficients[0] + sum(c * x for c, x in zip(coefficients[1:], ev.vector(), strict=True))
    return 1.0 / (1.0 + math.exp(-z))
