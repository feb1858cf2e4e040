"""The classifier of labelled questions (bot/knowledge/classify.py)."""

from __future__ import annotations

import pytest

from bot.knowledge import classify
from bot.knowledge.classify import Classifier
from bot.knowledge.examples import UNANSWERED, Examples
from bot.knowledge.text import analyse_query

PAIRS = [
    ("dove trovo il regolamento del server?", "faq-regole"),
    ("quali sono le regole del server?", "faq-regole"),
    ("c'è un regolamento da leggere?", "faq-regole"),
    ("come ottengo il certificato del corso?", "faq-certificati"),
    ("il certificato arriva per email?", "faq-certificati"),
    ("quando ricevo l'attestato di fine corso?", "faq-certificati"),
    ("come si fa la pizza napoletana?", UNANSWERED),
    ("che tempo fa domani a Milano?", UNANSWERED),
]
QUESTIONS = [
    "regolamento?",
    "Il CERTIFICATO del corso quando arriva?",
    "ricetta della pizza",
    "pizza, certificato e regolamento insieme",
    "x" * 4000,
    "c\u0336e\u0336r\u0336t\u0336i\u0336f\u0336i\u0336c\u0336a\u0336t\u0336o\u0336",
]


def fitted() -> Classifier:
    model = classify.fit(PAIRS)
    assert model is not None
    return model


@pytest.mark.parametrize("question", QUESTIONS)
def test_predict_matches_scikit_learn(question: str) -> None:
    """The fast path reads the same vocabulary, idf and weights as predict_proba."""
    model = fitted()
    vectorizer, sgd = model.sklearn
    ours = model.predict(question)
    if not ours:
        assert not vectorizer.transform([classify._prepare(question)]).nnz  # type: ignore[attr-defined]
        return
    theirs = sgd.predict_proba(vectorizer.transform([classify._prepare(question)]))[0]  # type: ignore[attr-defined]
    assert set(ours) == set(model.classes)
    for name, p in zip(model.classes, theirs, strict=True):
        assert ours[name] == pytest.approx(float(p), abs=1e-12)
    assert sum(ours.values()) == pytest.approx(1.0)


def test_two_classes_match_scikit_learn() -> None:
    model = classify.fit([(t, s) for t, s in PAIRS if s != UNANSWERED][:5])
    assert model is not None
    assert len(model.classes) == 2
    vectorizer, sgd = model.sklearn
    question = "il certificato del corso"
    theirs = sgd.predict_proba(vectorizer.transform([classify._prepare(question)]))[0]  # type: ignore[attr-defined]
    ours = model.predict(question)
    assert [ours[c] for c in model.classes] == pytest.approx([float(p) for p in theirs])


def test_reads_typos_and_inflections_through_shared_letters() -> None:
    model = fitted()
    for question, expected in (
        ("dove sta il regolamneto?", "faq-regole"),
        ("certificati dei corsi", "faq-certificati"),
        ("pizze napoletane", UNANSWERED),
    ):
        p = model.predict(question)
        assert max(p, key=p.__getitem__) == expected, question


def test_nothing_to_learn_or_to_read() -> None:
    assert classify.fit([]) is None
    assert classify.fit([("solo una classe", "faq-x"), ("ancora quella", "faq-x")]) is None
    assert classify.fit([("!!!", "faq-x"), ("???", "faq-y")]) is None  # no word at all
    model = fitted()
    assert model.predict("") == {}
    assert model.predict("🙂 ?!") == {}
    assert model.predict("qq") == {}  # no n-gram it knows


def test_fitted_reuses_the_model_of_the_same_pairs() -> None:
    first = classify.fitted(PAIRS)
    assert classify.fitted(list(PAIRS)) is first
    other = classify.fitted([*PAIRS, ("il server ha delle regole?", "faq-regole")])
    assert other is not first
    assert other is not None


def test_examples_report_the_classes_and_the_unanswerable_apart() -> None:
    examples = Examples(PAIRS, classifier=fitted())
    near = examples.near(analyse_query("come si fa la pizza?"))
    assert UNANSWERED not in near.classes
    assert near.unanswerable > max(near.classes.values())
    near = examples.near(analyse_query("quando arriva il certificato?"))
    assert max(near.classes, key=near.classes.__getitem__) == "faq-certificati"
    assert near.unanswerable + sum(near.classes.values()) == pytest.approx(1.0)
    assert not Examples(PAIRS).near(analyse_query("certificato?")).classes  # no classifier


def test_examples_know_what_each_source_is_asked_about() -> None:
    examples = Examples(PAIRS)
    said = examples.said("faq-certificati")
    assert {"certific", "attest", "cors"} <= said
    assert "regol" not in said
    assert examples.said("faq-nessuna") == frozenset()


def test_the_model_is_the_mean_of_several_shuffles() -> None:
    """SGD's order of visit moves one fit's answers a little: the model is the mean of the fits
    of SEEDS, the same on every machine and every refit."""
    import warnings

    import numpy
    from sklearn.linear_model import SGDClassifier

    model = fitted()
    vectorizer, mean = model.sklearn
    matrix = vectorizer.transform([classify._prepare(t) for t, _ in PAIRS])  # type: ignore[attr-defined]
    labels = [c for _, c in PAIRS]
    coefs = []
    for seed in classify.SEEDS:
        single = SGDClassifier(
            loss="log_loss",
            alpha=classify.ALPHA,
            max_iter=classify.EPOCHS,
            random_state=seed,
            tol=1e-4,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            coefs.append(single.fit(matrix, labels).coef_)
    assert len(coefs) > 1
    assert numpy.allclose(mean.coef_, numpy.mean(coefs, axis=0))  # type: ignore[attr-defined]
    assert not numpy.allclose(mean.coef_, coefs[0])  # type: ignore[attr-defined]
    question = "il certificato del corso quando arriva?"
    assert fitted().predict(question) == model.predict(question)
