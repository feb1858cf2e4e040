"""The message pipeline's cost per message, against the policy alone (same run, same texts).

Three rows on a temporary database with the default policy:
  policy.evaluate   the baseline: what the policy costs by itself;
  pipeline, clean   what every ordinary message costs (exemptions, policy, edit index, answer
                    check): should be close to the baseline, since it touches no database;
  pipeline, flagged a case, its audit entry and a nudge decision per message (database writes).

    python benchmarks/review_pipeline.py [--messages 5000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from bot.core import Core
from bot.intake.pipeline import IncomingMessage

GUILD = 1
REVIEW_CHANNEL = 12
SEED = 6

CHAT = (  # noqa: SIM905 (a sentence reads better than a list of 60 words)
    "ciao a tutti oggi pubblico un articolo sul piano editoriale e poi vi racconto com'è andata "
    "la newsletter di questa settimana ha avuto un buon tasso di apertura grazie al titolo "
    "qualcuno usa ancora wordpress con un tema leggero per la velocità del sito mobile "
    "stasera c'è la live sulle reel di instagram e sul tono di voce del brand"
).split()
REQUESTS = (
    "mi fai il logo gratis?",
    "qualcuno mi fa gratis un sito per la mia attività? non ho budget",
    "mi scrivi tu i testi del mio sito? ci metti 5 minuti",
    "fammi il piano editoriale gratis per favore",
)


def chat_line(rng: random.Random) -> str:
    return " ".join(rng.choice(CHAT) for _ in range(rng.randint(6, 30)))


def request_line(rng: random.Random) -> str:
    return chat_line(rng)[: rng.randint(0, 60)] + " " + rng.choice(REQUESTS)


async def timed(
    items: list[IncomingMessage], step: Callable[[IncomingMessage], Awaitable[object]]
) -> dict[str, float]:
    latencies = []
    started = time.perf_counter()
    for item in items:
        t0 = time.perf_counter()
        await step(item)
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "msgs_per_s": len(items) / elapsed,
        "p50_us": statistics.median(latencies) * 1e6,
        "p99_us": latencies[int(len(latencies) * 0.99) - 1] * 1e6,
    }


async def main(messages: int) -> dict[str, dict[str, float]]:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        core = await Core.open(Settings(db_path=Path(tmp) / "bench.db"))
        try:
            await core.ensure_guild(GUILD, "bench")
            await core.review.update_settings(GUILD, review_channel_id=REVIEW_CHANNEL)
            clean = [
                IncomingMessage(GUILD, 10, 10_000 + i, 100 + i % 500, chat_line(rng))
                for i in range(messages)
            ]
            flagged = [
                IncomingMessage(GUILD, 10, 900_000 + i, 100 + i % 500, request_line(rng))
                for i in range(messages // 5)
            ]
            results = {
                "policy.evaluate": await timed(
                    clean, lambda m: core.policy.evaluate(GUILD, m.text)
                ),
                "pipeline, clean": await timed(clean, core.pipeline.process),
                "pipeline, flagged": await timed(flagged, core.pipeline.process),
            }
            cases = len(await core.review.pending(GUILD, limit=messages))
            results["pipeline, flagged"]["cases"] = float(cases)
            return results
        finally:
            await core.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = asyncio.run(main(args.messages))
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{'path':<20} {'msgs/s':>10} {'p50 µs':>9} {'p99 µs':>9}")
        for name, row in figures.items():
            print(
                f"{name:<20} {row['msgs_per_s']:>10.0f} {row['p50_us']:>9.0f} {row['p99_us']:>9.0f}"
            )
        flagged_cases = int(figures["pipeline, flagged"]["cases"])
        print(f"cases opened: {flagged_cases} of {args.messages // 5} flagged messages")
