"""Record what the answer path returns for every labelled question, or compare with a record.

A speed change must not change what Rete answers. This script asks every question of
../shared/eval/questions-*.jsonl and tests/knowledge/data/questions.jsonl (with the shipped
examples and settings) over the shared corpus, and, with `--sizes`, the search benchmark's
questions over its synthetic corpora, and writes one JSON line per question: the source chosen,
the confidence at full precision, the evidence, the alternatives, their relevance, the
suggestions, the words found and missing, every scored unit of the pool with its features, what
the examples said, and the excerpt `/excerpt` would show. `--compare` reads a record made
before the change and lists every difference (floats may differ by less than `--tolerance`).

    python benchmarks/answers_guard.py --record before.jsonl [--sizes 1000 20000]
    python benchmarks/answers_guard.py --compare before.jsonl [--sizes 1000 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import search as bench  # noqa: E402  (the synthetic corpora)
from bot.db import Database  # noqa: E402
from bot.knowledge import KnowledgeService  # noqa: E402
from bot.knowledge.models import ArticleDoc, Batch  # noqa: E402
from bot.knowledge.ranking import confidence  # noqa: E402

DEFAULT_SHARED = ROOT.parent / "shared"
SETS = ("dev", "check", "train-a", "train-b")
OWN = ROOT / "tests" / "knowledge" / "data" / "questions.jsonl"
GUILDS = (0, 1)  # the shared knowledge, and a guild that sees it (the console's)
BENCH_QUERIES = 300


def labelled_questions(shared: Path) -> list[tuple[str, str]]:
    """(set:id, text) of every labelled question."""
    out: list[tuple[str, str]] = []
    paths = [(name, shared / "eval" / f"questions-{name}.jsonl") for name in SETS]
    for name, path in [*paths, ("own", OWN)]:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out.append((f"{name}:{item['id']}", str(item["text"])))
    return out


async def record(
    service: KnowledgeService, key: str, text: str, guild_id: int
) -> dict[str, object]:
    found = await service.lookup(text, guild_id)
    reply = found.reply(service.answer_threshold)
    excerpt = await service.excerpt(text, guild_id=guild_id)
    return {
        "key": f"{key}@{guild_id}",
        "best": found.best.source if found.best else None,
        "confidence": confidence(found.evidence) if found.evidence else None,
        "score": found.best.score if found.best else None,
        "answered": reply.answer.source if reply.answer else None,
        "evidence": list(found.evidence.vector()) if found.evidence else None,
        "alternatives": [a.source for a in found.alternatives],
        "relevance": list(found.relevance),
        "suggestions": [a.source for a in found.suggestions()],
        "matched": list(found.matched),
        "missing": list(found.missing),
        "pool": [[s.unit.unit_id, s.unit.source, s.score, *s.features] for s in found.pool],
        "near": [
            sorted(found.near.sources.items()),
            found.near.unanswered,
            sorted(found.near.typical.items()),
        ],
        "excerpt": [excerpt.source, excerpt.score, excerpt.text] if excerpt else None,
    }


async def with_service(
    build: Callable[[KnowledgeService], Awaitable[None]],
    ask: Callable[[KnowledgeService], Awaitable[list[dict[str, object]]]],
) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database(Path(tmp) / "guard.db").open()
        service = KnowledgeService(db)
        try:
            await build(service)
            await service.refresh()
            return await ask(service)
        finally:
            service.close()
            await db.close()


async def collect(shared: Path, sizes: Sequence[int]) -> list[dict[str, object]]:
    questions = labelled_questions(shared)

    async def real(service: KnowledgeService) -> None:
        await service.import_sources([shared / "corpus"])

    async def ask_labelled(service: KnowledgeService) -> list[dict[str, object]]:
        return [await record(service, k, t, g) for g in GUILDS for k, t in questions]

    rows = await with_service(real, ask_labelled)
    rng = random.Random(bench.SEED)
    vocab, weights = bench.vocabulary(shared)
    made = bench.questions(shared, vocab, weights, rng, BENCH_QUERIES)
    for size in sizes:
        articles = bench.synthetic_articles(size, vocab, weights, random.Random(bench.SEED + size))

        async def synthetic(
            service: KnowledgeService, articles: list[ArticleDoc] = articles
        ) -> None:
            await service.import_sources([shared / "corpus"])
            for start in range(0, len(articles), bench.BATCH):
                await service.store.write_batch(
                    0, Batch(articles=tuple(articles[start : start + bench.BATCH])), now=0.0
                )

        async def ask_made(service: KnowledgeService, size: int = size) -> list[dict[str, object]]:
            return [await record(service, f"synthetic{size}:{i}", t, 0) for i, t in enumerate(made)]

        rows += await with_service(synthetic, ask_made)
    return rows


class Drift:
    """The largest difference between two floats within the tolerance."""

    largest = 0.0


def differences(before: object, after: object, tolerance: float, where: str = "") -> list[str]:
    if isinstance(before, float) and isinstance(after, float | int):
        if math.isclose(before, after, rel_tol=0.0, abs_tol=tolerance):
            Drift.largest = max(Drift.largest, abs(before - after))
            return []
        return [f"{where}: {before!r} → {after!r}"]
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items → {len(after)}"]
        return [
            d
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for d in differences(b, a, tolerance, f"{where}[{i}]")
        ]
    if isinstance(before, dict) and isinstance(after, dict):
        if before.keys() != after.keys():
            return [f"{where}: keys {sorted(before)} → {sorted(after)}"]
        return [
            d for k in before for d in differences(before[k], after[k], tolerance, f"{where}.{k}")
        ]
    return [] if before == after else [f"{where}: {before!r} → {after!r}"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--sizes", type=int, nargs="*", default=[])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--record", type=Path)
    mode.add_argument("--compare", type=Path)
    parser.add_argument("--tolerance", type=float, default=1e-6)
    args = parser.parse_args(argv)
    rows = asyncio.run(collect(args.shared, args.sizes))
    if args.record:
        args.record.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
        print(f"{len(rows)} answers recorded in {args.record}")
        return 0
    before = {r["key"]: r for r in map(json.loads, args.compare.read_text("utf-8").splitlines())}
    after = {str(r["key"]): json.loads(json.dumps(r)) for r in rows}  # tuples as lists
    found = [f"{k}: missing after" for k in before if k not in after]
    found += [f"{k}: new after" for k in after if k not in before]
    for key in before.keys() & after.keys():
        found += [f"{key}{d}" for d in differences(before[key], after[key], args.tolerance)]
    same = sum(
        1
        for k in before.keys() & after.keys()
        if not differences(before[k], after[k], args.tolerance)
    )
    print(
        f"{same} of {len(before)} answers identical (floats within {args.tolerance:g}; "
        f"largest float difference {Drift.largest:.3g})"
    )
    for line in sorted(found)[:200]:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
