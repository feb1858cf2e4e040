"""Learning rule weights (bot/policy/learn.py): the fitter, the cut, proposals and accepting."""

from __future__ import annotations

import pytest

from bot.core import Core
from bot.errors import UserFacingError
from bot.policy import PolicyError, Rule
from bot.policy.learn import (
    MIN_WEIGHT,
    Example,
    Scores,
    _choose_cut,
    apply,
    compare,
    fit,
    learn_policy,
    propose,
)
from bot.policy.model import PolicySpec, load_policy_text, with_weights

RULES = ("ask", "free", "paid", "never")


def table(*rows: tuple[str, bool, int]) -> tuple[list[frozenset[str]], list[bool]]:
    """(rules fired, separated by spaces; label; how many such examples) → fired, labels."""
    fired: list[frozenset[str]] = []
    labels: list[bool] = []
    for names, label, count in rows:
        fired += [frozenset(names.split())] * count
        labels += [label] * count
    return fired, labels


EXAMPLES = table(
    ("ask free", True, 30),
    ("ask", True, 10),
    ("ask", False, 10),
    ("free", False, 15),
    ("ask paid", False, 20),
    ("ask free paid", False, 3),
    ("", False, 40),
)


def test_weights_follow_the_evidence() -> None:
    learned = fit(RULES, *EXAMPLES)
    w = learned.weights
    assert learned.threshold == 1.0
    assert w["ask"] > 0
    assert w["free"] > 0
    assert w["paid"] < 0
    assert w["ask"] + w["free"] >= 1.0  # a free request is flagged
    assert w["free"] < 1.0
    assert w["ask"] + w["paid"] < 1.0
    assert learned.training.precision >= 0.9
    assert learned.training == Scores.of([learned.flags(f) for f in EXAMPLES[0]], EXAMPLES[1])


def test_the_fit_is_deterministic() -> None:
    assert fit(RULES, *EXAMPLES) == fit(RULES, *EXAMPLES)


def test_a_rule_the_examples_never_show_keeps_its_prior_or_the_smallest_weight() -> None:
    without_prior = fit(RULES, *EXAMPLES)
    assert without_prior.weights["never"] == MIN_WEIGHT
    prior = {"ask": 0.5, "free": 0.5, "paid": -1.0, "never": -2.0}
    with_prior = fit(RULES, *EXAMPLES, prior=prior)
    assert with_prior.weights["never"] < -MIN_WEIGHT  # kept, on the fitted scale


def test_a_stronger_penalty_stays_closer_to_the_prior() -> None:
    prior = {"ask": 0.5, "free": 0.5, "paid": 0.5, "never": 0.5}  # "paid" has the wrong sign
    loose = fit(RULES, *EXAMPLES, prior=prior, l2=0.01)
    tight = fit(RULES, *EXAMPLES, prior=prior, l2=100.0)
    assert loose.weights["paid"] < tight.weights["paid"]


@pytest.mark.parametrize(
    "examples",
    [table(("ask", True, 5)), table(("ask", False, 5), ("", False, 5)), ([], [])],
)
def test_one_kind_of_example_teaches_nothing(
    examples: tuple[list[frozenset[str]], list[bool]],
) -> None:
    with pytest.raises(ValueError, match="each label"):
        fit(RULES, *examples)


def test_a_higher_probability_flags_less() -> None:
    low = fit(RULES, *EXAMPLES, probability=0.3)
    high = fit(RULES, *EXAMPLES, probability=0.9)
    assert high.training.tp + high.training.fp <= low.training.tp + low.training.fp
    assert high.training.precision >= low.training.precision


def test_the_best_f1_cut_keeps_its_precision() -> None:
    learned = fit(RULES, *EXAMPLES, probability=None, min_precision=0.95)
    assert learned.training.precision >= 0.95


def test_the_cut_never_flags_a_message_with_no_evidence() -> None:
    scores = [0.0, 0.0, 0.0, 0.5, 0.5]
    labels = [True, True, True, False, False]  # flagging everything would be best F1
    assert _choose_cut(scores, labels, 0.9) > 0


@pytest.mark.parametrize(
    ("min_precision", "expected"),
    [(0.5, 1.5), (0.9, 2.5)],  # precise enough: the lower cut; asking more: the higher
)
def test_the_cut_is_the_best_f1_among_precise_enough_cuts(
    min_precision: float, expected: float
) -> None:
    scores = [3.0, 3.0, 2.0, 2.0, 1.0]
    labels = [True, True, True, False, False]
    assert _choose_cut(scores, labels, min_precision) == pytest.approx(expected)


