"""What the review queue stores and returns: cases, their hits, audit entries, per-rule stats."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

PENDING = "pending"
CLAIMED = "claimed"
CONFIRMED = "confirmed"
DISMISSED = "dismissed"
REOPENED = "reopened"
STATUSES = (PENDING, CLAIMED, CONFIRMED, DISMISSED, REOPENED)
OPEN_STATUSES = (PENDING, CLAIMED, REOPENED)
CLOSED_STATUSES = (CONFIRMED, DISMISSED)


class ReviewAction(StrEnum):
    """What a moderator decides about a case (`ReviewService.decide`)."""

    CLAIM = "claim"
    CONFIRM = "confirm"
    DISMISS = "dismiss"


# Timeouts a moderator can choose when confirming; Discord allows at most 28 days.
TIMEOUT_CHOICES_S = (0, 600, 3600, 86_400, 604_800)
TIMEOUT_MAX_S = 28 * 86_400


class HitLike(Protocol):
    """What the review queue reads of a policy hit (bot.policy.Hit satisfies it)."""

    @property
    def rule(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def spans(self) -> tuple[tuple[int, int], ...]: ...
    @property
    def shadow(self) -> bool: ...


class VerdictLike(Protocol):
    """What the review queue reads of a policy verdict (bot.policy.Verdict satisfies it)."""

    @property
    def flagged(self) -> bool: ...
    @property
    def alert(self) -> bool: ...
    @property
    def score(self) -> float: ...
    @property
    def threshold(self) -> float: ...
    @property
    def hits(self) -> Sequence[HitLike]: ...
    @property
    def policy_version(self) -> int: ...


@dataclass(frozen=True)
class CaseHit:
    rule: str
    weight: float
    spans: tuple[tuple[int, int], ...]
    shadow: bool = False

    @classmethod
    def of(cls, hit: HitLike) -> CaseHit:
        spans = tuple((int(start), int(end)) for start, end in hit.spans)
        return cls(str(hit.rule), float(hit.weight), spans, bool(hit.shadow))


def hits_to_json(hits: Iterable[CaseHit]) -> str:
    return json.dumps(
        [
            {
                "rule": h.rule,
                "weight": h.weight,
                "spans": [list(s) for s in h.spans],
                "shadow": h.shadow,
            }
            for h in hits
        ],
        ensure_ascii=False,
    )


def hits_from_json(raw: str) -> tuple[CaseHit, ...]:
    return tuple(
        CaseHit(
            rule=str(item["rule"]),
            weight=float(item["weight"]),
            spans=tuple((int(s), int(e)) for s, e in item.get("spans", ())),
            shadow=bool(item.get("shadow", False)),
        )
        for item in json.loads(raw)
    )


def signature(verdict: VerdictLike) -> str:
    """What must change for an edited message to alert again: flagged/alert and the rules."""
    state = "alert" if verdict.alert else ("shadow" if verdict.flagged else "clear")
    rules = sorted({str(hit.rule) for hit in verdict.hits})
    return state + "|" + ",".join(rules)


@dataclass(frozen=True)
class Decision:
    """A moderator's choice when confirming: delete the message, time the member out."""

    delete_message: bool = False
    timeout_s: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.timeout_s <= TIMEOUT_MAX_S:
            raise ValueError(f"timeout must be between 0 and {TIMEOUT_MAX_S} seconds")

    def to_json(self) -> str:
        return json.dumps({"delete_message": self.delete_message, "timeout_s": self.timeout_s})

    @classmethod
    def from_json(cls, raw: str | None) -> Decision | None:
        if not raw:
            return None
        data = json.loads(raw)
        return cls(bool(data.get("delete_message")), int(data.get("timeout_s", 0)))


@dataclass(frozen=True)
class NewCase:
    """A flagged message about to become a case."""

    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    text: str
    score: float
    threshold: float
    hits: tuple[CaseHit, ...]
    policy_version: int
    signature: str
    alerted: bool

    @classmethod
    def of(
        cls,
        *,
        guild_id: int,
        channel_id: int,
        message_id: int,
        author_id: int,
        text: str,
        verdict: VerdictLike,
    ) -> NewCase:
        return cls(
            guild_id=guild_id,
            channel_id=channel_id,
            message_id=message_id,
            author_id=author_id,
            text=text,
            score=float(verdict.score),
            threshold=float(verdict.threshold),
            hits=tuple(CaseHit.of(h) for h in verdict.hits),
            policy_version=int(verdict.policy_version),
            signature=signature(verdict),
            alerted=bool(verdict.alert),
        )


