"""Which source answers a question, learned from the questions members already asked.

The nearest labelled question (examples.py) says what one other member asked; a classifier says
what all of them have in common. A linear model over the question's character n-grams (scikit-
learn: TF-IDF of 3 to 5 letters within words, then a logistic loss fitted by stochastic gradient
descent) reads typos, inflections and dialect as the letters they share with the words it knows
("regolamneto", "blogghino"), and weighs each n-gram by how well it tells the sources apart,
not by how rare it is. The questions the corpus does not answer are a class of their own: its
probability is evidence for abstaining.

The model is the mean of a few fits that visit the phrasings in different orders (SEEDS): one
order's luck moved the answers to a hundred questions by one or two. Fitted in about a second on
the shipped examples and the corpus' phrasings, once per set of phrasings (`fitted` keeps the
last few): an index refresh that leaves the phrasings alone reuses it.
"""

from __future__ import annotations

import hashlib
import math
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy

from bot.knowledge.text import words

NGRAMS = (3, 5)  # letters per n-gram, within a word ("_blo", "blog_")
ALPHA = 1e-5  # the logistic loss' L2 penalty
EPOCHS = 50  # passes over the phrasings at most
SEEDS = (0, 1, 2)  # SGD shuffles the phrasings: fixed seeds fit the same model every time
MIN_CLASSES = 2  # fewer classes than this is nothing to tell apart
CACHED = 4  # models kept, by the phrasings they were fitted on


def _prepare(text: str) -> str:
    return " ".join(words(text))


class Classifier:
    """A fitted model: each class' probability for a question.

    Asked on every lookup, so it does not go through scikit-learn's checks (a millisecond a
    question): the vectorizer's own analyzer gives the n-grams, and the fitted vocabulary,
    idf and coefficients give the same probabilities as `predict_proba` (tested)."""

    def __init__(self, vectorizer: Any, model: Any) -> None:
        self._analyze: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self._columns: dict[str, int] = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        self._idf = numpy.asarray(vectorizer.idf_, dtype=numpy.float64)
        # one row per n-gram: its weight for every class (one-vs-rest)
        self._weights = numpy.ascontiguousarray(numpy.asarray(model.coef_, dtype=numpy.float64).T)
        self._intercepts = numpy.asarray(model.intercept_, dtype=numpy.float64)
        self.classes: tuple[str, ...] = tuple(str(c) for c in model.classes_)
        self.sklearn = (vectorizer, model)  # for the tests that check the arithmetic

    def predict(self, text: str) -> dict[str, float]:
        """Each class' probability (they sum to 1); {} for a text with no n-gram it knows."""
        counts: dict[int, int] = {}
        for gram in self._analyze(_prepare(text)):
            column = self._columns.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return {}
        columns = numpy.fromiter(counts, dtype=numpy.intp, count=len(counts))
        values = 1.0 + numpy.log(numpy.fromiter(counts.values(), dtype=numpy.float64))
        values *= self._idf[columns]
        values /= numpy.sqrt(values @ values)
        decision = values @ self._weights[columns] + self._intercepts
        if len(self.classes) == 2:  # one decision: the second class against the first
            second = 1.0 / (1.0 + math.exp(-float(decision[0])))
            return {self.classes[0]: 1.0 - second, self.classes[1]: second}
        odds = 1.0 / (1.0 + numpy.exp(-decision))
        odds /= odds.sum()
        return {c: float(p) for c, p in zip(self.classes, odds, strict=True)}


def fit(pairs: Sequence[tuple[str, str]]) -> Classifier | None:
    """A classifier of (text, class) pairs, or None when there is too little to learn from."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier

    kept = [(p, c) for p, c in ((_prepare(t), c) for t, c in pairs) if p]
    if len({c for _, c in kept}) < MIN_CLASSES:
        return None
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, lowercase=False
    )
    matrix = vectorizer.fit_transform([p for p, _ in kept])
    labels = [c for _, c in kept]
    models = []
    for seed in SEEDS:
        model = SGDClassifier(
            loss="log_loss", alpha=ALPHA, max_iter=EPOCHS, random_state=seed, tol=1e-4
        )
        with warnings.catch_warnings():
            # a last epoch that still moves the weights a little is no reason to warn
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(matrix, labels)
        models.append(model)
    # the mean of the fits: the order SGD visits the phrasings in moves a single fit's answers
    # by a few questions in a hundred; the mean of a few is steadier than any one of them
    mean = models[0]
    mean.coef_ = numpy.mean([m.coef_ for m in models], axis=0)
    mean.intercept_ = numpy.mean([m.intercept_ for m in models], axis=0)
    return Classifier(vectorizer, mean)


_cache: OrderedDict[str, Classifier | None] = OrderedDict()
_lock = threading.Lock()


def fitted(pairs: Sequence[tuple[str, str]]) -> Classifier | None:
    """`fit(pairs)`, reusing the model of the same pairs fitted before (CACHED are kept)."""
    digest = hashlib.sha256()
    for text, label in pairs:
        digest.update(f"{len(text)}:{text}{len(label)}:{label}".encode())
    key = digest.hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    model = fit(pairs)
    with _lock:
        _cache[key] = model
        while len(_cache) > CACHED:
            _cache.popitem(last=False)
    return model
