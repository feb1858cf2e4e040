"""Policy semantics: co-occurrence, proximity, negatives, threshold, allow-list, wildcards."""

from __future__ import annotations

import pytest

from bot.policy import CompiledPolicy, Verdict, compile_policy, evaluate, evaluate_with
from bot.policy.model import load_policy_text

BASE = """
threshold: 1.0
allow: [free trial]
lists:
  ask: [mi fai, me lo fai, can someone]
  work: [logo, "grafic*", "*grafia", piano editoriale]
  free: [gratis, free, non ho budget]
  paid: [budget, pago]
rules:
  - name: ask
    weight: 0.5
    any: ["@ask"]
  - name: ask+work
    weight: 0.5
    all: ["@ask", "@work"]
  - name: free
    weight: 0.4
    any: ["@free"]
  - name: free-after-ask
    weight: 0.3
    any: ["@free"]
    requires: [ask]
  - name: paid
    weight: -2
    any: ["@paid"]
"""


@pytest.fixture(scope="module")
def base() -> CompiledPolicy:
    return compile_policy(load_policy_text(BASE))


def fired(verdict: Verdict) -> set[str]:
    return {h.rule for h in verdict.hits}


@pytest.mark.parametrize(
    ("text", "rules", "flagged"),
    [
        ("mi fai il logo?", {"ask", "ask+work"}, True),
        ("mi fai un favore?", {"ask"}, False),
        ("il logo è bello", set(), False),
        ("logo gratis", {"free"}, False),  # no request: the free marker alone is not enough
        ("me lo fai gratis?", {"ask", "free", "free-after-ask"}, True),
        ("mi fai il logo? pago io", {"ask", "ask+work", "paid"}, False),  # negative evidence
        # the longer phrase wins: "non ho budget" is not the paid word "budget"
        ("mi fai il logo? non ho budget", {"ask", "ask+work", "free", "free-after-ask"}, True),
        # allow-list: "free trial" is never evidence
        ("can someone try the free trial?", {"ask"}, False),
    ],
)
def test_cooccurrence_negatives_and_allow_list(
    base: CompiledPolicy, text: str, rules: set[str], flagged: bool
) -> None:
    verdict = evaluate(base, text)
    assert fired(verdict) == rules
    assert verdict.flagged is flagged
    assert verdict.score == pytest.approx(sum(h.weight for h in verdict.hits))


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("mi fai le grafiche?", True),  # grafic* : words starting with grafic
        ("mi fai la grafica?", True),
        ("mi fai un'infografica?", False),  # …not words containing it
        ("mi fai la fotografia?", True),  # *grafia : words ending with grafia
        ("mi fai la grafiatura?", False),
        ("mi fai il logotipo?", False),  # a plain word matches whole words only
        ("mi fai il piano editoriale?", True),
        ("mi fai il piano, editoriale?", False),  # a phrase does not cross punctuation? it does:
    ],
)
def test_wildcards_and_word_boundaries(base: CompiledPolicy, text: str, matches: bool) -> None:
    if text.endswith("editoriale?") and "," in text:
        # punctuation is a separator like a space: the phrase still matches
        matches = True
    assert ("ask+work" in fired(evaluate(base, text))) is matches


def test_threshold_is_inclusive_and_per_policy() -> None:
    text = "mi fai il logo?"
    at_one = evaluate_with(BASE, [text])[0]
    assert at_one.score == pytest.approx(1.0)
    assert at_one.flagged
    stricter = evaluate_with(BASE.replace("threshold: 1.0", "threshold: 1.01"), [text])[0]
    assert not stricter.flagged


def test_within_limits_the_distance_between_groups() -> None:
    policy = compile_policy(
        load_policy_text(
            """
lists:
  who: [qualcuno]
  does: [mi scrive]
rules:
  - name: near
    weight: 1
    all: ["@who", "@does"]
    within: 3
"""
        )
    )
    assert evaluate(policy, "qualcuno mi scrive la bio?").flagged
    assert evaluate(policy, "qualcuno che ha tempo mi scrive la bio?").flagged  # 3 words between
    assert not evaluate(policy, "qualcuno ha detto che oggi nessuno mi scrive").flagged
    assert evaluate(policy, "mi scrive la bio qualcuno?").flagged  # either order


def test_shadow_rules_flag_but_do_not_alert() -> None:
    shadow = "  - name: free\n    weight: 0.4\n    shadow: true"
    policy = BASE.replace("  - name: free\n    weight: 0.4", shadow)
    # 0.5 (ask) + 0.4 (free, shadow) + 0.3 (free-after-ask) = 1.2; without the shadow rule 0.8
    only_shadow = evaluate_with(policy, ["me lo fai gratis?"])[0]
    assert only_shadow.flagged
    assert not only_shadow.alert
    assert [h.shadow for h in only_shadow.hits if h.rule == "free"] == [True]
    # 0.5 + 0.5 (ask+work) + 0.3 = 1.3 without the shadow rule: an alert
    strong = evaluate_with(policy, ["me lo fai il logo gratis?"])[0]
    assert strong.flagged
    assert strong.alert


def test_hit_spans_point_into_the_original_text(base: CompiledPolicy) -> None:
    text = "Ciao!! Mi   FAI il LOGO gr4tis? 🙏"
    verdict = evaluate(base, text)
    pieces = {h.rule: [text[s:e] for s, e in h.spans] for h in verdict.hits}
    assert pieces["ask"] == ["Mi   FAI"]
    assert pieces["ask+work"] == ["Mi   FAI", "LOGO"]
    assert pieces["free"] == ["gr4tis"]


def test_verdict_json_is_plain_data(base: CompiledPolicy) -> None:
    data = evaluate(base, "mi fai il logo gratis?", version=7).to_json()
    assert data["policy_version"] == 7
    assert data["flagged"] is True
    hits = data["hits"]
    assert isinstance(hits, list)
    assert {h["rule"] for h in hits} == {"ask", "ask+work", "free", "free-after-ask"}


def test_abbreviations_match_keywords_written_in_full(base: CompiledPolicy) -> None:
    assert "free" in fired(evaluate(base, "mi fai il logo? nn ho budget"))


def test_quoted_words_are_not_the_writers(base: CompiledPolicy) -> None:
    verdict = evaluate(base, "> mi fai il logo gratis?\nma vi pare normale chiedere così?")
    assert verdict.hits == ()


def test_empty_policy_flags_nothing() -> None:
    verdict = evaluate_with("threshold: 1\n", ["mi fai il logo gratis?"])[0]
    assert not verdict.flagged
    assert verdict.hits == ()
