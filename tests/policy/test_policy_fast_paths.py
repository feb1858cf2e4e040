"""The hot path's shortcuts give what the careful way gives, on any input."""

from __future__ import annotations

import dataclasses
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy import CompiledPolicy, Hit, evaluate
from bot.policy.matcher import _needs_resolving, _resolve

# bot.policy re-exports the function `normalize`, which hides the module of the same name.
norm = importlib.import_module("bot.policy.normalize")

FOLDS = (
    "abcXYZ019 \n\t\x00\x1c\x85\xa0@$#'\"><«»"  # ASCII and Latin-1 separators
    "àèéìòùÀÉçñÿ¼½æßðþøµ\xad"  # Latin-1: most fold to ASCII, some do not (æ, ß, ½)
    "\u200b\u200d\ufe0f\u0301аеορΑΗ€£“”‘’„"  # invisible, combining, look-alikes, quotes
    "ｇ𝐠ⓖ🅶🄶😂👩💻ж中ΩİẞǅⅨ\U000e0041"  # fancy letters, emoji, other scripts
)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=FOLDS, max_size=80) | st.text(max_size=40))
def test_fast_first_pass_is_the_careful_one(text: str) -> None:
    folded = norm.first_pass(text)
    assert folded == norm._careful_first_pass(text)
    assert len(folded) == len(text)  # the offsets' anchor: one character for one


WORDS = st.text(alphabet="abeilost0134578@$#", min_size=1, max_size=8)


@settings(max_examples=500, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=12))
def test_digits_word_by_word_equal_digits_on_the_whole_text(tokens: list[str]) -> None:
    tokens = [t.replace("#", "") or "a" for t in tokens]  # "#" never survives the first pass
    joined = " " + "  ".join(tokens) + " "
    by_word = " " + "  ".join(t if t.isalpha() else norm._digit_word(t) for t in tokens) + " "
    assert by_word == norm._digits_and_money(joined)


MATCH = st.tuples(st.integers(0, 5), st.integers(0, 40), st.integers(1, 12)).map(
    lambda m: (m[0], m[1], m[1] + m[2])
)


@settings(max_examples=500, deadline=None)
@given(st.lists(MATCH, max_size=6), st.lists(st.booleans(), min_size=6, max_size=6))
def test_matches_left_unresolved_are_what_resolving_returns(
    matches: list[tuple[int, int, int]], allowed: list[bool]
) -> None:
    matches.sort(key=lambda m: m[2])  # the automaton reports matches by where they end
    if not _needs_resolving(matches, allowed):
        assert _resolve(matches, allowed) == matches


@pytest.mark.parametrize(
    "text",
    [
        "qualcuno mi fa il logo gratis? 🙏",
        "Mi F4I il l.o.g.o GRATIS per favoreee",
        "cons\u200bulenza gratu\u200bita: mi scrivete voi la bio? non ho budget",
    ],
)
def test_spans_read_late_are_the_spans(default_compiled: CompiledPolicy, text: str) -> None:
    verdict = evaluate(default_compiled, text)
    assert verdict.flagged
    own_words = norm.normalize(text).words
    for hit in verdict.hits:
        spans = hit.spans
        assert spans
        assert hit.spans is spans  # computed once
        for start, end in spans:
            assert 0 <= start < end <= len(text)
            # a span covers whole words of the writer's own, nothing else
            words = norm.normalize(text[start:end]).words
            assert words
            assert all(w in own_words for w in words)
        eager = Hit(hit.rule, hit.weight, spans, hit.shadow)
        assert hit == eager
        assert hash(hit) == hash(eager)
        assert repr(hit) == repr(eager)
        assert dataclasses.asdict(hit) == dataclasses.asdict(eager)
        with pytest.raises(AttributeError):
            _ = hit.span  # type: ignore[attr-defined]
