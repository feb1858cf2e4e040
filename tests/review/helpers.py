"""Helpers for the review tests: a real Core on a temporary SQLite file.

The core runs the real default policy. `StubPolicy` (same shape as bot.policy's Verdict) makes
hand-built verdicts for the store tests, which pin the queue's own behaviour whatever the
real policy decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from bot.intake.pipeline import IncomingMessage, Origin
from bot.knowledge import Lookup

GUILD = 1
CHANNEL = 10
REVIEW_CHANNEL = 12
MEMBER = 100
MODERATOR = 200


@dataclass(frozen=True)
class StubHit:
    rule: str
    weight: float
    spans: tuple[tuple[int, int], ...]
    shadow: bool = False


@dataclass(frozen=True)
class StubVerdict:
    flagged: bool
    score: float
    threshold: float
    hits: tuple[StubHit, ...]
    policy_version: int = 1

    @property
    def alert(self) -> bool:
        return sum(h.weight for h in self.hits if not h.shadow) >= self.threshold


@dataclass
class StubPolicy:
    """Flags a text whose keywords weigh at least the threshold; shadow keywords count too."""

    keywords: dict[str, float] = field(
        default_factory=lambda: {"gratis": 1.0, "fammi": 0.6, "logo": 0.5, "sito": 0.5}
    )
    shadow: set[str] = field(default_factory=set)
    threshold: float = 1.0
    version: int = 1
    exempt_roles: set[int] = field(default_factory=set)
    exempt_channels: set[int] = field(default_factory=set)
    calls: int = 0

    def evaluate(self, guild_id: int, text: str) -> StubVerdict:
        self.calls += 1
        low = text.lower()
        hits = []
        for word, weight in self.keywords.items():
            spans = []
            start = low.find(word)
            while start != -1:
                spans.append((start, start + len(word)))
                start = low.find(word, start + 1)
            if spans:
                hits.append(StubHit(word, weight, tuple(spans), word in self.shadow))
        score = sum(h.weight for h in hits)
        flagged = score >= self.threshold
        return StubVerdict(flagged, score, self.threshold, tuple(hits), self.version)

    def evaluate_texts(self, texts: Iterable[str]) -> list[StubVerdict]:
        return [self.evaluate(GUILD, t) for t in texts]

    async def seed(self, guild_id: int) -> bool:
        return False

    def is_exempt(self, guild_id: int, channel_id: int, role_ids: Iterable[int]) -> bool:
        return channel_id in self.exempt_channels or bool(set(role_ids) & self.exempt_roles)


@dataclass(frozen=True)
class StubAnswer:
    source: str
    score: float
    title: str
    text: str
    url: str | None
    author: str | None = None
    date: str | None = None


class StubKnowledge:
    """Answers any message ending with '?'; has a norm FAQ entry."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def auto_lookup(
        self, guild_id: int, channel_id: int, text: str, *, now: float
    ) -> Lookup | None:
        """What the pipeline's automatic answer looks up: None for what is not a question."""
        self.asked.append(text)
        if text.rstrip().endswith("?"):
            best = StubAnswer("faq-x", 0.9, "Una FAQ", "La risposta.", "https://example.org/faq")
            return Lookup(best, None)  # type: ignore[arg-type]
        return None

    async def norm_entry(self, guild_id: int) -> StubAnswer | None:
        return StubAnswer(
            "faq-norma", 1.0, "Perché niente consulenze gratis", "…", "https://example.org/norma"
        )


async def open_core(path: Path) -> Core:
    """A Core with the real policy (the default one, seeded); knowledge answers stubbed."""
    core = await Core.open(Settings(db_path=path))
    stub = StubKnowledge()
    # The real knowledge service, with its two answers the pipeline asks for made predictable.
    core.knowledge.auto_lookup = stub.auto_lookup  # type: ignore[method-assign]
    core.knowledge.norm_entry = stub.norm_entry  # type: ignore[method-assign]
    core.knowledge.asked = stub.asked  # type: ignore[attr-defined]
    await core.ensure_guild(GUILD, "Accademia")
    return core


_next_id = [5000]


def message(
    text: str,
    *,
    message_id: int | None = None,
    author: int = MEMBER,
    channel: int = CHANNEL,
    origin: Origin = Origin.LIVE,
    roles: frozenset[int] = frozenset(),
    is_bot: bool = False,
    guild: int | None = GUILD,
) -> IncomingMessage:
    if message_id is None:
        _next_id[0] += 1
        message_id = _next_id[0]
    return IncomingMessage(
        guild_id=guild,
        channel_id=channel,
        message_id=message_id,
        author_id=author,
        text=text,
        is_bot=is_bot,
        role_ids=roles,
        origin=origin,
    )
