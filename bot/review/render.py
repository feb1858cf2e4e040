"""Text for review posts: flagged words in bold, mentions and markdown neutralised, Italian labels.

Pure functions (no discord): the cog puts the strings in embeds, the console prints them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot import limits, texts
from bot.review.models import (
    CLAIMED,
    CONFIRMED,
    DISMISSED,
    OPEN_STATUSES,
    PENDING,
    REOPENED,
    Case,
    CaseHit,
    RuleStats,
    Stats,
)

ZWSP = "\u200b"
# Characters Discord reads as markdown; a backslash makes each literal.
_MARKDOWN = re.compile(r"([\\*_~|`>#\-\[\]])")
# "@everyone", "@here", "<@id>", "<@&role>", "<#channel>", "</command:id>" would render as
# mentions or pings: a zero-width space after the sigil keeps them as plain text.
_MENTION = re.compile(r"@|<(?=[@#/])")


def neutralise(text: str) -> str:
    """Show `text` literally in a Discord message or embed: no markdown, no mentions."""
    text = _MARKDOWN.sub(r"\\\1", text)
    return _MENTION.sub(lambda m: m.group(0) + ZWSP, text)


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Sorted, clipped to the text, overlapping or touching spans joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    out: list[str] = ["…" if lo > 0 else ""]
    cursor = lo
    for start, end in spans:
        start, end = max(start, lo), min(end, hi)
        if end <= start:
            continue
        out.append(neutralise(text[cursor:start]))
        word = text[start:end]
        # "** word**" does not render bold: keep the spaces outside the markers.
        core = word.strip()
        if core:
            lead = word[: len(word) - len(word.lstrip())]
            trail = word[len(word.rstrip()) :]
            out.append(neutralise(lead) + "**" + neutralise(core) + "**" + neutralise(trail))
        else:
            out.append(neutralise(word))
        cursor = end
    out.append(neutralise(text[cursor:hi]))
    out.append("…" if hi < len(text) else "")
    return "".join(out)


def highlight(text: str, spans: Iterable[tuple[int, int]], limit: int) -> str:
    """The message with the matched spans in bold, neutralised, in at most `limit` characters.

    A message too long to show whole is shown as a window that starts a little before the first
    match, so the moderator sees what fired.
    """
    merged = merge_spans(spans, len(text))
    rendered = _render(text, merged, 0, len(text))
    if len(rendered) <= limit:
        return rendered
    budget = max(limit // 2, 1)  # escaping at most doubles a character
    first = merged[0][0] if merged else 0
    while budget > 0:
        lo = max(0, min(first - budget // 5, len(text) - budget))
        hi = min(len(text), lo + budget)
        rendered = _render(text, merged, lo, hi)
        if len(rendered) <= limit:
            return rendered
        budget = int(budget * 0.8)
    return limits.clip(neutralise(text), limit)


def duration(seconds: int) -> str:
    """Italian for the timeout lengths moderators choose."""
    if seconds == 604_800:
        return str(texts.DURATION_WEEK)
    if seconds % 86_400 == 0:
        days = seconds // 86_400
        return str(texts.DURATION_DAY if days == 1 else texts.DURATION_DAYS.format(n=days))
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return str(texts.DURATION_HOUR if hours == 1 else texts.DURATION_HOURS.format(n=hours))
    return texts.DURATION_MINUTES.format(n=max(1, seconds // 60))


def rules_line(
    hits: Iterable[CaseHit], limit: int = limits.EMBED_FIELD_VALUE_MAX, *, plain: bool = False
) -> str:
    """ "rule (+0.50), other (ombra) (+0.30)": neutralised for Discord unless `plain`."""
    parts = []
    for hit in hits:
        name = texts.REVIEW_SHADOW_RULE.format(rule=hit.rule) if hit.shadow else hit.rule
        parts.append(f"{name if plain else neutralise(name)} ({hit.weight:+.2f})")
    return limits.clip(", ".join(parts), limit) or "—"


def status_line(case: Case, who: str | None = None) -> str:
    """The case's status for a moderator; `who` renders the decider (a mention in Discord)."""
    if case.status == PENDING:
        return str(texts.STATUS_PENDING)
    if case.status == REOPENED:
        return str(texts.STATUS_REOPENED)
    if case.status == CLAIMED:
        return texts.STATUS_CLAIMED.format(who=who or f"<@{case.claimed_by}>")
    if case.status == DISMISSED:
        return texts.STATUS_DISMISSED.format(who=who or f"<@{case.decided_by}>")
    if case.status == CONFIRMED:
        line = texts.STATUS_CONFIRMED.format(who=who or f"<@{case.decided_by}>")
        decision = case.decision
        if decision is not None and decision.delete_message:
            line += " · " + str(texts.ACTION_DELETED)
        if decision is not None and decision.timeout_s:
            line += " · " + texts.ACTION_TIMEOUT.format(duration=duration(decision.timeout_s))
        return line
    return case.status


def case_body(case: Case, limit: int) -> str:
    """What a review post shows of the message: highlighted text, or why it is gone."""
    if case.text is None:
        if case.text_dropped == "retention":
            return str(texts.REVIEW_TEXT_PURGED)
        return str(texts.REVIEW_TEXT_DELETED)
    body = highlight(case.text, case.spans, limit - 80)
    if case.edited:
        note = texts.REVIEW_EDITED if case.still_flagged else texts.REVIEW_NO_LONGER_FLAGGED
        body = body + "\n\n" + str(note)
    return limits.clip(body, limit)


def plain_highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The flagged words between ** for a terminal (the console), with no escaping."""
    out: list[str] = []
    cursor = 0
    for start, end in merge_spans(spans, len(text)):
        out.append(text[cursor:start] + "**" + text[start:end] + "**")
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


# /review stats, alike in Discord and the console: rules by number of cases, the noisiest few.
STATS_RULES_SHOWN = 25
NOISIEST_SHOWN = 5


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def stats_summary(stats: Stats) -> str:
    """Open, confirmed and dismissed cases in one line."""
    counts = stats.by_status
    return texts.REVIEW_STATS_STATUS.format(
        open=sum(counts.get(s, 0) for s in OPEN_STATUSES),
        confirmed=counts.get(CONFIRMED, 0),
        dismissed=counts.get(DISMISSED, 0),
    )


def stats_rule_lines(stats: Stats, name: Callable[[str], str] = str) -> list[str]:
    """One line per rule, most cases first; `name` formats a rule's name for the front-end."""
    ranked = sorted(stats.rules, key=lambda r: (-r.cases, r.rule))[:STATS_RULES_SHOWN]
    return [
        texts.REVIEW_STATS_LINE.format(
            rule=name(r.rule),
            cases=r.cases,
            confirmed=r.confirmed,
            dismissed=r.dismissed,
            precision=_percent(r.precision),
        )
        for r in ranked
    ]


def stats_noisy_lines(stats: Stats, name: Callable[[str], str] = str) -> list[str]:
    """The rules with the most false positives (NOISIEST_SHOWN at most); empty if none."""
    noisy: tuple[RuleStats, ...] = stats.noisiest[:NOISIEST_SHOWN]
    return [
        texts.REVIEW_STATS_NOISY.format(
            rule=name(r.rule), dismissed=r.dismissed, precision=_percent(r.precision or 0.0)
        )
        for r in noisy
    ]