@dataclass(frozen=True)
class Case:
    case_id: int
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    text: str | None
    text_dropped: str | None
    score: float
    threshold: float
    hits: tuple[CaseHit, ...]
    policy_version: int
    signature: str
    alerted: bool
    status: str
    claimed_by: int | None
    decided_by: int | None
    decided_at: float | None
    decision: Decision | None
    appeal_note: str | None
    appealed_at: float | None
    edited: bool
    message_deleted: bool
    review_channel_id: int | None
    review_message_id: int | None
    created_at: float
    updated_at: float
    closed_at: float | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def still_flagged(self) -> bool:
        """False when an edit brought the message back under the threshold."""
        return not self.signature.startswith("clear|")

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(h.rule for h in self.hits)

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return tuple(span for h in self.hits for span in h.spans)


@dataclass(frozen=True)
class AuditEntry:
    case_id: int
    action: str
    actor_id: int | None
    at: float
    detail: str = "{}"


@dataclass(frozen=True)
class RuleStats:
    rule: str
    cases: int
    confirmed: int
    dismissed: int
    shadow_cases: int = 0

    @property
    def decided(self) -> int:
        return self.confirmed + self.dismissed

    @property
    def precision(self) -> float | None:
        """confirmed / (confirmed + dismissed); None before any decision."""
        return self.confirmed / self.decided if self.decided else None


@dataclass(frozen=True)
class Stats:
    rules: tuple[RuleStats, ...]
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def noisiest(self) -> tuple[RuleStats, ...]:
        """Rules with false positives, most dismissals first, then the lowest precision."""
        noisy = [r for r in self.rules if r.dismissed]
        noisy.sort(key=lambda r: (-r.dismissed, r.precision or 0.0, r.rule))
        return tuple(noisy)


@dataclass(frozen=True)
class DecisionResult:
    """What happened to a decision: `applied` is False when someone else acted first."""

    applied: bool
    case: Case


@dataclass(frozen=True)
class BacktestRow:
    case_id: int
    status: str
    was_alert: bool
    now_flagged: bool
    now_alert: bool
    rules_before: tuple[str, ...]
    rules_after: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.was_alert != self.now_alert or set(self.rules_before) != set(self.rules_after)


@dataclass(frozen=True)
class BacktestReport:
    """A policy re-run over the stored cases that still have their text."""

    rows: tuple[BacktestRow, ...]
    skipped_without_text: int

    @property
    def changed(self) -> tuple[BacktestRow, ...]:
        return tuple(r for r in self.rows if r.changed)

    @property
    def would_stop_alerting(self) -> tuple[BacktestRow, ...]:
        return tuple(r for r in self.rows if r.was_alert and not r.now_alert)

    @property
    def would_start_alerting(self) -> tuple[BacktestRow, ...]:
        return tuple(r for r in self.rows if not r.was_alert and r.now_alert)

    @property
    def false_positives_fixed(self) -> int:
        return sum(1 for r in self.would_stop_alerting if r.status == DISMISSED)

    @property
    def confirmed_lost(self) -> int:
        return sum(1 for r in self.would_stop_alerting if r.status == CONFIRMED)


@dataclass(frozen=True)
class CaseFilter:
    """What a moderator narrows the queue to (the web dashboard's filters); None: any."""

    statuses: tuple[str, ...] = OPEN_STATUSES
    rule: str | None = None
    channel_id: int | None = None
    author_id: int | None = None
    since: float | None = None  # created_at >= since
    until: float | None = None  # created_at < until


@dataclass(frozen=True)
class PageAt:
    """Where a page starts: the newest cases (both None), those older than `before`, or those
    newer than `after` (keyset pagination: as fast on the hundredth page as on the first)."""

    before: int | None = None
    after: int | None = None


@dataclass(frozen=True)
class CasePage:
    """One page of a filtered queue, newest first, and how many cases match in all."""

    cases: tuple[Case, ...]
    total: int  # every case that matches, on any page
    newer: bool  # there are newer matching cases than this page's
    older: bool  # there are older ones


@dataclass(frozen=True)
class CaseChange:
    """A moderator's decision that was applied, told to the front-ends that show the case.

    `origin` names the front-end it came from ("discord", "web", "console"), so each one can
    leave alone what it already updated itself.
    """

    case: Case
    action: str
    actor_id: int
    origin: str
    decision: Decision | None = None


@dataclass(frozen=True)
class DayCount:
    day: str  # YYYY-MM-DD (UTC)
    count: int
