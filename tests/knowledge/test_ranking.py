"""The ranker's own mechanics: which stems FTS5 is asked for, what a prepared unit keeps, and how
the answer threshold is calibrated. Answer quality itself is in test_answers.py."""

from __future__ import annotations

import gc
import math

import pytest

from benchmarks.qa_quality import (
    Outcome,
    balance,
    calibrate,
    failures,
    fit_logistic,
    fit_ranking,
)
from bot.knowledge.examples import Examples
from bot.knowledge.models import Unit, UnitStems
from bot.knowledge.ranking import (
    RANK_FEATURES,
    Evidence,
    Stats,
    Term,
    evidence,
    match_expression,
    rank,
)
from bot.knowledge.text import analyse_query


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


def six_outcomes() -> list[Outcome]:
    """Three answerable and three unanswerable questions whose confidences interleave."""
    return [
        _outcome("a1", 0.9, answerable=True),
        _outcome("a2", 0.7, answerable=True),
        _outcome("a3", 0.45, answerable=True),
        _outcome("u1", 0.3, answerable=False),
        _outcome("u2", 0.5, answerable=False),
        _outcome("u3", 0.2, answerable=False),
    ]


def test_threshold_is_the_middle_of_the_widest_best_interval() -> None:
    outcomes = six_outcomes()
    # 5 of 6 right between 0.3 and 0.45 and between 0.5 and 0.7; the wider interval wins
    low, high, threshold = calibrate(outcomes, COVERAGE_ONLY, window=0)
    assert (round(low, 3), round(high, 3), threshold) == (0.5, 0.7, 0.6)
    # averaged over 0.1 on each side, the wider plateau wins too, at its middle
    assert calibrate(outcomes, COVERAGE_ONLY)[2] == pytest.approx(0.6, abs=0.005)


def test_threshold_is_the_middle_of_a_plateau_not_its_narrow_peak() -> None:
    # right answers from 0.35 to 0.8, unanswerable ones at 0.3, 0.32 and 0.82: the exact best
    # is any threshold from 0.32 to 0.35 (everything right), a sliver; averaged over a window,
    # the best is further in, where a question's confidence moving a little costs less
    answerable = [_outcome(f"a{i}", 0.35 + i * 0.05, answerable=True) for i in range(10)]
    unanswerable = [_outcome(f"u{i}", s, answerable=False) for i, s in enumerate((0.3, 0.32, 0.82))]
    outcomes = [*answerable, *unanswerable]
    low, high, exact = calibrate(outcomes, COVERAGE_ONLY, window=0)
    assert 0.32 <= low < exact < high <= 0.35
    _, _, averaged = calibrate(outcomes, COVERAGE_ONLY)
    assert averaged > high


def test_threshold_weighs_abstaining_as_much_as_answering() -> None:
    # nine answerable questions and one unanswerable: counting questions, answering everything
    # (threshold under 0.4) would win; with each kind's share counted alike, abstaining on the
    # one unanswerable costs one answerable question and is worth it
    outcomes = [_outcome(f"a{i}", 0.5 + i / 20, answerable=True) for i in range(9)]
    outcomes.append(_outcome("u", 0.45, answerable=False))
    _, _, threshold = calibrate(outcomes, COVERAGE_ONLY, window=0)
    assert 0.45 < threshold <= 0.5


def test_the_calibration_study_chooses_thresholds_as_the_shipped_fit_does() -> None:
    from benchmarks.qa_calibration import threshold

    outcomes = six_outcomes()
    scored = [(o, o.score(COVERAGE_ONLY)) for o in outcomes]
    assert round(threshold(scored), 3) == calibrate(outcomes, COVERAGE_ONLY)[2]


def test_each_sets_answerable_and_unanswerable_questions_weigh_alike_in_the_fit() -> None:
    outcomes = [
        *(_outcome(f"a{i}", 0.6, answerable=True) for i in range(6)),
        *(_outcome(f"u{i}", 0.4, answerable=False) for i in range(2)),
        *(_outcome(f"b{i}", 0.6, answerable=True) for i in range(2)),
        _outcome("v", 0.4, answerable=False),
    ]
    sets = ["one"] * 8 + ["two"] * 3
    weights = balance(outcomes, sets)
    groups = [(0, 6), (6, 8), (8, 10), (10, 11)]  # each set's answerable, then unanswerable
    totals = {round(sum(weights[a:b]), 9) for a, b in groups}
    assert len(totals) == 1  # four groups of 6, 2, 2 and 1 questions, one total each
    assert math.isclose(sum(weights), len(outcomes))


