"""Text analysis for search: accent folding, tokens, Italian stems, query concepts, questions.

SQLite's FTS5 has no Italian stemmer, so documents and queries are both reduced here to
space-separated Snowball stems; FTS5 indexes that text with its plain unicode61 tokenizer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import simplemma
import Stemmer

from bot.knowledge import bridge, lexicon
from bot.knowledge.folding import fold as fold  # re-exported: the analysis folds with it

# Bump when the analysis changes: stored digests include it, so the next import re-indexes.
ANALYZER_VERSION = 2

_IT = Stemmer.Stemmer("italian")
_EN = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"[a-z0-9]+")
_THOUSANDS = re.compile(r"(?<=\d)[.](?=\d{3}\b)")
STOP_WORDS = lexicon.ITALIAN_STOP_WORDS | lexicon.ENGLISH_STOP_WORDS


def words(text: str) -> list[str]:
    """Folded alphanumeric words; "1.500" stays one number."""
    return _TOKEN.findall(_THOUSANDS.sub("", fold(text)))


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Italian Snowball stem of a folded word."""
    return str(_IT.stemWord(word))


@lru_cache(maxsize=16_384)
def _english_stem(word: str) -> str:
    return str(_EN.stemWord(word))


def _expand(raw: list[str], *, keep_phrases: bool = False) -> list[str]:
    """Shorthand spelled out; an idiom ("ogni quanto") replaced by the concept it asks about
    ("frequenza"), or, in a document (`keep_phrases`), followed by it."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        phrase = _phrase_at(raw, i)
        if phrase is not None:
            size, concept = phrase
            if keep_phrases:
                out.extend(raw[i : i + size])
            out.extend(concept)
            i += size
            continue
        short = lexicon.SHORTHAND.get(raw[i])
        if short is None:
            out.append(raw[i])
        else:
            out.extend(short.split())
        i += 1
    return out


def _build_phrases() -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    phrases: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for idiom, concept in lexicon.PHRASES.items():
        key = tuple(words(idiom))
        phrases.setdefault(key[0], []).append((key, tuple(words(concept))))
    for options in phrases.values():
        options.sort(key=lambda option: -len(option[0]))
    return phrases


_PHRASES = _build_phrases()


def _phrase_at(raw: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
    for key, concept in _PHRASES.get(raw[i], ()):
        if tuple(raw[i : i + len(key)]) == key:
            return len(key), concept
    return None


def _content_word(word: str) -> str | None:
    """The word as it is indexed, or None for stop words and stray letters."""
    if word in STOP_WORDS:
        return None
    word = lexicon.NUMBER_WORDS.get(word, word)
    if len(word) < 2 and not word.isdigit():
        return None
    return word


def index_terms(text: str) -> list[str]:
    """What a document's text becomes in the FTS table: its content words' stems, in order."""
    out: list[str] = []
    for word in _expand(words(text), keep_phrases=True):
        content = _content_word(word)
        if content is not None:
            out.append(stem(content))
    return out


def index_text(text: str) -> str:
    return " ".join(index_terms(text))


def _build_synonyms() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for line in lexicon.SYNONYM_GROUPS:
        stems = {stem(w) for w in words(line)}
        for s in stems:
            groups.setdefault(s, set()).update(stems)
    return {s: frozenset(g) for s, g in groups.items()}


def _build_glossary() -> dict[str, frozenset[str]]:
    glossary: dict[str, set[str]] = {}
    for english, italian in lexicon.ENGLISH_GLOSSARY.items():
        targets = {stem(c) for w in words(italian) if (c := _content_word(w)) is not None}
        glossary.setdefault(_english_stem(english), set()).update(targets)
    return {k: frozenset(v) for k, v in glossary.items()}


SYNONYMS = _build_synonyms()
WEAK_STEMS = frozenset(stem(w) for w in lexicon.WEAK_WORDS)
GLOSSARY = _build_glossary()
_LOAN_SUFFIXES = ("are", "ato", "ata", "ati", "ate", "ando", "i", "o", "a", "e")


def with_synonyms(stems: frozenset[str]) -> frozenset[str]:
    out = set(stems)
    for s in stems:
        out |= SYNONYMS.get(s, frozenset())
    return frozenset(out)


_NUMBER_ENDINGS = (("i", "e"), ("i", "o"), ("e", "a"), ("hi", "o"), ("he", "a"))


@lru_cache(maxsize=16_384)  # pure in the word: the lists are fixed at import
def word_synonyms(word: str) -> frozenset[str]:
    """The word's stem and its synonyms', also when Snowball stems its singular and plural
    apart ("pareri" → parer, "parere" → par): the other number's stem finds the group."""
    own = stem(word)
    if own in SYNONYMS:
        return SYNONYMS[own]
    for ending, other in _NUMBER_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 3:
            found = SYNONYMS.get(stem(word[: -len(ending)] + other))
            if found is not None:
                return found | {own}
    return frozenset({own})


