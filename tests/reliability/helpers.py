"""What the reliability tests share: flagged texts, counting review posts, database dumps."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from pathlib import Path

from tests.e2e.harness import eventually
from tests.fakediscord import FakeDiscord

# Requests for free work, worded differently each time, that any reasonable policy flags.
_ASKS = (
    "Mi fai gratis il logo per il mio sito? Non ho budget",
    "Qualcuno mi fa gratis il sito per la mia attività? Non ho budget",
    "Cerco chi mi scrive gratis gli articoli del blog, non ho budget",
)
CLEAN = "Buongiorno a tutti, oggi sistemo il piano editoriale della settimana"
_JUMP = re.compile(r"channels/[0-9]+/[0-9]+/([0-9]+)")


def flagged_text(i: int) -> str:
    return f"{_ASKS[i % len(_ASKS)]} (n. {i})"


def review_counts(fake: FakeDiscord, channel: str = "moderazione") -> Counter[int]:
    """Flagged message id → how many review embeds show it, over every post in the channel."""
    counts: Counter[int] = Counter()
    for message in fake.bot_messages(channel):
        for embed in message.embeds:
            fields = " ".join(str(f.get("value", "")) for f in embed.get("fields") or [])
            counts.update({int(m) for m in _JUMP.findall(fields)})
    return counts


async def all_posted(fake: FakeDiscord, message_ids: list[int], within: float = 15.0) -> None:
    """Wait until every message has a review post, then check none has two."""
    await eventually(lambda: set(message_ids) <= set(review_counts(fake)), timeout=within)
    doubled = {i: n for i, n in review_counts(fake).items() if n != 1}
    assert not doubled, f"cases posted more than once: {doubled}"


def dump(db_path: Path) -> list[str]:
    """Every row of every table, as SQL text: two dumps are equal iff the data is."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return list(conn.iterdump())


def cursor_of(db_path: Path, channel_id: int) -> int | None:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT last_message_id FROM channel_cursor WHERE channel_id = ?", (channel_id,)
        ).fetchone()
    return int(row[0]) if row else None


def case_status(db_path: Path, case_id: int) -> str:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        (status,) = conn.execute(
            "SELECT status FROM review_cases WHERE case_id = ?", (case_id,)
        ).fetchone()
    return str(status)
