"""A bounded soak: the real bot (`python -m bot run`, its own process) against the fake Discord.

For `--seconds` (60 by default, after a warm-up) a steady, open-loop mix goes through the fake:
member messages at `--rate` per second (synthetic Italian chat from benchmarks/e2e.py, fixed
seed, ~15% free-work requests that the policy flags), a slash command every `--command-every`
seconds (/ask by a member, /review pending by a moderator, in turn) and a moderator's click on
a review post in between. Reported, for the bot's process: throughput, latency percentiles per
kind (message → review post; slash → first answer; click → first answer), resident memory (RSS)
and open file descriptors at the start of the measured window and at its end, and review posts
lost or doubled. Nothing is asserted: the figures are for a human (or CI) to read.

Same-run baseline: the first `--warmup` seconds run the same mix; memory and descriptors are
taken after them, so caches that fill once (discord.py's message cache, the policy, the search
index) are not counted as growth.

    python benchmarks/soak.py                 # about a minute, table
    python benchmarks/soak.py --seconds 30    # shorter
    python benchmarks/soak.py --json          # one JSON object
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import e2e as e2e_bench  # noqa: E402  (the same synthetic chat and guild set-up)

from benchmarks.timing import percentile  # noqa: E402
from tests.e2e.harness import ReteProcess, pointed_at  # noqa: E402
from tests.fakediscord import FakeDiscord, routes  # noqa: E402

JUMP = re.compile(r"channels/[0-9]+/[0-9]+/([0-9]+)")
SEED = 7


@dataclass
class Sample:
    """What /proc says about the bot's process at one moment."""

    at: float
    rss_kb: int
    fds: int

    @classmethod
    def of(cls, pid: int) -> Sample:
        rss = 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        fds = len(list(Path(f"/proc/{pid}/fd").iterdir()))
        return cls(time.perf_counter(), rss, fds)


@dataclass
class Report:
    seconds: float
    messages: int = 0
    flagged_expected: int = 0
    posted: int = 0
    lost: int = 0
    doubled: int = 0
    commands: int = 0
    clicks: int = 0
    failed_interactions: int = 0
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    start: dict[str, int] = field(default_factory=dict)
    end: dict[str, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return (self.messages + self.commands + self.clicks) / self.seconds


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0.0, "p99": 0.0, "max": 0.0}
    return {
        "n": len(values),
        "p50": percentile(values, 0.5) * 1000,
        "p99": percentile(values, 0.99) * 1000,
        "max": max(values) * 1000,
    }


