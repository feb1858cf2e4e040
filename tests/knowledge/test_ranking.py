"""The ranker's own mechanics: which stems FTS5 is asked for, what a prepared unit keeps, and how
the answer threshold is calibrated. Answer quality itself is in test_answers.py."""

from __future__ import annotations

import gc
import math

import pytest

from benchmarks.qa_quality import Outcome, calibrate
from bot.knowledge.models import Unit, UnitStems
from bot.knowledge.ranking import Evidence, Stats, Term, match_expression, rank


def _term(stem: str, weight: float = 1.0) -> Term:
    return Term(stem, frozenset({stem}), weight, True, frozenset({stem}))


@pytest.mark.parametrize("reverse", [False, True])
def test_match_expression_breaks_frequency_ties_by_stem(reverse: bool) -> None:
    # six stems as common as each other and a budget for two of them: which two FTS5 is asked
    # for must not depend on the order a set happens to iterate in (it changes with the
    # process's hash seed, and with it the candidates and the answer)
    stems = ["zeta", "beta", "epsilon", "alfa", "delta", "gamma"]
    stats = Stats(dict.fromkeys(stems, 60), 1_000)
    terms = [_term(s) for s in (reversed(stems) if reverse else stems)]
    assert match_expression(terms, stats) == '"alfa" OR "beta"'


def test_rarest_stems_are_asked_first_within_the_budget() -> None:
    stats = Stats({"raro": 5, "medio": 100, "comune": 900}, 1_000)
    terms = [_term("comune"), _term("medio"), _term("raro")]
    assert match_expression(terms, stats) == '"medio" OR "raro"'


def test_prepared_units_keep_nothing_the_garbage_collector_must_walk() -> None:
    # thousands of prepared units are kept between questions: held in frozensets, every full
    # collection walked all their entries and stalled whichever answer triggered it
    stats = Stats({"blog": 3, "apr": 2, "wordpress": 1}, 10)
    stats.prepare(UnitStems(7, ("apr blog", "wordpress"), "apr blog wordpress gratis"))
    prepared = stats.prepared(7)
    containers = [prepared.body, prepared.label_words, prepared.adjacent]
    containers += [words for words, _ in prepared.labels]
    assert all(not gc.is_tracked(c) for c in containers)
    assert "apr blog" in prepared.adjacent
    assert "blog wordpress" in prepared.adjacent  # adjacent in the body
    assert "blog gratis" not in prepared.adjacent


def test_adjacent_words_rank_above_the_same_words_apart() -> None:
    stats = Stats({"apr": 2, "blog": 2, "oggi": 2, "sito": 2}, 10)
    stats.prepare(UnitStems(1, (), "sito apr blog oggi"))
    stats.prepare(UnitStems(2, (), "blog sito oggi apr"))
    units = [Unit(u, 0, f"article:{u}", "passage", -1.0) for u in (2, 1)]
    ranked = rank([_term("apr"), _term("blog")], units, stats)
    assert [s.unit.unit_id for s in ranked] == [1, 2]
    assert ranked[0].coverage == ranked[1].coverage
    assert ranked[0].score > ranked[1].score


def _outcome(qid: str, score: float, *, answerable: bool) -> Outcome:
    # with these coefficients the confidence is the logistic of `coverage`: logit(score) gives it
    evidence = Evidence(
        coverage=math.log(score / (1 - score)),
        label=0.0,
        line=0.0,
        margin=0.0,
        missing=0.0,
        known=0.0,
        faq=0.0,
    )
    expect = ("faq-x",) if answerable else ()
    return Outcome(qid, qid, expect, None, "faq-x", "", evidence)


COVERAGE_ONLY = (0.0, 1.0, *[0.0] * (len(Evidence(0, 0, 0, 0, 0, 0, 0).vector()) - 1))


def test_threshold_is_the_middle_of_the_widest_best_interval() -> None:
    outcomes = [
        _outcome("a1", 0.9, answerable=True),
        _outcome("a2", 0.7, answerable=True),
        _outcome("a3", 0.45, answerable=True),
        _outcome("u1", 0.3, answerable=False),
        _outcome("u2", 0.5, answerable=False),
        _outcome("u3", 0.2, answerable=False),
    ]
    # 5 of 6 right between 0.3 and 0.45 and between 0.5 and 0.7; the wider interval wins
    low, high, threshold = calibrate(outcomes, COVERAGE_ONLY)
    assert (round(low, 3), round(high, 3), threshold) == (0.5, 0.7, 0.6)


def test_threshold_weighs_abstaining_as_much_as_answering() -> None:
    # nine answerable questions and one unanswerable: counting questions, answering everything
    # (threshold under 0.4) would win; with each kind's share counted alike, abstaining on the
    # one unanswerable costs one answerable question and is worth it
    outcomes = [_outcome(f"a{i}", 0.5 + i / 20, answerable=True) for i in range(9)]
    outcomes.append(_outcome("u", 0.45, answerable=False))
    _, _, threshold = calibrate(outcomes, COVERAGE_ONLY)
    assert 0.45 < threshold <= 0.5
