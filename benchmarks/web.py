"""The dashboard's queue page with 10,000 cases: server time per request, p50 and p99.

Times the aiohttp handler (a middleware around it, so the network and the client are not in
the figure) for the queue page as moderators use it: the open cases newest first, filtered by a
rule, by a member and dates, a deep page, and the rows fragment the page polls for. Same-run
baselines: the same page for a server with no cases (the fixed cost of a page: session,
permission check, template) and the bare core query behind the first row (`ReviewService.search`,
no rendering). Cases are opened through the core, as the bot opens them (fixed seed).

    python benchmarks/web.py [--cases 10000] [--requests 300] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from bot.client import tune_gc  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.permissions import ConsoleModerator  # noqa: E402
from bot.review import CaseFilter, NewCase  # noqa: E402
from bot.web import Dashboard, OfflineUser  # noqa: E402
from bot.web.security import OneTimeLinks  # noqa: E402

SEED = 18
GUILD = 1
EMPTY_GUILD = 2
MODERATOR = 200
TARGET_P99_MS = 200.0
TEXTS = (
    "Ciao a tutti! Mi fai gratis il logo per il mio sito? Non ho budget",
    "Qualcuno mi fa gratis un logo e il sito per la mia attività? Non ho budget",
    "Mi scriveresti gratis tre articoli per il blog? Sono una piccola realtà",
    "Chi mi fa un piano editoriale gratis per instagram? Grazie mille",
    "Mi fai una consulenza SEO gratuita sul mio e-commerce? <b>urgente</b>",
)


class Stopwatch:
    def __init__(self) -> None:
        self.samples: list[float] = []

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        start = time.perf_counter()
        try:
            return await handler(request)
        finally:
            self.samples.append((time.perf_counter() - start) * 1000)


async def fill(core: Core, n: int, rng: random.Random) -> list[int]:
    verdicts = [await core.policy.evaluate(GUILD, text) for text in TEXTS]
    now = time.time()
    authors = [10_000 + i for i in range(500)]
    opened = []
    for start in range(0, n, 500):
        batch = []
        for i in range(start, min(n, start + 500)):
            k = rng.randrange(len(TEXTS))
            new = NewCase.of(
                guild_id=GUILD,
                channel_id=100 + rng.randrange(20),
                message_id=1_000_000 + i,
                author_id=rng.choice(authors),
                text=TEXTS[k] + f" #{i}",
                verdict=verdicts[k],
            )
            batch.append(core.review.open_case(new, now - 60 * 86_400 + i * (60 * 86_400 / n)))
        opened.extend(case.case_id for case, _, _ in await asyncio.gather(*batch))
    for case_id in rng.sample(opened, n // 3):  # a third decided, as in a living queue
        action = core.review.confirm if rng.random() < 0.5 else core.review.dismiss
        await action(GUILD, case_id, MODERATOR, now)
    return opened


def summary(name: str, samples: list[float], baseline: float | None) -> dict[str, Any]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "case": name,
        "requests": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(p99, 2),
        "p99_vs_empty": round(p99 / baseline, 2) if baseline else None,
    }


async def main(cases: int, requests: int) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as folder:
        core = await Core.open(Settings(db_path=Path(folder) / "rete.db"))
        try:
            await core.ensure_guild(GUILD, "bench")
            await core.ensure_guild(EMPTY_GUILD, "empty")
            t0 = time.perf_counter()
            await fill(core, cases, rng)
            print(f"{cases} cases opened in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            tune_gc()  # as `rete run` does once set up (bot/client.py)
            links = OneTimeLinks()
            guilds = ((GUILD, "bench"), (EMPTY_GUILD, "empty"))

            class Both(ConsoleModerator):
                async def can_moderate(
                    self, guild_id: int, user_id: int, *, within: float = 0.0
                ) -> bool:
                    return user_id == MODERATOR and guild_id in (GUILD, EMPTY_GUILD)

            dashboard = Dashboard(
                core,
                Both(GUILD, MODERATOR),
                secret=b"b" * 32,
                links=links,
                offline_user=OfflineUser(MODERATOR, "bench", guilds),
            )
            watch = Stopwatch()
            app = dashboard.app()
            app.middlewares.insert(0, watch.middleware)
            rule = core.policy.rules(GUILD)[0].name
            member = 10_000 + 7
            pages = {
                "empty queue (baseline)": f"/g/{EMPTY_GUILD}/queue",
                "queue, open cases, page 1": f"/g/{GUILD}/queue",
                "queue, all statuses, page 1": f"/g/{GUILD}/queue?status=all",
                f"queue, rule {rule}": f"/g/{GUILD}/queue?rule={rule}",
                "queue, member + dates": (
                    f"/g/{GUILD}/queue?status=all&member={member}&from=2000-01-01&to=2100-01-01"
                ),
                "queue, all statuses, older than #100": f"/g/{GUILD}/queue?status=all&before=100",
                "rows fragment (polling)": f"/g/{GUILD}/queue/rows",
            }
            results: list[dict[str, Any]] = []
            async with TestClient(TestServer(app)) as client:
                await client.get(f"/login/once?token={links.issue()}")
                page = await (await client.get(f"/g/{GUILD}/queue")).text()
                shown = len(re.findall(r'<li class="case ', page))
                assert shown == 50, f"the first page shows {shown} cases"
                baseline = None
                for name, path in pages.items():
                    for _ in range(10):  # warm-up: templates compiled, caches filled
                        await client.get(path)
                    watch.samples.clear()
                    for _ in range(requests):
                        response = await client.get(path)
                        assert response.status == 200, (path, response.status)
                        await response.read()
                    row = summary(name, list(watch.samples), baseline)
                    if baseline is None:
                        baseline = row["p99_ms"]
                        row["p99_vs_empty"] = 1.0
                    results.append(row)
            raw = []
            for _ in range(requests):
                start = time.perf_counter()
                await core.review.search(GUILD, CaseFilter(), limit=50)
                raw.append((time.perf_counter() - start) * 1000)
            results.append(summary("core query only (ReviewService.search)", raw, baseline))
            return results
        finally:
            await core.close()


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| case | requests | p50 ms | p99 ms | p99 vs empty queue |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['requests']} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
            f"{r['p99_vs_empty']:.2f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = asyncio.run(main(args.cases, args.requests))
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(table(rows))
        worst = max(r["p99_ms"] for r in rows)
        print(f"\nworst p99 {worst:.1f} ms (target ≤ {TARGET_P99_MS:.0f} ms)")