# Where English words find their Italian: the hand glossary of the domain's jargon and
# MultiWordNet's general vocabulary (bridge.py). `benchmarks/qa_quality.py --bridge` compares them.
BRIDGE_SOURCES: tuple[str, ...] = ("glossary", "wordnet")


def _glossary_equivalents(word: str) -> frozenset[str] | None:
    found = GLOSSARY.get(_english_stem(word))
    for ending, replacement in (("ier", "y"), ("iest", "y"), ("er", ""), ("est", ""), ("r", "")):
        if found is None and word.endswith(ending) and len(word) > len(ending) + 2:
            found = GLOSSARY.get(_english_stem(word[: -len(ending)] + replacement))
    return found


def _wordnet_equivalents(word: str) -> frozenset[str] | None:
    stems = {stem(c) for lemma in bridge.italian_for(word) if (c := _content_word(lemma))}
    return frozenset(stems) or None


def _loan_roots(word: str) -> list[str]:
    """An Italianised loan word's English roots: "reportare" → report, "taggare" → tag."""
    roots = []
    for suffix in _LOAN_SUFFIXES:
        root = word[: -len(suffix)]
        if word.endswith(suffix) and len(root) >= 3:
            if len(root) > 3 and root[-1] == root[-2]:
                root = root[:-1]
            roots.append(root)
    return roots


@lru_cache(maxsize=16_384)
def english_equivalents(
    word: str, *, italian: bool = False, wordnet: bool = True
) -> frozenset[str]:
    """Italian stems for an English word, or for an Italianised loan word ("reportare").
    `italian`: the word stands in an Italian question, where a word the index does not know is
    more often a name, a typo or dialect than English: only the domain's glossary reads it.
    `wordnet`: consult WordNet too, not only the glossary."""
    lookups = []
    if "glossary" in BRIDGE_SOURCES:
        lookups.append(_glossary_equivalents)
    if wordnet and not italian and "wordnet" in BRIDGE_SOURCES:
        lookups.append(_wordnet_equivalents)
    found: set[str] = set()
    for lookup in lookups:
        direct = lookup(word)
        if direct is None:
            direct = next(filter(None, map(lookup, _loan_roots(word))), None)
        found |= direct or set()
    return with_synonyms(frozenset(found)) if found else frozenset()


@lru_cache(maxsize=65_536)
def lemma_stems(word: str) -> frozenset[str]:
    """The stem of the word's dictionary form ("propongo" → proporre → propor), which Snowball
    alone does not reach for irregular verbs and some plurals."""
    lemma = fold(simplemma.lemmatize(word, lang="it"))
    return frozenset({stem(w) for w in words(lemma)}) if lemma != word else frozenset()


@dataclass(frozen=True)
class Concept:
    """One content word of a question and the stems that count as a match for it."""

    word: str
    stems: frozenset[str]
    # Italian stems for the word read as English (glossary and WordNet); used when the index
    # knows none of `stems`
    foreign: frozenset[str] = frozenset()
    weak: bool = False  # a generic verb or judgement: it weighs less
    # said outside the question itself ("sto per aprire il blog. che hosting usate?"): context
    context: bool = False


@dataclass(frozen=True)
class Query:
    text: str
    concepts: tuple[Concept, ...]
    english: bool
    community: bool = False  # addresses the community or the academy: the FAQ's ground
    definition: bool = False  # asks what something is or means: the articles' ground

    @property
    def empty(self) -> bool:
        return not self.concepts


