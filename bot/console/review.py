"""The review queue in `rete console`: chat flows through the pipeline; /review and /setup."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from bot import texts
from bot.console.app import CHANNELS, MEMBER, MODERATOR, ChatLine, Commands, Registry, Session
from bot.console.policy import target_name
from bot.guild_store import NUDGE_MODES
from bot.intake.pipeline import IncomingMessage, Outcome, PostAction
from bot.review import Case, Decision, DecisionResult, ReviewAction, Stats
from bot.review.render import (
    duration,
    plain_highlight,
    rules_line,
    stats_noisy_lines,
    stats_rule_lines,
    stats_summary,
    status_line,
)

_NAMES = {MEMBER[0]: MEMBER[1], MODERATOR[0]: MODERATOR[1]}
# Units in both languages: minutes, hours/ore, days/giorni, weeks/settimane.
_DURATION = re.compile(
    r"^(\d+)\s*(m|mins?|minut[eio]s?|h|hours?|or[ae]|d|days?|g|giorn[oi]|w|weeks?|sett|settiman[ae])?$"
)
_UNITS = {"m": 60, "h": 3600, "o": 3600, "d": 86_400, "g": 86_400, "w": 604_800, "s": 604_800}
PENDING_SHOWN = 20


def _name(user_id: int | None) -> str:
    if user_id is None:
        return "Rete"
    return f"@{_NAMES.get(user_id, user_id)}"


def _channel(channel_id: int | None) -> str:
    for name, cid in CHANNELS.items():
        if cid == channel_id:
            return name
    return str(channel_id)


def _names(kind: str, ids: Iterable[int]) -> str:
    return str(", ".join(target_name(kind, i) for i in sorted(ids)) or texts.SETUP_NONE)


def _snippet(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def parse_duration(raw: str) -> int | None:
    """'10m', '1h', '2ore', '1d', '1w', or plain minutes → seconds; None if unreadable."""
    match = _DURATION.match(raw.strip().lower())
    if not match:
        return None
    unit = (match.group(2) or "m")[0]
    return int(match.group(1)) * _UNITS.get(unit, 60)


# Accepted in both languages whatever the console's language; shown in the active one.
DELETE_WORDS = ("cancella", "elimina", "delete", "remove")
TIMEOUT_WORD = "timeout"


def parse_confirm_words(words: list[str]) -> tuple[bool, int] | str:
    """(delete, timeout seconds) from the words after `/review confirm N`, or the error to show.

    Every word must be known: a typo («cancela») must not confirm without deleting.
    """
    delete = False
    timeout = 0
    rest = [w.lower() for w in words]
    while rest:
        word = rest.pop(0)
        if word in DELETE_WORDS:
            delete = True
        elif word == TIMEOUT_WORD:
            parsed = parse_duration(rest.pop(0)) if rest else None
            if parsed is None:
                return str(texts.REVIEW_CONFIRM_BAD_TIMEOUT)
            timeout = parsed
        else:
            return texts.REVIEW_CONFIRM_UNKNOWN_WORD.format(
                word=word, valid=f"{texts.CONSOLE_DELETE_WORDS}, {TIMEOUT_WORD} 10m|1h|1d|1w"
            )
    return delete, timeout


def describe(outcome: Outcome) -> list[str]:
    """What the bot would do in Discord, one line each."""
    lines: list[str] = []
    case = outcome.case
    if case is not None and outcome.case_action is not None:
        rules = rules_line(case.hits, plain=True)
        if outcome.case_action is PostAction.UPDATE:
            lines.append(
                texts.CONSOLE_CASE_UPDATED.format(
                    case_id=case.case_id,
                    status=status_line(case, _name(case.decided_by or case.claimed_by)),
                )
            )
        elif outcome.review_channel_id is None:
            lines.append(texts.CONSOLE_CASE_NOT_CONFIGURED.format(case_id=case.case_id))
        else:
            lines.append(
                texts.CONSOLE_CASE_POSTED.format(
                    case_id=case.case_id,
                    channel=_channel(outcome.review_channel_id),
                    score=case.score,
                    threshold=case.threshold,
                    rules=rules,
                )
            )
    elif case is not None and not case.alerted:
        lines.append(
            texts.CONSOLE_CASE_SHADOW.format(
                case_id=case.case_id, rules=rules_line(case.hits, plain=True)
            )
        )
    if outcome.nudge is not None:
        text = str(texts.NUDGE)
        norm = outcome.nudge.norm
        if norm is not None:
            if getattr(norm, "url", None):
                text += " " + texts.NUDGE_NORM_LINK.format(title=norm.title, url=norm.url)
            else:
                text += " " + texts.NUDGE_NORM_TITLE.format(title=norm.title)
        text += " " + texts.CONSOLE_APPEAL_HINT.format(
            button=texts.BUTTON_APPEAL, case_id=outcome.nudge.case_id
        )
        mode = texts.NUDGE_MODE_LABELS.get(outcome.nudge.mode, outcome.nudge.mode)
        lines.append(
            texts.CONSOLE_NUDGE.format(author=_name(outcome.nudge.author_id), mode=mode, text=text)
        )
    answer = outcome.answer
    if answer is not None:
        lines.append(
            texts.CONSOLE_ANSWER.format(
                title=getattr(answer, "title", ""),
                text=getattr(answer, "text", ""),
                source=getattr(answer, "url", None) or getattr(answer, "source", ""),
            )
        )
        if outcome.answer_id is not None:
            lines.append(texts.LEARN_CONSOLE_VOTE_HINT.format(answer_id=outcome.answer_id))
    return lines


def case_lines(case: Case) -> list[str]:
    body = (
        plain_highlight(case.text, case.spans)
        if case.text is not None
        else (
            texts.REVIEW_TEXT_PURGED
            if case.text_dropped == "retention"
            else texts.REVIEW_TEXT_DELETED
        )
    )
    score = texts.REVIEW_SCORE.format(score=case.score, threshold=case.threshold)
    status = status_line(case, _name(case.decided_by or case.claimed_by))
    lines = [
        texts.REVIEW_TITLE.format(case_id=case.case_id),
        f"  {texts.REVIEW_FIELD_AUTHOR}: {_name(case.author_id)} in #{_channel(case.channel_id)}",
        f"  {body}",
        f"  {texts.REVIEW_FIELD_SCORE}: {score}",
        f"  {texts.REVIEW_FIELD_RULES}: {rules_line(case.hits, plain=True)}",
        f"  {texts.REVIEW_FIELD_STATUS}: {status}",
    ]
    if case.appeal_note:
        lines.append(f"  {texts.REVIEW_FIELD_APPEAL}: {case.appeal_note}")
    return lines


def _case_id(args: list[str]) -> int | None:
    if not args:
        return None
    raw = args[0].lstrip("#")
    return int(raw) if raw.isdigit() else None


def _decided(result: DecisionResult) -> list[str]:
    case = result.case
    if not result.applied:
        return [
            texts.DECISION_TOO_LATE.format(
                case_id=case.case_id, status=texts.STATUS_SHORT[case.status]
            )
        ]
    return [
        texts.CONSOLE_DECIDED.format(
            case_id=case.case_id,
            status=status_line(case, _name(case.decided_by or case.claimed_by)),
        )
    ]


COMMANDS = Commands()


@COMMANDS.chat
async def _flow(session: Session, chat: ChatLine) -> list[str]:
    now = time.time()
    outcome = await session.core.pipeline.process(
        IncomingMessage(
            guild_id=chat.guild_id,
            channel_id=chat.channel_id,
            message_id=chat.message_id,
            author_id=chat.author_id,
            text=chat.text,
            created_at=now,
        ),
        now=now,
    )
    lines = describe(outcome)
    if outcome.answer is None and outcome.case is None and outcome.skipped is None:
        # In Discord Rete stays silent here; at the console, say why it did not answer.
        pause = await session.core.knowledge.auto_answer_pause(
            chat.guild_id, chat.channel_id, chat.text, now
        )
        if pause > 0:
            lines.append(
                texts.CONSOLE_ANSWER_COOLDOWN.format(
                    channel=chat.channel_name,
                    cooldown=round(session.core.knowledge.auto_answer_cooldown_s),
                    left=max(1, round(pause)),
                )
            )
    return lines


@COMMANDS.command("review pending", "/review pending", "casi da rivedere", moderator_only=True)
async def _pending(session: Session, args: list[str], raw: str) -> list[str]:
    review = session.core.review
    cases = await review.pending(session.guild_id, limit=PENDING_SHOWN + 1)
    lines = _not_configured(await _configured(session))
    if not cases:
        return [*lines, str(texts.REVIEW_PENDING_EMPTY)]
    lines.append(texts.REVIEW_PENDING_TITLE.format(count=len(cases[:PENDING_SHOWN])))
    for case in cases[:PENDING_SHOWN]:
        lines.append(
            f"  #{case.case_id} · {texts.STATUS_SHORT[case.status]} · {_name(case.author_id)} "
            f"in #{_channel(case.channel_id)} · {case.score:.2f} · {', '.join(case.rules)}"
        )
        if case.text is not None:
            lines.append(f"    «{_snippet(case.text)}»")
    return lines


@COMMANDS.command("review case", "/review case N", "un caso con il suo testo", moderator_only=True)
async def _case(session: Session, args: list[str], raw: str) -> list[str]:
    case = await _named_case(session, args)
    return [case] if isinstance(case, str) else case_lines(case)


async def _named_case(session: Session, args: list[str]) -> Case | str:
    """The case of this server named by the first argument, or the line saying there is none."""
    case_id = _case_id(args)
    case = await session.core.review.get(session.guild_id, case_id) if case_id else None
    if case is None:
        return texts.CASE_NOT_FOUND.format(case_id=args[0] if args else "?")
    return case


@COMMANDS.command(
    "review claim", "/review claim N", "prendi in carico un caso", moderator_only=True
)
async def _claim(session: Session, args: list[str], raw: str) -> list[str]:
    case = await _named_case(session, args)
    if isinstance(case, str):
        return [case]
    return _decided(
        await session.core.review.decide(
            session.guild_id, case.case_id, ReviewAction.CLAIM, session.user[0], time.time()
        )
    )


@COMMANDS.command(
    "review confirm",
    "/review confirm N [cancella] [timeout 1h]",
    "conferma (e cancella, e timeout)",
    moderator_only=True,
)
async def _confirm(session: Session, args: list[str], raw: str) -> list[str]:
    case = await _named_case(session, args)
    if isinstance(case, str):
        return [case]
    parsed_words = parse_confirm_words(args[1:])
    if isinstance(parsed_words, str):
        return [parsed_words]  # an unknown word: nothing is decided
    delete, timeout = parsed_words
    try:
        decision = Decision(delete, timeout)
    except ValueError as exc:
        return [str(exc)]
    result = await session.core.review.decide(
        session.guild_id, case.case_id, ReviewAction.CONFIRM, session.user[0], time.time(), decision
    )
    lines = _decided(result)
    if result.applied and delete:
        lines.append(f"  (in Discord: {texts.ACTION_DELETED})")
    if result.applied and timeout:
        lines.append(f"  (in Discord: {texts.ACTION_TIMEOUT.format(duration=duration(timeout))})")
    return lines


@COMMANDS.command(
    "review dismiss", "/review dismiss N", "archivia come falso positivo", moderator_only=True
)
async def _dismiss(session: Session, args: list[str], raw: str) -> list[str]:
    case = await _named_case(session, args)
    if isinstance(case, str):
        return [case]
    return _decided(
        await session.core.review.decide(
            session.guild_id, case.case_id, ReviewAction.DISMISS, session.user[0], time.time()
        )
    )


@COMMANDS.command("review stats", "/review stats", "precisione per regola", moderator_only=True)
async def _stats(session: Session, args: list[str], raw: str) -> list[str]:
    off = session.core.policy.flagging_off(session.guild_id)
    lines = stats_lines(await session.core.review.stats(session.guild_id))
    return lines if off is None else [lines[0], "  " + off, *lines[1:]]


@COMMANDS.command("appeal", "/appeal N NOTA", "«non era una richiesta gratuita»")
async def _appeal(session: Session, args: list[str], raw: str) -> list[str]:
    case_id = _case_id(args)
    note = raw.split(None, 1)[1] if len(raw.split(None, 1)) > 1 else ""
    if case_id is None or not note.strip():
        return [str(texts.CONSOLE_APPEAL_USAGE)]
    result = await session.core.review.appeal(case_id, session.user[0], note, time.time())
    return [str(texts.APPEAL_REPLIES[result.outcome])]


@COMMANDS.command(
    "setup",
    "/setup [review-channel NOME|nudge MODO|retention GIORNI|language it|en]",
    "configura Rete",
    moderator_only=True,
)
async def _setup(session: Session, args: list[str], raw: str) -> list[str]:
    review = session.core.review
    guild = session.guild_id
    if len(args) >= 2:
        key, value = args[0].lower(), args[1].lstrip("#").lower()
        if key == "review-channel":
            if value not in CHANNELS:
                return [texts.CONSOLE_CHANNELS.format(names=", ".join("#" + c for c in CHANNELS))]
            await review.update_settings(guild, review_channel_id=CHANNELS[value])
        elif key == "nudge":
            if value not in NUDGE_MODES:
                return [texts.CONSOLE_NUDGE_MODES.format(modes=", ".join(NUDGE_MODES))]
            await review.update_settings(guild, nudge_mode=value)
        elif key == "retention":
            if not value.isdigit():
                return [str(texts.SETUP_RETENTION_RANGE)]
            await review.update_settings(guild, retention_days=int(value))  # checks the range
        elif key == "language" and value in ("it", "en"):
            await review.update_settings(guild, language=value)
        else:
            return [str(texts.CONSOLE_SETUP_USAGE)]
    settings = await review.settings(guild)
    roles, channels = session.core.policy.exemptions(guild)
    answering = await session.core.knowledge.answer_channels(guild)
    channel = (
        "#" + _channel(settings.review_channel_id)
        if settings.review_channel_id
        else texts.SETUP_NOT_SET
    )
    return [
        str(texts.SETUP_TITLE),
        "  " + texts.SETUP_REVIEW_CHANNEL.format(value=channel),
        "  " + texts.SETUP_NUDGE.format(value=texts.NUDGE_MODE_LABELS[settings.nudge_mode]),
        "  " + texts.SETUP_RETENTION.format(days=settings.retention_days),
        "  " + texts.SETUP_EXEMPT_ROLES.format(value=_names("role", roles)),
        "  " + texts.SETUP_EXEMPT_CHANNELS.format(value=_names("channel", channels)),
        "  " + texts.SETUP_ANSWER_CHANNELS.format(value=_names("channel", answering)),
        "  " + texts.SETUP_LANGUAGE.format(value=texts.LANGUAGE_NAMES[settings.language]),
        *(["  " + off] if (off := session.core.policy.flagging_off(guild)) else []),
        *_not_configured(settings.configured),
    ]


def register(registry: Registry) -> None:
    COMMANDS.install(registry)


async def _configured(session: Session) -> bool:
    return (await session.core.review.settings(session.guild_id)).configured


def _not_configured(configured: bool) -> list[str]:
    return [] if configured else [str(texts.REVIEW_NOT_CONFIGURED)]


def stats_lines(stats: Stats) -> list[str]:
    lines = [str(texts.REVIEW_STATS_TITLE), "  " + stats_summary(stats)]
    if not stats.rules:
        return [*lines, f"  {texts.REVIEW_STATS_EMPTY}"]
    lines.append(f"{texts.REVIEW_STATS_RULES}:")
    lines.extend("  " + line for line in stats_rule_lines(stats))
    lines.append(f"{texts.REVIEW_STATS_NOISIEST}:")
    noisy = stats_noisy_lines(stats) or [str(texts.REVIEW_STATS_NO_NOISE)]
    return lines + ["  " + line for line in noisy]