SPEC = load_policy_text(
    """
threshold: 1.0
rules:
  - {name: ask, weight: 0.5, any: [mi fai, mi scrivi]}
  - {name: free, weight: 0.5, any: [gratis, senza budget]}
  - {name: paid, weight: -1.0, any: [pago, "budget di #"]}
"""
)
TEXTS = [
    ("mi fai il logo gratis?", True),
    ("mi scrivi la bio? senza budget", True),
    ("mi fai il logo? pago", False),
    ("mi fai ridere", False),
    ("mi scrivi il post? budget di 300", False),
    ("il webinar è gratis", False),
    ("gratis per tutti il template", False),
    ("mi fai il sito gratis", True),
    ("ciao a tutti", False),
    ("mi scrivi il testo gratis? grazie", True),
]


def examples() -> list[Example]:
    return [Example(text, flag) for text, flag in TEXTS]


def test_learn_policy_changes_weights_and_threshold_only() -> None:
    learned_spec, learned = learn_policy(SPEC, examples())
    assert [r.name for r in learned_spec.rules] == [r.name for r in SPEC.rules]
    assert [r.groups for r in learned_spec.rules] == [r.groups for r in SPEC.rules]
    assert learned_spec.threshold == learned.threshold == 1.0
    assert {r.name: r.weight for r in learned_spec.rules} == dict(learned.weights)
    assert apply(SPEC, learned) == learned_spec


def test_a_proposal_backtests_on_the_examples() -> None:
    mild = with_weights(SPEC, {"threshold": 0.4, "weights": {"free": 0.45}})  # flags "free" alone
    proposal = propose(mild, examples(), [f"m{i}" for i in range(len(TEXTS))])
    c = proposal.comparison
    assert c.before == compare(mild, mild, examples()).before
    assert c.before.fp > c.after.fp  # the webinar and the template were false positives
    assert {proposal.labels[i] for i in c.newly_cleared} >= {"m5", "m6"}
    assert c.after.recall == 1.0
    assert proposal.changes
    assert proposal.changed_weights()[0][0] in {"ask", "free", "paid"}
    assert (proposal.flagged, proposal.clean) == (4, 6)


def test_a_proposal_needs_enough_examples_of_both_kinds() -> None:
    with pytest.raises(ValueError, match="0 da segnalare"):
        propose(SPEC, [Example("ciao", False)] * 20, ["x"] * 20)
    with pytest.raises(ValueError, match="3 esempi"):
        propose(SPEC, examples()[:3], ["x"] * 3)


def test_with_weights_refuses_an_unknown_rule_or_a_zero_weight() -> None:
    with pytest.raises(PolicyError) as caught:
        with_weights(SPEC, {"threshold": 0, "weights": {"nope": 1.0, "ask": 0}})
    assert len(caught.value.problems) == 3


async def test_accepting_makes_a_recorded_version_and_a_stale_proposal_is_refused(
    core: Core,
) -> None:
    guild = 77
    await core.ensure_guild(guild)
    spec = core.policy.spec(guild)
    assert spec is not None
    proposal = await core.policy.propose_learning(guild, examples(), [str(i) for i in TEXTS])
    assert core.policy.version(guild) == spec.version  # proposing changes nothing
    accepted = await core.policy.accept_learning(guild, proposal, actor_id=5)
    assert accepted.version == spec.version + 1
    assert [r.weight for r in accepted.rules] == [r.weight for r in proposal.after.rules]
    (last, *_) = await core.policy.history(guild)
    assert (last.action, last.actor_id) == ("learn", 5)
    assert "10 esempi" in last.detail
    with pytest.raises(PolicyError, match="è cambiata"):
        await core.policy.accept_learning(guild, proposal, actor_id=5)


async def test_too_few_examples_is_a_clear_error(core: Core) -> None:
    await core.ensure_guild(78)
    with pytest.raises(UserFacingError, match="almeno"):
        await core.policy.propose_learning(78, examples()[:3], ["a", "b", "c"])


def test_a_rule_spec_stays_valid_after_learning() -> None:
    learned_spec, _ = learn_policy(SPEC, examples())
    assert all(isinstance(r, Rule) and r.weight != 0 for r in learned_spec.rules)
    assert isinstance(learned_spec, PolicySpec)
