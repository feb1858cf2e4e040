"""Normalise chat text for matching: defeat evasion, keep Italian intact, map back to the original.

The matchable form of a message is a string of words separated by one space and framed by
spaces (" ciao a tutti "), so a compiled keyword " gratis " only matches a whole word and the
matcher needs no regex (two neighbouring words share the space between them). Keywords go
through the same function, so whatever the normaliser does to a message it also does to the
moderators' words.

What it undoes: case, accents, fullwidth and "fancy" letters, Cyrillic/Greek look-alikes,
zero-width characters and joiners (inside a word; an emoji ZWJ sequence simply is not a
word), Discord markdown (`||spoiler||`, `~~strike~~`, `` `code` ``, `**bold**`, and the same
markers sprinkled inside a word), leetspeak inside words (gr4tis, c0nsulenza, fr33, zer0),
letters spaced or dotted apart (g r a t i s, g.r.a.t.i.s; but "c'è a" and "e a volte o i"
are Italian words, not a word spelt out), elongation (graaatis: runs of three or more
letters; real doubles such as "fammi" are kept), a few chat abbreviations (nn, x, xke, qlc…).
Every number becomes "#", so "ci metti 5 minuti" matches any number.

Quoted words (`> ` lines, and quotations of three words or more in "…", «…» or '…') are kept
apart from the writer's own words: they are not matched, because reporting what someone else
asked is not asking.

Offsets: the first pass maps each character of the original to exactly one character, so
word positions found there are positions in the original text. The hot path never builds
them; `Normalized.span` computes them the first time a verdict needs one.

Most chat messages need nothing but the first pass: `fast_fold` (at the end of this module)
gives it framed by spaces, and the matcher checks the few things it cannot see for itself in
the same automaton pass (`HINTS`). tests/policy/test_policy_fast_paths.py holds both ways to
the same words and verdicts.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import ahocorasick_rs

IGNORABLE = "\x00"  # a character that vanishes inside a word (zero-width, markdown marker)
SEGMENT = "|"  # separates the elongation variants of a message in the matchable text

# Chat abbreviations. A keyword is written in full ("non ho budget"); the matcher also looks
# for its short forms ("nn ho budget"), so messages need no rewriting on the hot path.
ABBREVIATIONS: dict[str, str] = {
    "nn": "non",
    "x": "per",
    "xke": "perche",
    "xche": "perche",
    "pk": "perche",
    "cmq": "comunque",
    "qlc": "qualcuno",
    "qlcn": "qualcuno",
    "qcn": "qualcuno",
    "ke": "che",
    "sn": "sono",
    "tt": "tutti",
    "raga": "ragazzi",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "plis": "please",
    "thx": "thanks",
    "tnx": "thanks",
    "eur": "euro",
    "ki": "chi",
}

# Spoken and regional forms of a keyword's words, looked for like the short forms ("mi fai" →
# "me fai", "chi me fa 'na mano"). Unlike ABBREVIATIONS a keyword is never rewritten to them:
# "me lo fai" stays "me lo fai".
SPOKEN_FORMS: dict[str, tuple[str, ...]] = {
    "mi": ("me",),
    "una": ("na",),
    "un": ("nu",),
    "qualcuno": ("quarcuno", "qualchedun", "qualcheduno"),
    "voi": ("vuje", "vuie"),
}

# Look-alikes that Unicode decomposition does not fold (checked after lowercasing the rest).
_LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w", "ү": "y", "ѵ": "v", "ɡ": "g", "ց": "g", "օ": "o",
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c",
    "Т": "t", "У": "y", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s",
    # Greek (capitals first: Η looks like H, not like η)
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "μ": "u", "ϲ": "c",
    # Latin letters without a decomposition
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɨ": "i", "ʀ": "r",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ғ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ǫ": "q", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
    # currencies all mean money; modifier apostrophes are punctuation
    "€": "$", "£": "$", "ʼ": " ", "ʻ": " ",
}  # fmt: skip

# Invisible characters used to split a word without changing how it looks.
_INVISIBLE = [
    *(0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0),
    *range(0x200B, 0x2010),  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    *range(0x202A, 0x202F),  # bidi embeddings
    *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
    *range(0xFE00, 0xFE10),  # variation selectors
    *range(0x0300, 0x0370),  # combining diacritics (decomposed accents)
    *range(0x1AB0, 0x1B00),
    *range(0x1DC0, 0x1E00),
    *range(0x20D0, 0x2100),
    *range(0xE0000, 0xE0080),  # tag characters (invisible ASCII)
    *range(0xE0100, 0xE01F0),  # variation selectors supplement
]
_MARKDOWN = "*_~|`"  # Discord markers: ignorable, so **gr*a*tis** reads "gratis"


def _fold(ch: str) -> str:
    """One character of the original → exactly one character of the first pass."""
    if ch in _LOOKALIKES:
        return _LOOKALIKES[ch]
    cp = ord(ch)
    if cp in _INVISIBLE_SET or ch in _MARKDOWN:
        return IGNORABLE
    if ch == "\n":
        return "\n"
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    if len(base) == 1 and base.isascii() and base.isalnum():
        return base
    if base in _LOOKALIKES:
        return _LOOKALIKES[base]
    if ch.isalnum():
        lower = ch.lower()
        return lower if len(lower) == 1 else ch
    if ch in "$@":
        return ch  # money; "@" is a letter in gr@tis (leetspeak)
    return " "  # punctuation, symbols, emoji, whitespace: all separate words


_INVISIBLE_SET = frozenset(_INVISIBLE)
_ASCII_TABLE = {i: _fold(chr(i)) for i in range(128)}
_ASCII_TABLE[0] = IGNORABLE  # NUL is invisible too (and the marker must survive a second fold)
# Enclosed and negative-squared letters (🅶, 🄶) have no decomposition; they are evasion too.
_EXTRA = {0x1F130 + i: chr(97 + i) for i in range(26)}
_EXTRA.update({0x1F150 + i: chr(97 + i) for i in range(26)})
_EXTRA.update({0x1F170 + i: chr(97 + i) for i in range(26)})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_FOLD_CACHE_MAX = 50_000


@lru_cache(maxsize=_FOLD_CACHE_MAX)
def _fold_non_ascii(ch: str) -> str:
    extra = _EXTRA.get(ord(ch))
    return extra if extra is not None else _fold(ch)


def _fold_match(match: re.Match[str]) -> str:
    return _fold_non_ascii(match.group())


def _careful_first_pass(text: str) -> str:
    """`first_pass` one character at a time: for text whose folding is not all ASCII."""
    text = _NON_ASCII.sub(_fold_match, text)
    if not text.isascii():  # letters of other scripts remain: fold the ASCII ones char by char
        return "".join(_ASCII_TABLE.get(ord(c), c) for c in text)
    return text.translate(_ASCII_TABLE)


class _NotAsciiError(Exception):
    """A character folds to a non-ASCII one (a letter of another script): take the careful way."""


_CODEC_HANDLER = "rete.policy.fold"


def _fold_unencodable(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a run of characters beyond Latin-1, folded one for one (ASCII)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    folded = "".join(map(_fold_non_ascii, error.object[error.start : error.end]))
    if not folded.isascii():
        raise _NotAsciiError
    return folded, error.end


codecs.register_error(_CODEC_HANDLER, _fold_unencodable)

# Latin-1 folded in one byte table; a character whose fold is not ASCII (æ, ß, ½…) becomes
# 0xFF, which no ASCII fold can produce, and sends the text the careful way.
_NOT_ASCII_BYTE = 0xFF
_LATIN1_TABLE = bytes(
    ord(folded) if folded.isascii() else _NOT_ASCII_BYTE
    for folded in (_ASCII_TABLE[b] if b < 128 else _fold(chr(b)) for b in range(256))
)


def first_pass(text: str) -> str:
    """Fold every character to one character (same length as `text`): the offsets' anchor.

    The common case runs in C: the text is encoded to Latin-1 (characters beyond it, mostly
    emoji and joiners, are folded by the codec error handler, a run at a time) and the bytes
    go through one 256-byte table. Folding is per character, so this is the same function as
    `_careful_first_pass`, which takes over when some character folds to a non-ASCII letter.
    """
    try:
        folded = text.encode("latin-1", _CODEC_HANDLER).translate(_LATIN1_TABLE)
    except _NotAsciiError:
        return _careful_first_pass(text)
    if folded.isascii():
        return folded.decode("ascii")
    return _careful_first_pass(text)


# --- words -----------------------------------------------------------------------------------

# A word in the first pass, without the invisible characters at its edges (they are not shown).
_WORD = re.compile(r"[^\s\x00](?:\S*[^\s\x00])?")
_PLAIN_WORD = re.compile(r"\S+")
_LETTER_OR_DIGIT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_SPACED_HINT = re.compile(" [^ ] [^ ] [^ ] ")


# Italian words of one letter (è and é fold to e): three in a row are words, not a word spelt.
ONE_LETTER_WORDS = frozenset("aeio")
# Marks of an elision (c'è, l'ho, un'idea): the letters they separate are not spaced apart.
ELISION_MARKS = frozenset("'’ʼ´")


def _spaced_runs(tokens: list[str], elided: Sequence[bool] = ()) -> list[tuple[int, int]]:
    """Index ranges [i, j) of three or more one-letter words that spell one word (g r a t i s).

    At least two of them must be letters, and one of them a letter that is not an Italian
    word by itself, so "tra 1 e 2 giorni" and "lui e io e a volte" stay as they are.
    `elided[i]` tells that words i and i + 1 are apart by an elision mark: "c'è a" is not "cea".
    """
    runs: list[tuple[int, int]] = []
    start = -1
    letters = 0
    spelt = False  # a letter that is no word alone
    for i, token in enumerate([*tokens, ""]):
        single = len(token) == 1 and token in _LETTER_OR_DIGIT
        if single and start >= 0 and i <= len(elided) and elided[i - 1]:
            if i - start >= 3 and letters >= 2 and spelt:
                runs.append((start, i))
            start = -1
        if single:
            if start < 0:
                start, letters, spelt = i, 0, False
            letters += token in _LETTERS
            spelt = spelt or token not in ONE_LETTER_WORDS
            continue
        if start >= 0 and i - start >= 3 and letters >= 2 and spelt:
            runs.append((start, i))
        start = -1
    return runs


def _elisions(text: str, spans: list[tuple[int, int]]) -> list[bool]:
    """For each word but the last (by its span in `text`): is the next one after an elision?"""
    return [
        not ELISION_MARKS.isdisjoint(text[end:start])
        for (_, end), (start, _) in itertools.pairwise(spans)
    ]


def _merge(items: list[str], runs: list[tuple[int, int]]) -> list[str]:
    out: list[str] = []
    last = 0
    for i, j in runs:
        out.extend(items[last:i])
        out.append("".join(items[i:j]))
        last = j
    out.extend(items[last:])
    return out


# Digits inside or at the end of a word are letters in disguise; a word of digits is a number.
# A digit ends a word after two letters (gr4t1s → gratis, l0g0 → logo, where the first digit
# was one of them), and a clitic is one consonant and a digit (m1 f4i → mi fai).
_LEET_TABLE = str.maketrans("0134578@", "oieastba")
_LEET = re.compile(
    r"(?<=[a-z])[0134578@]+(?=[a-z])|(?<=[a-z0134578@][a-z])[013457]{1,2}(?= )"
    r"|(?<= [mtcsvl])[013](?= )"
)
# A number is "#", except zero, which says "none" (budget 0, 0€) and stays "0".
_NUMBER = re.compile(r"(?<= )(?!0+ )[0-9]+(?= )")
_MONEY = re.compile(r"(?<= )(?:(?!0+\$)[0-9#]+\$|\$(?!0+ )[0-9#]+)(?= )")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_N_ELONGATION = 26
_N_DIGITS = 11
# One automaton pass tells which rare steps a message needs: elongation (three equal letters),
# digits (leetspeak, numbers) and two one-character words in a row (maybe spaced letters).
_DETECTOR = ahocorasick_rs.AhoCorasick(
    [
        *(c * 3 for c in _ALNUM[:26]),
        *"0123456789@",
        *(f" {a} {b} " for a in _ALNUM for b in _ALNUM),
    ],
    implementation=ahocorasick_rs.Implementation.DFA,
)
_ELONGATED = re.compile(r"([a-z])\1\1+")


def _leet(match: re.Match[str]) -> str:
    return match.group().translate(_LEET_TABLE)


def _digits_and_money(text: str) -> str:
    text = _LEET.sub(_leet, text)
    text = _NUMBER.sub("#", text)
    # "500€" and "€500" are one word: both read "#$".
    return _MONEY.sub("#$", text)


def _digit_word(word: str) -> str:
    """`_digits_and_money` of one word (each of its rewrites stays inside a word)."""
    return _digits_and_money(" " + word + " ")[1:-1]


SHORT_FORMS: dict[str, tuple[str, ...]] = {}
for _short, _full in ABBREVIATIONS.items():
    SHORT_FORMS[_full] = (*SHORT_FORMS.get(_full, ()), _short)
for _full, _spoken in SPOKEN_FORMS.items():
    SHORT_FORMS[_full] = (*SHORT_FORMS.get(_full, ()), *_spoken)


def _join(tokens: list[str]) -> str:
    return " " + " ".join(tokens) + " "


# --- quotations ------------------------------------------------------------------------------

_SINGLE_OPEN = (" '", "\n'", "('", ":'", " ‘", "\n‘", " ’", ":‘")
_DOUBLE = re.compile(r"[\"“”„]([^\"“”„\n]{1,600})[\"“”„]|«([^»\n]{1,600})»")
_BLOCK = re.compile(r"(?m)^[ \t]*>>>[ \t](?s:.*)|^[ \t]*>[ \t].*$")
_APOSTROPHES = "'‘’"


# Words Italians write with an apostrophe for the accent (e', perche', cosi'): not a closing quote.
_ACCENT_WORDS = frozenset(
    {
        "e", "perche", "poiche", "affinche", "benche", "cosi", "gia", "piu", "puo", "pero", "ce",
        "sara", "fara", "avra", "potra", "dovra", "vorra", "verra", "andra", "dara", "stara",
        "sapra", "la", "li", "si", "ne", "pie", "cioe", "caffe", "lunedi", "martedi",
        "mercoledi", "giovedi", "venerdi", "po",
    }
)  # fmt: skip


_LONGEST_ACCENT_WORD = 12
_MARKS = re.compile("['‘’]")


def _is_accent(text: str, j: int) -> bool:
    start = j
    while start > 0 and j - start < _LONGEST_ACCENT_WORD and text[start - 1].isalpha():
        start -= 1
    word = first_pass(text[start:j])
    return word in _ACCENT_WORDS or word.endswith(("che", "ita"))


def _single_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of '…' quotations, told apart from apostrophes (un'idea) and accents (e', perche').

    An opening mark follows a space, the start, "(" or ":" and precedes a letter. It closes at
    the first mark on the same line that ends a word which is not an accented word; failing
    that, at the last mark on the line that ends a word. O(n log n) in the marks, whatever the
    text: every mark is looked at once, each opening finds its closing with a bisection.
    """
    n = len(text)
    openers: list[int] = []
    closers: list[int] = []  # marks that end a word
    for match in _MARKS.finditer(text):
        i = match.start()
        before = text[i - 1] if i else "\n"
        after = text[i + 1] if i + 1 < n else " "
        if before in " \t\n(:" and after.isalnum():
            openers.append(i)
        elif before.strip() and not after.isalnum():
            closers.append(i)
    if not openers or not closers:
        return []
    # For each closer, the first closer at or after it on the same line that is not an accent,
    # and the last closer of its line.
    line_of: list[int] = []
    line, previous = 0, 0
    for c in closers:
        line += text.count("\n", previous, c)
        previous = c
        line_of.append(line)
    strong_next = [-1] * len(closers)
    last_on_line = [-1] * len(closers)
    next_strong = -1
    line_last = -1
    for k in range(len(closers) - 1, -1, -1):
        if k + 1 < len(closers) and line_of[k + 1] != line_of[k]:
            next_strong = -1
            line_last = -1
        if line_last < 0:
            line_last = closers[k]
        if not _is_accent(text, closers[k]):
            next_strong = closers[k]
        strong_next[k] = next_strong
        last_on_line[k] = line_last
    spans: list[tuple[int, int]] = []
    reached = -1
    for i in openers:
        if i < reached:
            continue
        k = bisect.bisect_left(closers, i + 2)
        if k == len(closers):
            break
        line_end = text.find("\n", i)
        if line_end >= 0 and closers[k] > line_end:
            continue
        close = strong_next[k] if strong_next[k] >= 0 else last_on_line[k]
        spans.append((i, close + 1))
        reached = close + 1
    return spans


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Character spans of `text` quoted rather than written by its author (unsorted)."""
    regions = [m.span() for m in _BLOCK.finditer(text)]
    regions += [m.span() for m in _DOUBLE.finditer(text)]
    if any(mark in text for mark in _SINGLE_OPEN) or text[:1] in _APOSTROPHES:
        regions += _single_quotes(text)
    return regions


def _has_quote_hint(text: str) -> bool:
    """Might `text` hold a quotation? Unrolled on purpose: this runs for every message."""
    if '"' in text or ">" in text or ("'" in text and _opens_single_quote(text)):
        return True
    if text.isascii():
        return False
    return (
        "“" in text
        or "”" in text
        or "«" in text
        or "„" in text
        or "‘" in text
        or " ’" in text
        or text[:1] == "’"
    )


MIN_QUOTED_WORDS = 3  # a shorter quotation is a title or emphasis ("gratis"), not reported speech


# --- the result ------------------------------------------------------------------------------


class Normalized:
    """A message made matchable, with the way back to the original's offsets.

    Two shapes of `text`: the canonical one (words one space apart, elongation variants after
    "|"), and the hot path's (`spaced`): the first pass itself framed by one space, where
    words may be several spaces apart and `text[i + 1]` is `original[i]`.
    """

    __slots__ = (
        "_first",
        "_n_words",
        "_own_spans",
        "_runs",
        "_segment_starts",
        "_word_starts",
        "original",
        "quoted",
        "spaced",
        "text",
    )

    def __init__(
        self,
        original: str,
        text: str,
        n_words: int,
        quoted: str,
        first: str,
        runs: list[tuple[int, int]],
        own_spans: list[tuple[int, int]] | None,
        segment_starts: tuple[int, ...],
        spaced: bool = False,
    ) -> None:
        self.original = original
        self.text = text  # " w1 w2 … " (and "|"-separated elongation variants)
        self._n_words = n_words  # -1: not counted yet
        self.quoted = quoted  # the quoted words, normalised; never matched
        self._first = first
        self._runs = runs
        self._own_spans = own_spans
        self._segment_starts = segment_starts
        self.spaced = spaced
        self._word_starts: list[int] | None = None

    @classmethod
    def from_fast_fold(cls, original: str, folded: str, matched: str | None = None) -> Normalized:
        """The hot path's form: `folded` is `fast_fold(original)`, `matched` what was matched
        (`folded` itself, or `fast_digits(folded)`: the same words in the same places)."""
        text = folded if matched is None else matched
        return cls(original, text, -1, "", folded[1:-1], [], None, (0,), spaced=True)

    @property
    def n_words(self) -> int:
        """How many words the writer wrote (quoted words aside)."""
        if self._n_words < 0:
            self._n_words = len(self.words)
        return self._n_words

    @property
    def words(self) -> list[str]:
        """The writer's own words, normalised (first segment)."""
        end = self._segment_starts[1] - 1 if len(self._segment_starts) > 1 else len(self.text)
        return self.text[:end].split()

    def word_index(self, pos: int) -> int:
        """Index of the word at (or right after) position `pos` of `text`."""
        if self.spaced:
            if self._word_starts is None:
                self._word_starts = [m.start() for m in _PLAIN_WORD.finditer(self.text)]
            return bisect.bisect_right(self._word_starts, pos) - (self.text[pos] != " ")
        starts = self._segment_starts
        start = starts[bisect.bisect_right(starts, pos) - 1] if len(starts) > 1 else 0
        return self.text.count(" ", start + 1, pos + 1)

    def word_spans(self) -> list[tuple[int, int]]:
        """[start, end) in the original for each of the writer's own words."""
        if self._own_spans is None:
            finder = _WORD if IGNORABLE in self._first else _PLAIN_WORD
            spans = [m.span() for m in finder.finditer(self._first)]
            if self._runs:
                merged: list[tuple[int, int]] = []
                last = 0
                for i, j in self._runs:
                    merged.extend(spans[last:i])
                    merged.append((spans[i][0], spans[j - 1][1]))
                    last = j
                merged.extend(spans[last:])
                spans = merged
            self._own_spans = spans
        return self._own_spans

    def _fast(self) -> bool:
        """Words of the first pass are the writer's words, one for one (no quotes, no merges)."""
        return self._own_spans is None and not self._runs and IGNORABLE not in self._first

    def _word_span(self, k: int, last: int) -> tuple[int, int]:
        """Original [start, end) of own words `k` to `last`."""
        if self._fast():
            # split(None, k) leaves word k and what follows as the last piece, in C: the
            # common case needs no Python loop over the words.
            first = self._first
            rest = first.split(None, k)[-1] if k else first.lstrip()
            start = len(first) - len(rest)
            if last > k:
                tail = rest.split(None, last - k)[-1]
                return start, len(first) - len(tail) + len(tail.split(None, 1)[0])
            return start, start + len(rest.split(None, 1)[0])
        spans = self.word_spans()
        top = len(spans) - 1
        return spans[min(k, top)][0], spans[min(last, top)][1]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the words matched at `text[start:end]`."""
        first = self.word_index(start)
        last = min(self.word_index(max(end - 2, start)), self.n_words - 1)
        return self._word_span(min(first, last), last)

    def __repr__(self) -> str:
        return f"Normalized({self.text!r})"


def _variants(text: str) -> tuple[str, tuple[int, ...]]:
    """Append the elongation variants (runs to one letter, runs to two) after the text."""
    one = _ELONGATED.sub(r"\1", text)
    two = _ELONGATED.sub(r"\1\1", text)
    starts = (0, len(text) + 1, len(text) + 1 + len(one) + 1)
    return SEGMENT.join((text, one, two)), starts


def normalize(text: str) -> Normalized:
    """The matchable form of `text` (never raises; any string is fine)."""
    first = first_pass(text)
    own_spans: list[tuple[int, int]] | None = None
    quoted = ""
    if _has_quote_hint(text) and (regions := quoted_regions(text)):
        own_spans, tokens, quoted_tokens = _split_quoted(first, regions)
        quoted = " ".join(quoted_tokens)
    elif IGNORABLE in first:
        tokens = first.replace(IGNORABLE, "").split()
    else:
        tokens = first.split()
    joined = " " + " ".join(tokens) + " "
    found = _DETECTOR.find_matches_as_indexes(joined)
    if not found:  # the common case: nothing more to undo
        return Normalized(text, joined, len(tokens), quoted, first, [], own_spans, (0,))
    runs: list[tuple[int, int]] = []
    segments: tuple[int, ...] = (0,)
    kinds = {index for index, _, _ in found}
    if max(kinds) >= _N_ELONGATION + _N_DIGITS and _SPACED_HINT.search(joined):
        if own_spans is None:
            finder = _WORD if IGNORABLE in first else _PLAIN_WORD
            runs = _spaced_runs(tokens, _elisions(text, [m.span() for m in finder.finditer(first)]))
        else:
            runs = _spaced_runs(tokens, _elisions(text, own_spans))
        if runs:
            tokens = _merge(tokens, runs)
            if own_spans is not None:
                own_spans = _merge_spans(own_spans, runs)
                runs = []
            joined = _join(tokens)
    if any(_N_ELONGATION <= k < _N_ELONGATION + _N_DIGITS for k in kinds) or runs:
        # Word by word: the rewrites never cross a space, and most words have no digit.
        joined = _join([t if t.isalpha() else _digit_word(t) for t in tokens])
    if min(kinds) < _N_ELONGATION and _ELONGATED.search(joined):
        joined, segments = _variants(joined)
    return Normalized(text, joined, len(tokens), quoted, first, runs, own_spans, segments)


def _split_quoted(
    first: str, regions: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    regions.sort()
    words = [(m.group().replace(IGNORABLE, ""), m.span()) for m in _WORD.finditer(first)]
    starts = [r[0] for r in regions]
    inside: list[int] = []
    for _, (s, _e) in words:
        r = bisect.bisect_right(starts, s) - 1
        if r >= 0 and s < regions[r][1]:
            inside.append(r)
        else:
            inside.append(-1)
    counts: dict[int, int] = {}
    for r in inside:
        if r >= 0:
            counts[r] = counts.get(r, 0) + 1
    own_spans: list[tuple[int, int]] = []
    tokens: list[str] = []
    quoted: list[str] = []
    for (word, span), r in zip(words, inside, strict=True):
        if r >= 0 and counts[r] >= MIN_QUOTED_WORDS:
            quoted.append(word)
        else:
            tokens.append(word)
            own_spans.append(span)
    return own_spans, tokens, quoted


def _merge_spans(
    spans: list[tuple[int, int]], runs: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    last = 0
    for i, j in runs:
        out.extend(spans[last:i])
        out.append((spans[i][0], spans[j - 1][1]))
        last = j
    out.extend(spans[last:])
    return out


def normalize_words(text: str) -> list[str]:
    """The normalised words of a keyword or phrase (quotes are not special in a keyword).

    "#" in a keyword stands for any number but zero, as numbers in messages become "#".
    """
    first = first_pass(text.replace("#", "1"))
    tokens = first.replace(IGNORABLE, "").split()
    runs = _spaced_runs(tokens)
    if runs:
        tokens = _merge(tokens, runs)
    joined = _join([ABBREVIATIONS.get(t, t) for t in tokens])
    if any(c.isdigit() for c in joined):
        joined = _digits_and_money(joined)
    return joined.split()


# --- the hot path ----------------------------------------------------------------------------
#
# Most messages need none of the steps above beyond folding: no quotation, no invisible
# character inside a word, no digit, no elongation, no letters spaced apart. For them the
# first pass itself, framed by spaces, is as good as the canonical text, with one difference:
# words may be several spaces apart. `fast_fold` returns that text, or None when the message
# needs the careful way; the matcher looks for the remaining cases (`HINTS`) in the same
# automaton pass as the keywords, and a phrase split by two spaces is one of them.

# Letters (or digits) alone: two of them one space apart, or one next to two spaces. Three
# one-character words in a row (g r a t i s) always show up as hits of these, each in one.
LETTER_HINTS: tuple[str, ...] = (
    *(f" {a} {b} " for a in _ALNUM for b in _ALNUM),
    *(f" {a}  " for a in _ALNUM),
    *(f"  {a} " for a in _ALNUM),
)
DIGIT_HINTS: tuple[str, ...] = tuple("0123456789@")  # numbers, leetspeak: see `fast_digits`
ELONGATION_HINTS: tuple[str, ...] = tuple(c * 3 for c in _ALNUM[:26])
HINTS = LETTER_HINTS + DIGIT_HINTS + ELONGATION_HINTS

# The fast table: the first pass, with a newline as a plain space, and 0xFF (not ASCII: the
# careful way) for every character the careful way treats specially: quotation marks and ">"
# (quotations), and whatever folds to an invisible character (markdown markers, soft hyphen).
_FAST_TABLE = bytes(
    32 if b == 10 else _NOT_ASCII_BYTE if b in b'">\xab' or folded == 0 else folded
    for b, folded in enumerate(_LATIN1_TABLE)
)
_CURLY_QUOTES = frozenset("“”„‘")
_FAST_HANDLER = "rete.policy.fastfold"


def _fast_fold_unencodable(error: UnicodeError) -> tuple[str, int]:
    """`_fold_unencodable` for `fast_fold`, which gives up on quotes and invisible letters.

    An invisible character (a joiner, a variation selector) next to a space is a space: an
    emoji sequence is not a word, and removing it or spacing it gives the same words. Between
    two letters it glues a word, which the careful way undoes.
    """
    if not isinstance(error, UnicodeEncodeError):
        raise error
    source, start, end = error.object, error.start, error.end
    run = source[start:end]
    if not _CURLY_QUOTES.isdisjoint(run) or ("’" in run and " ’" in source[start - 1 : end]):
        raise _NotAsciiError  # maybe a quotation
    folded = "".join(map(_fold_non_ascii, run))
    if not folded.isascii():
        raise _NotAsciiError
    if IGNORABLE not in folded:
        return folded, end
    # `source` is framed by spaces, so both neighbours of the run exist (and are Latin-1).
    framed = _FAST_CHARS[ord(source[start - 1])] + folded + _FAST_CHARS[ord(source[end])]
    for invisible in _INVISIBLE_RUN.finditer(framed, 1, len(framed) - 1):
        if framed[invisible.start() - 1] != " " and framed[invisible.end()] != " ":
            raise _NotAsciiError
    return folded.replace(IGNORABLE, " "), end


_FAST_CHARS = [chr(b) for b in _FAST_TABLE]
_INVISIBLE_RUN = re.compile(IGNORABLE + "+")
codecs.register_error(_FAST_HANDLER, _fast_fold_unencodable)


def _opens_single_quote(text: str) -> bool:
    """The apostrophe test of `_has_quote_hint`: an apostrophe that may open a quotation."""
    return " '" in text or "\n'" in text or "('" in text or ":'" in text or text[:1] == "'"


def fast_fold(text: str) -> str | None:
    """ " " + first pass + " ", words one or more spaces apart; None: take `normalize`.

    The text is the same length as `text` plus two, so `result[i + 1]` is `text[i]` folded.
    None when the text has something only the careful way handles: a possible quotation, an
    invisible character inside a word, a letter of another script. What the automaton can see
    (digits, elongation, letters spaced apart, a phrase split by punctuation) is `HINTS`.
    """
    try:
        folded = (" " + text + " ").encode("latin-1", _FAST_HANDLER).translate(_FAST_TABLE)
    except _NotAsciiError:
        return None
    if not folded.isascii() or ("'" in text and _opens_single_quote(text)):
        return None
    return folded.decode("ascii")


def letters_spaced_apart(original: str, folded: str, hits: list[tuple[int, int, int]]) -> bool:
    """Three one-character words in a row in `folded` (`fast_fold(original)`), none after an
    elision mark, given the `LETTER_HINTS` hits in it.

    Every one-character word next to another one or to a run of spaces is in a hit, so three
    in a row are three of the positions collected here, with nothing but spaces between them.
    """
    pairs, lefts = len(_ALNUM) * len(_ALNUM), len(_ALNUM) * (len(_ALNUM) + 1)
    singles: set[int] = set()
    for hint, start, _ in hits:
        if hint >= len(LETTER_HINTS):
            continue
        if hint < pairs:
            singles.update((start + 1, start + 3))
        else:
            singles.add(start + 1 if hint < lefts else start + 2)
    if len(singles) < 3:
        return False
    ordered = sorted(singles)
    # folded[i] is original[i - 1]: an elision mark between them parts the letters
    for a, c in zip(ordered, ordered[2:], strict=False):
        three = folded[a : c + 1].split()
        if (
            len(three) == 3
            and not ONE_LETTER_WORDS.issuperset(three)
            and ELISION_MARKS.isdisjoint(original[a : c - 1])
        ):
            return True
    return False


def fast_digits(folded: str, at: Iterable[int]) -> str:
    """`_digits_and_money` on `fast_fold`'s text, for the words holding positions `at` (the
    digits), every word staying where it was.

    A number shrinks to "#" (and "500€" to "#$") followed by spaces, so positions still map
    to the original one for one, and words keep their order and count.
    """
    pieces: list[str] = []
    last = 0
    for start in sorted({folded.rfind(" ", 0, i) + 1 for i in at}):  # framed by spaces
        end = folded.find(" ", start)
        pieces += (folded[last:start], _digit_word(folded[start:end]).ljust(end - start))
        last = end
    pieces.append(folded[last:])
    return "".join(pieces)
