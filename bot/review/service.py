"""The review queue's rules: opening cases, idempotent decisions, appeals, stats, retention."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.db import Database
from bot.guild_store import GuildSettings, GuildStore
from bot.review.models import (
    CONFIRMED,
    DISMISSED,
    OPEN_STATUSES,
    REOPENED,
    AuditEntry,
    BacktestReport,
    BacktestRow,
    Case,
    CaseChange,
    CaseFilter,
    CasePage,
    DayCount,
    Decision,
    DecisionResult,
    NewCase,
    PageAt,
    ReviewAction,
    Stats,
    VerdictLike,
)
from bot.review.store import ReviewStore

log = logging.getLogger(__name__)

NUDGE_COOLDOWN_S = 6 * 3600  # one nudge per member per six hours is a reminder, not nagging
DEFAULT_RETENTION_DAYS = 90  # = the column default of guild_settings.retention_days
APPEAL_NOTE_MAX = 1000
BACKTEST_MAX_CASES = 2000
UNCONFIGURED_RECHECK_S = 5.0

Evaluate = Callable[[Sequence[str]], Sequence[VerdictLike]]
CaseListener = Callable[[CaseChange], Awaitable[None]]
QUEUE_PAGE_MAX = 200


@dataclass(frozen=True)
class AppealResult:
    """`outcome`: reopened | noted | not_author | already | dismissed | not_found."""

    outcome: str
    case: Case | None

    @property
    def applied(self) -> bool:
        return self.outcome in ("reopened", "noted")


@dataclass(frozen=True)
class Known:
    """What the edit index keeps per flagged message, so edits need no database read."""

    case_id: int
    signature: str


class ReviewService:
    """Cases for flagged messages and what moderators and members do with them.

    Keeps in memory what the message hot path asks on every edit or delete (which messages have
    a case, with which verdict) and the guild settings, so that only flagged messages cost a
    database round trip.
    """

    def __init__(
        self,
        db: Database,
        guilds: GuildStore,
        *,
        nudge_cooldown_s: float = NUDGE_COOLDOWN_S,
    ) -> None:
        self.store = ReviewStore(db)
        self.guilds = guilds
        self.nudge_cooldown_s = nudge_cooldown_s
        self._known: dict[tuple[int, int], Known] = {}
        self._settings: dict[int, tuple[float, GuildSettings]] = {}
        self._settings_loading: dict[int, asyncio.Future[GuildSettings]] = {}
        self._last_nudge: dict[tuple[int, int], float] = {}
        self._listeners: list[CaseListener] = []

    def subscribe(self, listener: CaseListener) -> Callable[[], None]:
        """Call `listener` after every applied decision, from any front-end; returns the
        function that unsubscribes it. A front-end updates what it shows of the case (the
        Discord review post when the web decided, and so on)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def _notify(self, change: CaseChange) -> None:
        for listener in list(self._listeners):
            try:
                await listener(change)
            except Exception:
                log.exception("case %s: a listener failed", change.case.case_id)

    async def load(self) -> None:
        self._known = {
            (guild, message): Known(case_id, sig)
            for guild, message, case_id, sig in await self.store.signatures()
        }
        # Only nudges still within their cooldown matter (the clock is the wall clock here).
        self._last_nudge = await self.store.nudges(since=time.time() - self.nudge_cooldown_s)
        log.info(
            "review: %d cases indexed, %d nudges remembered",
            len(self._known),
            len(self._last_nudge),
        )

    # --- settings (cached; /setup goes through here so the cache stays true) -----------------

    async def settings(self, guild_id: int) -> GuildSettings:
        """The guild's settings from memory. An unconfigured guild's are read again every few
        seconds, in case another path (a CLI, a script) configured it behind this cache."""
        cached = self._settings.get(guild_id)
        now = time.monotonic()
        if cached is not None and (
            cached[1].configured or now - cached[0] <= UNCONFIGURED_RECHECK_S
        ):
            return cached[1]
        # One read for every message that asks at once (a busy channel right after a start).
        loading = self._settings_loading.get(guild_id)
        if loading is None:
            loading = asyncio.ensure_future(self.guilds.settings(guild_id))
            self._settings_loading[guild_id] = loading
            try:
                settings = await loading
            finally:
                self._settings_loading.pop(guild_id, None)
            if guild_id not in self._settings or self._settings[guild_id][0] < now:
                self._settings[guild_id] = (now, settings)
            return settings
        return await asyncio.shield(loading)

    async def update_settings(self, guild_id: int, **changes: object) -> GuildSettings:
        try:
            updated = await self.guilds.update_settings(guild_id, **changes)
        finally:
            self._settings.pop(guild_id, None)
        self._settings[guild_id] = (time.monotonic(), updated)
        return updated

    # --- the message path --------------------------------------------------------------------

    def known(self, guild_id: int, message_id: int) -> Known | None:
        return self._known.get((guild_id, message_id))

    async def max_message_id(self, guild_id: int) -> int:
        """The highest message id with a case: a front-end that invents message ids (the
        console) starts above it, so a new message is never taken for an edit of an old one."""
        return await self.store.max_message_id(guild_id)

    async def open_case(
        self, new: NewCase, now: float, *, nudge: bool = False
    ) -> tuple[Case, bool, bool]:
        """Open the case of a flagged message: (case, created, nudged).

        With `nudge`, the member is nudged unless they were within the cooldown; the cooldown
        is decided in memory and recorded in the case's own transaction.
        """
        key = (new.guild_id, new.author_id)
        previous = self._last_nudge.get(key)
        nudged = nudge and (previous is None or now - previous >= self.nudge_cooldown_s)
        if nudged:
            self._last_nudge[key] = now  # claimed before the write: concurrent messages see it
        try:
            case, created = await self.store.open_case(new, now, nudge=nudged)
        except BaseException:
            if nudged:
                self._restore_nudge(key, previous, now)
            raise
        if nudged and not created:
            self._restore_nudge(key, previous, now)
            nudged = False
        self._known[(case.guild_id, case.message_id)] = Known(case.case_id, case.signature)
        if created:
            log.info(
                "case %s opened in guild %s for message %s (alerted=%s, nudged=%s)",
                case.case_id,
                case.guild_id,
                case.message_id,
                case.alerted,
                nudged,
            )
        return case, created, nudged

    def _restore_nudge(self, key: tuple[int, int], previous: float | None, claimed: float) -> None:
        if self._last_nudge.get(key) == claimed:
            if previous is None:
                self._last_nudge.pop(key, None)
            else:
                self._last_nudge[key] = previous

    async def update_verdict(self, case_id: int, new: NewCase, now: float) -> Case | None:
        """An edit changed the verdict: refresh the case; a new alert reopens a closed one."""
        case = await self.store.update_verdict(case_id, new, now, reopen=new.alerted)
        if case is not None:
            self._known[(case.guild_id, case.message_id)] = Known(case.case_id, case.signature)
            log.info("case %s updated after an edit (status %s)", case.case_id, case.status)
        return case

    async def message_deleted(self, guild_id: int, message_id: int, now: float) -> Case | None:
        """Forget the stored text of a deleted message; no database work for unflagged ones."""
        if self._known.pop((guild_id, message_id), None) is None:
            return None
        case = await self.store.drop_text(guild_id, message_id, now)
        if case is not None:
            log.info("case %s: message deleted by its author, text dropped", case.case_id)
        return case

    async def set_review_post(
        self, case_ids: Sequence[int], channel_id: int, message_id: int
    ) -> None:
        await self.store.set_review_post(case_ids, channel_id, message_id)

    async def cases_on_post(self, message_id: int) -> list[Case]:
        """Every case a review post shows, oldest first."""
        return await self.store.cases_on_post(message_id)

    # --- moderators --------------------------------------------------------------------------

    async def get(self, guild_id: int, case_id: int) -> Case | None:
        case = await self.store.get(case_id)
        return case if case is not None and case.guild_id == guild_id else None

    async def find(self, case_id: int) -> Case | None:
        """A case by its number alone: an appeal's button in a DM carries no guild."""
        return await self.store.get(case_id)

    async def decide(
        self,
        guild_id: int,
        case_id: int,
        action: ReviewAction,
        actor_id: int,
        now: float,
        decision: Decision | None = None,
        *,
        origin: str = "discord",
    ) -> DecisionResult:
        """Claim, confirm (with `decision`) or dismiss; anything else is an error, never a
        silent dismissal. An applied decision is told to the subscribers (`subscribe`)."""
        if action is ReviewAction.CLAIM:
            result = await self.claim(guild_id, case_id, actor_id, now)
        elif action is ReviewAction.CONFIRM:
            decision = decision or Decision()
            result = await self.confirm(guild_id, case_id, actor_id, now, decision)
        elif action is ReviewAction.DISMISS:
            result = await self.dismiss(guild_id, case_id, actor_id, now)
        else:
            raise ValueError(f"unknown review action: {action!r}")
        if result.applied:
            await self._notify(CaseChange(result.case, action.value, actor_id, origin, decision))
        return result

    async def claim(self, guild_id: int, case_id: int, actor_id: int, now: float) -> DecisionResult:
        applied = await self.store.claim(case_id, guild_id, actor_id, now)
        return await self._result(guild_id, case_id, applied, "claimed", actor_id)

    async def confirm(
        self,
        guild_id: int,
        case_id: int,
        actor_id: int,
        now: float,
        decision: Decision | None = None,
    ) -> DecisionResult:
        decision = decision or Decision()
        applied = await self.store.decide(case_id, guild_id, CONFIRMED, actor_id, now, decision)
        return await self._result(guild_id, case_id, applied, CONFIRMED, actor_id)

    async def dismiss(
        self, guild_id: int, case_id: int, actor_id: int, now: float
    ) -> DecisionResult:
        applied = await self.store.decide(case_id, guild_id, DISMISSED, actor_id, now)
        return await self._result(guild_id, case_id, applied, DISMISSED, actor_id)

    async def _result(
        self, guild_id: int, case_id: int, applied: bool, action: str, actor_id: int
    ) -> DecisionResult:
        case = await self.get(guild_id, case_id)
        if case is None:
            raise LookupError(case_id)
        if applied:
            log.info("case %s %s by %s", case_id, action, actor_id)
        else:
            log.info(
                "case %s: %s by %s not applied (status %s)", case_id, action, actor_id, case.status
            )
        return DecisionResult(applied, case)

    async def record_action(
        self, case_id: int, action: str, actor_id: int | None, now: float, **detail: object
    ) -> None:
        await self.store.record_action(case_id, action, actor_id, now, **detail)

    async def pending(self, guild_id: int, *, limit: int = 25) -> list[Case]:
        return await self.store.list_cases(guild_id, OPEN_STATUSES, limit=limit)

    async def search(
        self, guild_id: int, where: CaseFilter, *, limit: int = 50, at: PageAt | None = None
    ) -> CasePage:
        """A page of the cases matching `where`, newest first (the web dashboard's queue)."""
        limit = max(1, min(limit, QUEUE_PAGE_MAX))
        return await self.store.search(guild_id, where, limit=limit, at=at)

    async def flags_per_day(self, guild_id: int, since: float) -> list[DayCount]:
        return await self.store.flags_per_day(guild_id, since)

    async def counts(self, guild_id: int) -> dict[str, int]:
        return await self.store.count_by_status(guild_id)

    async def audit(self, guild_id: int, case_id: int) -> list[AuditEntry]:
        if await self.get(guild_id, case_id) is None:
            return []
        return list(await self.store.audit(case_id))

    async def stats(self, guild_id: int) -> Stats:
        rules = await self.store.rule_stats(guild_id)
        return Stats(rules=tuple(rules), by_status=await self.store.count_by_status(guild_id))

    # --- members -----------------------------------------------------------------------------

    async def appeal(self, case_id: int, author_id: int, note: str, now: float) -> AppealResult:
        """The author says it was not a free-work request; a confirmed case is reopened."""
        note = note.strip()[:APPEAL_NOTE_MAX]
        case = await self.store.get(case_id)
        if case is None:
            return AppealResult("not_found", None)
        if case.author_id != author_id:
            return AppealResult("not_author", case)
        if case.status == DISMISSED:
            return AppealResult("dismissed", case)
        applied = await self.store.appeal(case_id, author_id, note, now)
        case = await self.store.get(case_id)
        if not applied:
            return AppealResult("already", case)
        assert case is not None
        log.info("case %s appealed by its author (status %s)", case_id, case.status)
        return AppealResult("reopened" if case.status == REOPENED else "noted", case)

    # --- privacy and policy maintenance ------------------------------------------------------

    async def purge_expired(self, now: float) -> list[Case]:
        """Forget the text of cases past retention; returns them (their posts need editing)."""
        purged = await self.store.purge_expired(now, default_retention_days=DEFAULT_RETENTION_DAYS)
        if purged:
            log.info("retention: dropped the text of %d cases", len(purged))
        return purged

    async def decided_with_text(
        self, guild_id: int, *, limit: int = BACKTEST_MAX_CASES
    ) -> list[Case]:
        """The newest confirmed or dismissed cases that still have their text (the labels a
        policy's weights are learned from), oldest first."""
        cases, _ = await self.store.cases_with_text(guild_id, limit=limit)
        decided = [c for c in cases if c.status in (CONFIRMED, DISMISSED) and c.text]
        return sorted(decided, key=lambda c: c.case_id)

    async def backtest(
        self, guild_id: int, evaluate: Evaluate, *, limit: int = BACKTEST_MAX_CASES
    ) -> BacktestReport:
        """Re-run a policy (`evaluate`: texts → verdicts) over the stored cases with text."""
        cases, without_text = await self.store.cases_with_text(guild_id, limit=limit)
        verdicts = list(evaluate([c.text or "" for c in cases])) if cases else []
        if len(verdicts) != len(cases):
            raise ValueError("the policy returned a different number of verdicts than texts")
        rows = tuple(
            BacktestRow(
                case_id=case.case_id,
                status=case.status,
                was_alert=case.alerted and case.still_flagged,
                now_flagged=bool(verdict.flagged),
                now_alert=bool(verdict.alert),
                rules_before=case.rules,
                rules_after=tuple(str(h.rule) for h in verdict.hits),
            )
            for case, verdict in zip(cases, verdicts, strict=True)
        )
        return BacktestReport(rows=rows, skipped_without_text=without_text)