def is_english(raw: list[str]) -> bool:
    english = sum(w in lexicon.ENGLISH_MARKERS for w in raw)
    italian = sum(w in lexicon.ITALIAN_MARKERS for w in raw)
    return english >= 2 and english > italian


_SENTENCE = re.compile(r".+?(?:[.!?;]+(?=\s|$)|\n|$)", re.DOTALL)  # "wordpress.com" stays whole


def _asks(raw: list[str], sentence: str) -> bool:
    return "?" in sentence or any(w in lexicon.QUESTION_CUES for w in raw[:2])


def _clauses(text: str) -> list[tuple[list[str], bool]]:
    """The text's sentences as words, each marked as context when the text asks its question
    elsewhere: "sto per aprire il blog. che hosting usate?" asks about hosting. A sentence asks
    when it ends in "?" or opens with a question word ("…? in quale canale")."""
    parts = [(words(m.group()), m.group()) for m in _SENTENCE.finditer(text)]
    parts = [(raw, sentence) for raw, sentence in parts if raw]
    if len(parts) < 2:
        return [(raw, False) for raw, _ in parts]
    marked = [(raw, _asks(raw, sentence)) for raw, sentence in parts]
    asking = any(asks for _, asks in marked)
    return [(raw, asking and not asks) for raw, asks in marked]


def analyse_query(text: str) -> Query:
    clauses = _clauses(text)
    raw = [word for clause, _ in clauses for word in clause]
    english = is_english(raw)
    concepts: list[Concept] = []
    seen: dict[frozenset[str], int] = {}
    expanded = [(_expand(clause), context) for clause, context in clauses]
    community = any(word in lexicon.COMMUNITY_CUES for said, _ in expanded for word in said)
    for said, context in expanded:
        for word in said:
            content = _content_word(word)
            if content is None:
                continue
            stems = word_synonyms(content)
            foreign = (
                english_equivalents(content, italian=not english)
                if not content.isdigit()
                else frozenset()
            )
            if english and foreign:
                # the glossary's domain words count as the word's own; WordNet's general ones
                # only stand in when neither the word nor those are in the index (`foreign`)
                stems |= english_equivalents(content, wordnet=False)
            if stems in seen:
                at = seen[stems]
                if concepts[at].context and not context:
                    concepts[at] = replace(concepts[at], context=False)
                continue
            seen[stems] = len(concepts)
            # a bare number ("2 canali") says little about the topic
            weak = content in lexicon.WEAK_WORDS or stem(content) in WEAK_STEMS or content.isdigit()
            if not content.isdigit():
                stems = stems | lemma_stems(content)
            concepts.append(Concept(content, stems, foreign, weak, context))
    return Query(
        text=text,
        concepts=tuple(concepts),
        english=english,
        community=community,
        definition=asks_definition(raw),
    )


def _build_openings() -> dict[str, tuple[tuple[str, ...], ...]]:
    openings: dict[str, list[tuple[str, ...]]] = {}
    for opening in lexicon.DEFINITION_OPENINGS:
        key = tuple(words(opening))
        openings.setdefault(key[0], []).append(key)
    return {first: tuple(keys) for first, keys in openings.items()}


_DEFINITION_OPENINGS = _build_openings()


def asks_definition(raw: list[str]) -> bool:
    """Whether the question opens by asking what something is or means ("cos'è X?")."""
    options = _DEFINITION_OPENINGS.get(raw[0], ()) if raw else ()
    return any(tuple(raw[: len(opening)]) == opening for opening in options)


def looks_like_question(text: str) -> bool:
    """A chat message that asks something: a question mark, or opening with a question word."""
    stripped = text.strip()
    raw = words(stripped)
    if len(raw) < 3:
        return False
    if "?" in stripped:
        return True
    return raw[0] in lexicon.QUESTION_CUES or (len(raw) > 1 and raw[1] in lexicon.QUESTION_CUES)


_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, limit: int = 80) -> str:
    """ "Velocità del sito!" → "velocita-del-sito"."""
    slug = _SLUG_JUNK.sub("-", fold(text)).strip("-")
    return slug[:limit].rstrip("-")