class Soak:
    def __init__(self, fake: FakeDiscord, process: ReteProcess, args: argparse.Namespace) -> None:
        self.fake = fake
        self.process = process
        self.args = args
        self.rng = random.Random(SEED)
        self.members = [fake.member(f"socio{i}") for i in range(40)]
        self.review = fake.channel("moderazione").id
        self.sent_at: dict[int, float] = {}  # flagged message id → when it was sent
        self.expected: set[int] = set()
        self.post_latency: dict[int, float] = {}
        self.posts: Counter[int] = Counter()
        self.interaction_latency: dict[str, list[float]] = {"slash": [], "click": []}
        self.failed = 0
        self.counts = Counter[str]()
        self._seen_calls = 0
        self._texts: list[str] = []
        self.flagged_texts: set[str] = set()

    def scan_posts(self) -> None:
        """New review posts since the last scan: which flagged messages they show, and when."""
        calls = self.fake.calls
        for call in calls[self._seen_calls :]:
            if (call.method, call.route) != routes.SEND_MESSAGE or call.status != 200:
                continue
            if call.param("channel_id") != self.review:
                continue
            text = json.dumps(call.json.get("embeds") or [])
            for found in {int(m) for m in JUMP.findall(text)}:
                self.posts[found] += 1
                if found in self.sent_at and found not in self.post_latency:
                    self.post_latency[found] = call.at - self.sent_at[found]
        self._seen_calls = len(calls)

    async def messages(self, until: float, measured: list[bool]) -> None:
        period = 1.0 / self.args.rate
        next_at = time.perf_counter()
        while next_at < until:
            text, flagged = self.next_text()
            author = self.rng.choice(self.members)
            sent = time.perf_counter()
            message_id = await self.fake.send_message("generale", author, text)
            if flagged:
                self.sent_at[message_id] = sent
                if measured[0]:
                    self.expected.add(message_id)
            if measured[0]:
                self.counts["messages"] += 1
            next_at += period
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    def next_text(self) -> tuple[str, bool]:
        if not self._texts:
            self._texts = e2e_bench.chat(self.rng, 500, 0.15)
        text = self._texts.pop()
        return text, text in self.flagged_texts

    async def interactions(self, until: float, measured: list[bool]) -> None:
        turn = 0
        while time.perf_counter() < until:
            await asyncio.sleep(self.args.command_every)
            turn += 1
            kind = "click" if turn % 3 == 0 else "slash"
            started = time.perf_counter()
            try:
                if kind == "click":
                    it = await self.click()
                    if it is None:
                        continue
                elif turn % 3 == 1:
                    question = self.rng.choice(e2e_bench.TOPICS)
                    it = await self.fake.slash(self.fake.regular, "ask", {"question": question})
                else:
                    it = await self.fake.slash(
                        self.fake.moderator, "review", {}, subcommand="pending"
                    )
                call = await it.response(timeout=10)
            except (TimeoutError, AssertionError, KeyError):
                self.failed += 1
                continue
            if measured[0]:
                self.interaction_latency[kind].append(call.at - started)
                self.counts["clicks" if kind == "click" else "commands"] += 1

    async def click(self) -> Any:
        """A moderator claims (or dismisses) a case on a recent review post."""
        for message in reversed(self.fake.bot_messages("moderazione")[-20:]):
            ids = [i for i in message.custom_ids() if i.startswith("rete:review:")]
            claim = next((i for i in ids if ":claim:" in i), None) or next(
                (i for i in ids if ":dismiss:" in i), None
            )
            if claim is not None:
                return await self.fake.click(self.fake.moderator, message.id, claim)
        return None

    async def watch(self, until: float) -> None:
        while time.perf_counter() < until + 10:
            self.scan_posts()
            if time.perf_counter() > until and self.expected <= set(self.posts):
                return
            await asyncio.sleep(0.05)

    async def run(self) -> Report:
        args = self.args
        pool = e2e_bench.chat(random.Random(SEED + 1), 2000, 0.5)
        self.flagged_texts = await flagged_among(self.fake, self.process.db_path, pool)
        await self.process.start()
        await self.fake.send_message(
            "generale", self.fake.owner, f"{self.fake.bot_user.mention} sync"
        )
        await self.fake.wait_for(*routes.SYNC_GUILD, timeout=20)
        measured = [False]
        begin = time.perf_counter()
        warm_until = begin + args.warmup
        until = warm_until + args.seconds
        watcher = asyncio.create_task(self.watch(until))
        workers = [
            asyncio.create_task(self.messages(until, measured)),
            asyncio.create_task(self.interactions(until, measured)),
        ]
        await asyncio.sleep(max(0.0, warm_until - time.perf_counter()))
        measured[0] = True
        start = Sample.of(self.process.pid)
        await asyncio.gather(*workers)
        await watcher
        await asyncio.sleep(1.0)  # let the last replies land before the final reading
        end = Sample.of(self.process.pid)
        report = Report(seconds=end.at - start.at)
        report.messages = self.counts["messages"]
        report.commands = self.counts["commands"]
        report.clicks = self.counts["clicks"]
        report.failed_interactions = self.failed
        report.flagged_expected = len(self.expected)
        report.posted = len(self.expected & set(self.posts))
        report.lost = len(self.expected - set(self.posts))
        report.doubled = sum(1 for i in self.expected if self.posts[i] > 1)
        report.latency_ms = {
            "message→post": percentiles(
                [self.post_latency[i] for i in self.expected if i in self.post_latency]
            ),
            "slash→answer": percentiles(self.interaction_latency["slash"]),
            "click→answer": percentiles(self.interaction_latency["click"]),
        }
        report.start = {"rss_kb": start.rss_kb, "fds": start.fds}
        report.end = {"rss_kb": end.rss_kb, "fds": end.fds}
        await self.process.terminate(timeout=30)
        return report


async def flagged_among(fake: FakeDiscord, db_path: Path, pool: list[str]) -> set[str]:
    """Configure the guild (review channel, reply nudges) and ask the policy core which of the
    texts must reach the review channel."""
    indexes = await e2e_bench.prepare(fake, db_path, pool, "reply")
    return {pool[i] for i in indexes}


def table(report: Report) -> str:
    rss = (report.end["rss_kb"] - report.start["rss_kb"]) / 1024
    lines = [
        f"soak: {report.seconds:.1f} s measured, bot in its own process (python -m bot run)",
        "",
        f"{'':24}{'start':>12}{'end':>12}{'growth':>12}",
        f"{'RSS (MB)':24}{report.start['rss_kb'] / 1024:>12.1f}{report.end['rss_kb'] / 1024:>12.1f}"
        f"{rss:>+12.1f}",
        f"{'open descriptors':24}{report.start['fds']:>12}{report.end['fds']:>12}"
        f"{report.end['fds'] - report.start['fds']:>+12}",
        "",
        f"throughput: {report.throughput:.1f} events/s ({report.messages} messages, "
        f"{report.commands} slash commands, {report.clicks} clicks; "
        f"{report.failed_interactions} interactions unanswered)",
        f"review posts: {report.posted}/{report.flagged_expected} flagged messages posted, "
        f"{report.lost} lost, {report.doubled} doubled",
        "",
        f"{'latency (ms)':24}{'n':>8}{'p50':>10}{'p99':>10}{'max':>10}",
    ]
    for kind, values in report.latency_ms.items():
        lines.append(
            f"{kind:24}{values['n']:>8}{values['p50']:>10.1f}{values['p99']:>10.1f}"
            f"{values['max']:>10.1f}"
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="rete-soak-") as tmp:
        fake = FakeDiscord()
        await fake.start()
        try:
            with pointed_at(fake):
                process = ReteProcess(fake, Path(tmp) / "rete.db", cwd=Path(tmp) / "cwd")
                try:
                    report = await Soak(fake, process, args).run()
                finally:
                    await process.close()
        finally:
            await fake.stop()
    if args.json:
        print(json.dumps({**asdict(report), "throughput": report.throughput}, indent=2))
    else:
        print(table(report))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="measured time (60)")
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured start (10)")
    parser.add_argument("--rate", type=float, default=100.0, help="member messages/s (100)")
    parser.add_argument(
        "--command-every", type=float, default=0.2, help="seconds between interactions (0.2)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
