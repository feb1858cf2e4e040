"""Answer latency over the real corpus and synthetic corpora of 1,000 and 20,000 documents.

For each corpus it times `KnowledgeService.lookup` (the whole answer path: query analysis,
bm25, re-ranking, loading the answer's text) and, as the same-run baseline, the bare FTS5
query (`KnowledgeStore.search`) that a lookup makes on a large index; on an index of up to
PREWARM_MAX units the lookup finds the same units with the same bm25 in memory (postings.py,
built by refresh(): its cost is in "build s"). Synthetic articles are drawn with a fixed seed from
the real corpus's own word frequencies, three passages each; queries mix the labelled
questions with random ones drawn the same way. Twenty other questions are asked first, untimed
(the service keeps searches and answer texts per index version: a timed question must not be
one it has just been asked).

    python benchmarks/search.py [--shared PATH] [--sizes 1000 20000] [--queries 300] [--json]
        [--best-of N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.timing import percentile  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.knowledge import KnowledgeService, ingest  # noqa: E402
from bot.knowledge.markup import Passage  # noqa: E402
from bot.knowledge.models import ArticleDoc, Batch  # noqa: E402
from bot.knowledge.ranking import match_expression, resolve  # noqa: E402
from bot.knowledge.service import CANDIDATES  # noqa: E402
from bot.knowledge.text import analyse_query, words  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = 20_240_611
PASSAGES_PER_DOC = 3
WORDS_PER_PASSAGE = 70
BATCH = 2_000  # articles per import transaction while building a synthetic corpus
WARM = 20  # questions asked before timing, none of them timed


def vocabulary(shared: Path) -> tuple[list[str], list[int]]:
    batch = ingest.load_sources([shared / "corpus"])
    counts: Counter[str] = Counter()
    for article in batch.articles:
        for passage in article.passages:
            counts.update(words(passage.text))
    for faq in batch.faqs:
        counts.update(words(faq.answer))
    common = counts.most_common()
    return [w for w, _ in common], [c for _, c in common]


def synthetic_articles(
    n: int, vocab: list[str], weights: list[int], rng: random.Random
) -> list[ArticleDoc]:
    articles = []
    for i in range(n):
        title = " ".join(rng.choices(vocab, weights, k=rng.randint(4, 9))).capitalize()
        passages = tuple(
            Passage(
                " ".join(rng.choices(vocab, weights, k=3)).capitalize() if p else None,
                " ".join(rng.choices(vocab, weights, k=WORDS_PER_PASSAGE)) + ".",
            )
            for p in range(PASSAGES_PER_DOC)
        )
        articles.append(ArticleDoc(slug=f"sintetico-{i}", title=title, passages=passages))
    return articles


def questions(
    shared: Path, vocab: list[str], weights: list[int], rng: random.Random, count: int
) -> list[str]:
    real: list[str] = []
    for path in (
        shared / "eval" / "questions-dev.jsonl",
        ROOT / "tests/knowledge/data/questions.jsonl",
    ):
        if path.exists():
            real += [
                json.loads(line)["text"]
                for line in path.read_text("utf-8").splitlines()
                if line.strip()
            ]
    made = [" ".join(rng.choices(vocab, weights, k=rng.randint(3, 9))) + "?" for _ in range(count)]
    mixed = real + made
    rng.shuffle(mixed)
    return mixed[:count]


async def timed(
    calls: Sequence[Callable[[], Awaitable[object]]],
    warm: Sequence[Callable[[], Awaitable[object]]],
    best_of: int = 1,
    fresh: Callable[[], None] = lambda: None,
) -> list[float]:
    """Each call's time in ms; with `best_of` > 1 each call is made that many times and its
    fastest kept (`fresh()`, untimed, before each: the service forgets its searches)."""
    for call in warm:  # other questions: the service keeps searches and texts per index version
        await call()
    out = []
    for call in calls:
        best = math.inf
        for _ in range(best_of):
            fresh()
            start = time.perf_counter()
            await call()
            best = min(best, (time.perf_counter() - start) * 1000)
        out.append(best)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(percentile(samples, 0.99), 3),
        "mean_ms": round(statistics.fmean(samples), 3),
    }


async def measure(
    name: str,
    build: Callable[[KnowledgeService], Awaitable[int]],
    qs: list[str],
    warm: list[str],
    best_of: int = 1,
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database(Path(tmp) / "bench.db").open()
        try:
            service = KnowledgeService(db)
            start = time.perf_counter()
            documents = await build(service)
            await service.refresh()
            build_s = time.perf_counter() - start
            stats = await service._stats_now()  # the benchmark reads the engine's state
            expressions = [match_expression(resolve(analyse_query(q), stats), stats) for q in qs]
            warm_expressions = [
                match_expression(resolve(analyse_query(q), stats), stats) for q in warm
            ]

            def lookup(q: str) -> Callable[[], Awaitable[object]]:
                return lambda: service.lookup(q)

            def bare(e: str) -> Callable[[], Awaitable[object]]:
                return lambda: service.store.search(e, 0, limit=CANDIDATES)

            def fresh() -> None:
                service._searches = {}  # a repeat must search again, as the first time did

            answer = await timed([lookup(q) for q in qs], [lookup(q) for q in warm], best_of, fresh)
            baseline = await timed(
                [bare(e) for e in expressions if e],
                [bare(e) for e in warm_expressions if e],
                best_of,
            )
            units = sum((await service.store.unit_counts()).values())
            service.close()
        finally:
            await db.close()
    return {
        "corpus": name,
        "documents": documents,
        "units": units,
        "build_s": round(build_s, 1),
        "queries": len(qs),
        "answer": summary(answer),
        "baseline_fts5_only": summary(baseline),
    }


async def run(
    shared: Path, sizes: list[int], count: int, best_of: int = 1
) -> list[dict[str, object]]:
    rng = random.Random(SEED)
    vocab, weights = vocabulary(shared)
    drawn = questions(shared, vocab, weights, rng, count + WARM)
    warm, qs = drawn[:WARM], drawn[WARM:]

    async def real(service: KnowledgeService) -> int:
        report = await service.import_sources([shared / "corpus"])
        return report.articles_added + report.faqs_added

    results = [await measure("real corpus", real, qs, warm, best_of)]
    for size in sizes:
        articles = synthetic_articles(size, vocab, weights, random.Random(SEED + size))

        async def synthetic(
            service: KnowledgeService, articles: list[ArticleDoc] = articles
        ) -> int:
            await service.import_sources([shared / "corpus"])
            for start in range(0, len(articles), BATCH):
                await service.store.write_batch(
                    0, Batch(articles=tuple(articles[start : start + BATCH])), now=0.0
                )
            return len(articles)

        results.append(await measure(f"synthetic {size}", synthetic, qs, warm, best_of))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 20000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--best-of",
        type=int,
        default=1,
        help="time each question this many times and keep its fastest: what a lookup costs "
        "without the machine's other work (a shared machine's scheduler pauses dominate p99)",
    )
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.shared, args.sizes, args.queries, max(1, args.best_of)))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    header = (
        f"{'corpus':<18} {'docs':>6} {'units':>7} {'build s':>8} "
        f"{'answer p50':>11} {'p99':>8} {'fts5 p50':>9} {'p99':>8}"
    )
    print(header)
    for r in results:
        a, b = r["answer"], r["baseline_fts5_only"]
        print(
            f"{r['corpus']:<18} {r['documents']:>6} {r['units']:>7} {r['build_s']:>8} "
            f"{a['p50_ms']:>9.3f}ms {a['p99_ms']:>6.3f}ms "  # type: ignore[index]
            f"{b['p50_ms']:>7.3f}ms {b['p99_ms']:>6.3f}ms"  # type: ignore[index]
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
