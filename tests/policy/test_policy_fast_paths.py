"""The hot path's shortcuts give what the careful way gives, on any input."""

from __future__ import annotations

import dataclasses
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy import CompiledPolicy, Hit, Verdict, compile_policy, evaluate
from bot.policy.matcher import _needs_resolving, _past_hints, _resolve
from bot.policy.model import load_policy_text

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
    joined = " " + " ".join(tokens) + " "
    by_word = " " + " ".join(t if t.isalpha() else norm._digit_word(t) for t in tokens) + " "
    assert by_word == norm._digits_and_money(joined)


# A pattern is at least three characters long (" w ", or a wildcard's three letters).
MATCH = st.tuples(st.integers(0, 5), st.integers(0, 40), st.integers(3, 12)).map(
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


# --- the hot path: `evaluate` on `fast_fold`'s text gives the careful way's verdict ----------

SHAPES_POLICY = """
threshold: 1.0
allow: [free trial, mi fai sapere]
lists:
  chiedo: {terms: [mi fai, mi fate, fammi, qualcuno mi, "mi scrivi*"]}
  lavoro: {terms: [logo, bio, piano editoriale, "grafic*", "*grafia", "*seo*", c v]}
  gratis: {terms: [gratis, free, senza pagare, "non ho budget"]}
  soldi: {terms: [pago, "# euro", "#€", budget]}
rules:
  - {name: chiede, weight: 0.5, any: ["@chiedo"]}
  - {name: lavoro-chiesto, weight: 0.4, all: ["@chiedo", "@lavoro"], within: 4}
  - {name: gratis-se-chiede, weight: 0.4, any: ["@gratis"], requires: [chiede]}
  - {name: pagato, weight: -1.0, any: ["@soldi"]}
  - {name: solo-parola, weight: 0.2, any: [logo, "graaatis"]}
"""

PIECES = (
    "mi", "fai", "fate", "fammi", "qualcuno", "scrivi", "scrivimi", "logo", "bio", "piano",
    "editoriale", "grafica", "infografia", "seo", "c", "v", "gratis", "free", "trial",
    "senza", "pagare", "non", "ho", "budget", "pago", "euro", "sapere", "a", "e", "o", "i",
    "è", "g", "r", "t", "s", "5", "50", "500€", "gr4tis", "l0go", "graaatis", "fr33", "@",
    "c'è", "po'", "dell'", "l’", "«", "»", '"', "> ", "“", "‘", "’", "||", "**", "~~", "`",
    "\u200b", "\u200d", "\ufe0f", "👩\u200d💻", "🙏", "❤\ufe0f", "аь", "ｇ", "ж", "ß", "\n",
)  # fmt: skip
SEPARATORS = (" ", " ", " ", "  ", ", ", "... ", "\n", "'", "’", "-", "", ".")


@pytest.fixture(scope="module")
def shapes_policy() -> CompiledPolicy:
    return compile_policy(load_policy_text(SHAPES_POLICY))


def _verdict_facts(verdict: Verdict) -> tuple[object, ...]:
    return (
        verdict.flagged,
        verdict.score,
        verdict.policy_version,
        [(h.rule, h.weight, h.shadow, h.spans) for h in verdict.hits],
    )


MESSAGES = st.lists(
    st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=25
).map(lambda parts: "".join(piece + sep for piece, sep in parts))


@settings(max_examples=1500, deadline=None)
@given(MESSAGES | st.text(alphabet="".join(set("".join(PIECES + SEPARATORS))), max_size=60))
def test_the_hot_path_gives_the_careful_verdict(
    shapes_policy: CompiledPolicy, default_compiled: CompiledPolicy, text: str
) -> None:
    for compiled in (shapes_policy, default_compiled):
        hot = evaluate(compiled, text, 3)  # fast_fold when it can
        careful = evaluate(compiled, text, 3, norm=norm.normalize(text))
        assert _verdict_facts(hot) == _verdict_facts(careful)
        # the score worked out without the hits is the hits' score
        assert hot.score == round(sum(h.weight for h in hot.hits), 9)


@pytest.mark.parametrize(
    ("text", "fast"),
    [
        ("qualcuno mi fa il logo gratis? 🙏", True),
        ("c'è a chi piace, e a me no", True),  # one-letter words, not spelt
        ("Mi fai il logo, gratis... grazie!!", True),
        ("ho 3 clienti e 500€ di budget", True),  # digits are rewritten in place
        ("mi fai il l0go gr4tis", True),
        ("👩\u200d💻 ciao ❤\ufe0f", True),  # invisible characters next to a space
        ("gra\u200btis", False),  # inside a word
        ("> mi fai il logo gratis?", False),  # quotations
        ('ha scritto "mi fai il logo gratis"', False),
        ("mi fai il logo **gratis**", False),  # markdown
        ("grаtis", True),  # a look-alike folds in one character
        ("жизнь", False),  # another script
    ],
)
def test_what_the_hot_path_takes(text: str, fast: bool) -> None:
    assert (norm.fast_fold(text) is not None) is fast


@pytest.mark.parametrize(
    ("text", "hot"),
    [
        ("g r a t i s", False),  # spelt out: the careful way merges the letters
        ("g. r. a. t. i. s.", False),
        ("c'è a chi piace", True),  # c, è, a: words, not a spelt word
        ("io e a volte o i miei", True),  # Italian one-letter words in a row
        ("il logo, mi fai", True),
        ("mi fai, sapere", False),  # maybe the phrase "mi fai sapere", split by a comma
        ("mi fai il logooooo", False),  # elongation
    ],
)
def test_when_the_hot_path_hands_over(shapes_policy: CompiledPolicy, text: str, hot: bool) -> None:
    folded = norm.fast_fold(text)
    assert folded is not None
    found = shapes_policy.automaton.find_matches_as_indexes(folded, overlapping=True)
    if any(hit[0] < shapes_policy.n_hints for hit in found):  # else nothing to hand over
        _, matched = _past_hints(
            shapes_policy.automaton, shapes_policy.n_hints, text, folded, found
        )
        assert (matched is not None) is hot
    else:
        assert hot


def test_a_phrase_split_by_punctuation_still_matches(shapes_policy: CompiledPolicy) -> None:
    """In the hot path's text words may be several spaces apart; the phrase is still found."""
    for text in ("piano editoriale gratis, mi fai?", "piano, editoriale: mi fai gratis?"):
        verdict = evaluate(shapes_policy, text)
        assert [h.rule for h in verdict.hits] == ["chiede", "lavoro-chiesto", "gratis-se-chiede"]


def test_spelt_letters_are_merged_but_italian_one_letter_words_are_not() -> None:
    assert norm.normalize("g r a t i s").words == ["gratis"]
    assert norm.normalize("c'è a chi piace").words == ["c", "e", "a", "chi", "piace"]
    assert norm.normalize("io e a e o").words == ["io", "e", "a", "e", "o"]
    assert norm.normalize("e a s e o").words == ["easeo"]  # "s" is no word alone


@settings(max_examples=1500, deadline=None)
@given(MESSAGES | st.text(alphabet="".join(set("".join(PIECES + SEPARATORS))), max_size=60))
def test_the_hot_path_reads_the_careful_words(shapes_policy: CompiledPolicy, text: str) -> None:
    """Whenever the hot path keeps a message, its words are the careful way's, one for one."""
    folded = norm.fast_fold(text)
    if folded is None:
        return
    assert len(folded) == len(text) + 2
    found = shapes_policy.automaton.find_matches_as_indexes(folded, overlapping=True)
    matched: str | None = folded
    if any(hit[0] < shapes_policy.n_hints for hit in found):
        _, matched = _past_hints(
            shapes_policy.automaton, shapes_policy.n_hints, text, folded, found
        )
    if matched is not None:
        assert matched.split() == norm.normalize(text).words