def _ranked(qid: str, coverage: float, *, right: bool) -> Outcome:
    evidence = Evidence(coverage, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return Outcome(qid, qid, ("faq-x",), None, "faq-x" if right else "faq-y", "", evidence)


def test_the_confidence_can_be_fitted_without_questions_whose_first_source_is_wrong() -> None:
    # top-1 counts such a question missed whatever its confidence: fitted, these three (as
    # covered as the right answers) would drag the coverage's coefficient down
    right = [_ranked(f"r{i}", 0.8, right=True) for i in range(3)]
    unanswerable = [_outcome(f"u{i}", 0.1, answerable=False) for i in range(3)]
    unanswerable = [
        Outcome(o.qid, o.text, (), None, "faq-x", "", Evidence(0.2, 0, 0, 0, 0, 0, 0))
        for o in unanswerable
    ]
    wrong = [_ranked(f"w{i}", 0.8, right=False) for i in range(3)]
    alone = fit_logistic([*right, *unanswerable])
    assert fit_logistic([*right, *unanswerable, *wrong], skip_wrong_first=True) == alone
    assert fit_logistic([*right, *unanswerable, *wrong]) != alone  # the shipped fit has them
    assert alone[1] > 0  # coverage tells a right answer from an unanswerable question


def test_failures_are_counted_by_kind() -> None:
    # COVERAGE_ONLY: the confidence is the logistic of the coverage (3 → 0.95, -3 → 0.05)
    outcomes = [
        _ranked("right-trusted", 3.0, right=True),
        _ranked("right-untrusted", -3.0, right=True),
        _ranked("wrong-answered", 3.0, right=False),
        _ranked("wrong-abstained", -3.0, right=False),
        Outcome("none", "none", ("faq-x",), None, None, "", None),
        Outcome("unanswered", "u", (), None, "faq-x", "", Evidence(3.0, 0, 0, 0, 0, 0, 0)),
        Outcome("abstained", "u", (), None, "faq-x", "", Evidence(-3.0, 0, 0, 0, 0, 0, 0)),
    ]
    assert failures(outcomes, COVERAGE_ONLY, 0.5) == {
        "right_first_untrusted": 1,
        "wrong_first_answered": 1,
        "wrong_first_abstained": 1,
        "nothing_found": 1,
        "answered_unanswerable": 1,
    }


def test_the_ranking_score_is_the_weighted_sum_of_its_features() -> None:
    stats = Stats({"apr": 2, "blog": 2, "sito": 5}, 10)
    stats.prepare(UnitStems(1, ("apr blog",), "apr blog sito"))
    stats.prepare(UnitStems(2, (), "sito apr"))
    units = [Unit(1, 0, "faq-a", "faq", -2.0), Unit(2, 0, "article:b", "passage", -1.0)]
    weights = (1.5, -0.5, 2.0, 0.7, 0.3, 0.9, -1.1, 4.0, 6.0, 3.0)
    for community, definition in ((False, False), (True, False), (False, True)):
        ranked = rank(
            [_term("apr"), _term("blog")],
            units,
            stats,
            community=community,
            definition=definition,
            weights=weights,
        )
        for s in ranked:
            assert len(s.features) == len(RANK_FEATURES)
            assert s.score == pytest.approx(
                sum(w * f for w, f in zip(weights, s.features, strict=True))
            )
        faq = next(s for s in ranked if s.unit.kind == "faq")
        assert faq.features[RANK_FEATURES.index("faq_comunita")] == float(community)
        assert faq.features[RANK_FEATURES.index("faq_definizione")] == float(definition)


def _outcome_with(candidates: list[tuple[bool, tuple[float, ...]]]) -> Outcome:
    return Outcome("q", "q", ("faq-x",), None, None, "", None, candidates=tuple(candidates))


def test_the_ranking_fit_learns_which_feature_tells_the_right_candidate() -> None:
    # the right candidate always has the higher first feature; the second is noise
    outcomes = [
        _outcome_with([(True, (0.9, 0.1 * (i % 3))), (False, (0.2, 0.1 * ((i + 1) % 3)))])
        for i in range(30)
    ]
    weights = fit_ranking(outcomes)
    assert weights[0] > 1.0
    assert abs(weights[1]) < weights[0]
    # an unanswerable question, or one whose source the search missed, teaches nothing
    unanswerable = Outcome("u", "u", (), None, None, "", None, candidates=((False, (1.0, 0.0)),))
    missed = _outcome_with([(False, (1.0, 1.0))])
    assert fit_ranking([*outcomes, unanswerable, missed]) == weights


def test_words_typical_of_a_sources_questions_count_for_it_pooled() -> None:
    pairs = [
        ("posso avere un rimborso del corso?", "faq-rimborsi"),
        ("rivoglio i soldi, come faccio?", "faq-rimborsi"),
        ("come chiedo i soldi indietro?", "faq-rimborsi"),
        ("quale hosting scelgo per il blog?", "faq-hosting"),
        ("mi consigliate un hosting economico?", "faq-hosting"),
        ("rimborso della bici", "faq-bici"),  # a guild's own phrasing: never pooled
        ("soldi e rimborso", "faq-titolo"),  # the corpus' own phrasing: not pooled
    ]
    owners = [0, 0, 0, 0, 0, 7, 0]
    pooled = [True, True, True, True, True, True, False]
    examples = Examples(pairs, owners=owners, pooled=pooled)
    # no single example says both words, but the refunds questions pooled do
    typical = examples.near(analyse_query("soldi indietro o rimborso?"), 7).typical
    assert max(typical, key=lambda s: typical[s]) == "faq-rimborsi"
    assert 0.0 < typical["faq-rimborsi"] <= 1.0
    assert "faq-bici" not in typical
    assert "faq-titolo" not in typical
    assert "faq-hosting" not in typical
    with pytest.raises(ValueError, match="pooled"):
        Examples(pairs, owners=owners, pooled=[True])


def test_a_guilds_own_wording_overrides_a_shared_unanswerable_example() -> None:
    """A moderator who made a member's wording a FAQ entry's answered it for the server: the
    shared example saying nothing answers it no longer counts there, and still does elsewhere."""
    pairs = [
        ("chi ha vinto ieri sera il derby?", ""),  # shared: nothing answers it
        ("chi ha vinto il derby ieri sera?", "faq-calcio"),  # guild 7's own entry
        ("dove si parcheggia?", "faq-parcheggio"),  # guild 7's, far from the question
    ]
    examples = Examples(pairs, owners=[0, 7, 8])
    derby = analyse_query("chi ha vinto il derby ieri sera?")
    here = examples.near(derby, 7)
    assert here.unanswered == 0.0
    assert here.sources["faq-calcio"] > 0.9
    assert examples.near(derby, 0).unanswered > 0.9  # elsewhere the shared example stands
    # a guild's own wording far from the question overrides nothing
    assert examples.near(derby, 8).unanswered > 0.9


def test_what_the_question_asks_beyond_its_sources_usual_topic_is_unexplained() -> None:
    """A word the answer lacks counts against it unless members asking this source say it too:
    a paraphrase its examples know is explained, a detail nobody asks it about is not."""
    stats = Stats({"fot": 2, "piatt": 2, "luc": 3}, 10)
    stats.prepare(UnitStems(1, ("fot piatt",), "fot piatt luc"))
    units = [Unit(1, 0, "article:foto", "passage", -1.0)]
    lamp = Term("lampada", frozenset({"lamp"}), stats.idf(0), False)
    terms = [_term("fot"), _term("piatt"), lamp]
    ranked = rank(terms, units, stats)
    asked = "foto dei piatti con una lampada?"
    bare = evidence(terms, ranked, stats, question=asked)
    assert bare.unexplained == pytest.approx(lamp.weight / sum(t.weight for t in terms))
    known = evidence(terms, ranked, stats, question=asked, said=frozenset({"lamp", "fot"}))
    assert known.unexplained == 0.0
    everything = evidence(terms, ranked, stats, question=asked, said=frozenset({"piatt"}))
    assert everything.unexplained == bare.unexplained  # words the answer has are never counted


def test_the_curve_reads_top1_at_each_share_of_unanswerable_questions_declined() -> None:
    from benchmarks.qa_quality import curve

    right = [_outcome(f"a{i}", 0.5, answerable=True) for i in range(4)]
    scored = [
        (right[0], 0.9),
        (right[1], 0.8),
        (right[2], 0.4),
        (right[3], 0.1),
        *(
            (_outcome(f"u{i}", 0.5, answerable=False), s)
            for i, s in enumerate((0.05, 0.3, 0.35, 0.85))
        ),
    ]
    levels = curve(scored)
    assert levels["0.75"] == pytest.approx(0.75)  # 3 of 4 declined: over 0.35, three kept
    assert levels["0.80"] == pytest.approx(0.25)  # all 4 declined: over 0.85, one kept
    assert curve(scored[:4])["0.80"] is None
    wrong_first = Outcome("w", "w", ("faq-y",), None, "faq-x", "", None)
    assert curve([*scored, (wrong_first, 0.99)])["0.80"] == pytest.approx(1 / 5)
