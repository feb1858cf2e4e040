"""Properties that must hold for any input: no exception, evasion does not help, bounded work."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.policy import CompiledPolicy, evaluate, normalize

TRICKY = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u0301\u0300"  # invisible, combining
    "'’‘\"“”«»>|~*_`"  # quotes and markdown
    "аеорсхαοε"  # look-alikes
    "0134578@€$# \n\t.-"
    "👩💻🙏🇮🇹"
    "abcdefghilmnopqrstuvz"
)
FLAGGED = [
    ("qualcuno mi fa il logo gratis?", ["logo", "gratis"]),
    ("mi scrivete voi la bio? non ho budget", ["scrivete", "budget"]),
    ("cerco chi mi gestisce la pagina facebook gratis", ["gestisce", "pagina", "gratis"]),
    ("can someone design my podcast cover for free?", ["design", "cover", "free"]),
    ("mi fareste una consulenza gratuita sul mio sito?", ["fareste", "consulenza", "gratuita"]),
]
LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і"}
ZERO_WIDTH = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_string_evaluates(default_compiled: CompiledPolicy, text: str) -> None:
    verdict = evaluate(default_compiled, text)
    for hit in verdict.hits:
        for start, end in hit.spans:
            assert 0 <= start < end <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=TRICKY, max_size=300))
def test_tricky_strings_evaluate_and_spans_stay_inside(
    default_compiled: CompiledPolicy, text: str
) -> None:
    normalized = normalize(text)
    assert len(normalized.word_spans()) == normalized.n_words
    verdict = evaluate(default_compiled, text)
    for hit in verdict.hits:
        for start, end in hit.spans:
            assert 0 <= start < end <= len(text)


def _disguise(word: str, how: str, data: st.DataObject) -> str:
    if how == "zero-width":
        cuts = data.draw(st.lists(st.integers(1, len(word) - 1), min_size=1, max_size=3))
        out = word
        for cut in sorted(set(cuts), reverse=True):
            out = out[:cut] + data.draw(ZERO_WIDTH) + out[cut:]
        return out
    if how == "lookalike":
        return "".join(
            LOOKALIKE[c] if c in LOOKALIKE and data.draw(st.booleans()) else c for c in word
        )
    separator = data.draw(st.sampled_from([" ", ".", "-"]))
    return separator.join(word)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(FLAGGED),
    how=st.sampled_from(["zero-width", "lookalike", "spacing"]),
    data=st.data(),
)
def test_disguised_trigger_words_still_flag(
    default_compiled: CompiledPolicy,
    case: tuple[str, list[str]],
    how: str,
    data: st.DataObject,
) -> None:
    text, triggers = case
    assert evaluate(default_compiled, text).flagged
    word = data.draw(st.sampled_from(triggers))
    disguised = text.replace(word, _disguise(word, how, data), 1)
    assert evaluate(default_compiled, disguised).flagged, disguised


ADVERSARIAL = [
    piece[:4000]
    for piece in (
        "a " * 2000,
        "gratis " * 570,
        "mi fai il logo gratis? " * 174,
        "\u200b" * 4000,
        "g r a t i s " * 333,
        "'a " * 1333,
        "e' " * 1333,
        '"x' * 2000,
        "> " * 2000,
        "aaaa" * 1000,
        "qualcuno " * 200 + "mi fa " * 300,
        "🙏\u200d" * 1000,
        "x" * 4000,
    )
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
def test_a_long_adversarial_message_is_bounded(default_compiled: CompiledPolicy, text: str) -> None:
    """Bounded size and iterations (not wall time): linear structures all the way down."""
    assert len(text) <= 4000
    normalized = normalize(text)
    # The matchable text is at most three copies (elongation variants) of two characters a word.
    assert len(normalized.text) <= 3 * (3 * len(text) + 2) + 2
    found = default_compiled.automaton.find_matches_as_indexes(normalized.text, overlapping=True)
    keywords = [hit for hit in found if hit[0] >= default_compiled.n_hints]
    # Each position ends at most a few patterns (a pattern is at most 50 words long).
    assert len(keywords) <= 60 * (normalized.n_words + 1) * 3
    # and at most one hint of each kind, or one per phrase beginning of up to 50 words
    assert len(found) - len(keywords) <= (3 + 50) * len(normalized.text)
    verdict = evaluate(default_compiled, text)
    assert len(verdict.hits) <= len(default_compiled.rules)
    assert sum(len(h.spans) for h in verdict.hits) <= len(default_compiled.rules) * (
        normalized.n_words + 1
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=TRICKY, max_size=200))
def test_fast_word_offsets_agree_with_the_careful_ones(text: str) -> None:
    """The split-based offsets of the hot path equal the regex-based ones, word by word."""
    fast = normalize(text)
    offsets = [fast._word_span(k, k) for k in range(fast.n_words)]  # before any cache exists
    assert offsets == normalize(text).word_spans()
