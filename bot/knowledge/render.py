"""Knowledge results as neutral lines that every front-end formats: Discord (cogs/), the
console (bot/console/) and the CLI (bot/cli/). Answers and suggestions: bot/knowledge/reply.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot import texts
from bot.knowledge.models import Excerpt, FaqVersion, ImportReport

QUERY_ECHO_CHARS = 80  # a query quoted back in a reply: enough to recognise it


def render_report(report: ImportReport) -> list[str]:
    """What an import added, updated and left alone; the first skipped file, if any."""
    lines = [
        texts.KB_IMPORT_REPORT.format(
            a_added=report.articles_added,
            a_updated=report.articles_updated,
            a_unchanged=report.articles_unchanged,
            f_added=report.faqs_added,
            f_updated=report.faqs_updated,
            f_unchanged=report.faqs_unchanged,
        )
    ]
    if report.skipped:
        lines.append(
            texts.KB_IMPORT_SKIPPED.format(count=len(report.skipped), first=report.skipped[0])
        )
    return lines


HISTORY_TEXT_CHARS = 60  # a version's question and answer, as recognisable lines


def faq_history_lines(
    versions: Sequence[FaqVersion],
    *,
    when: Callable[[float], str],
    who: Callable[[int | None], str],
    key: str | None = None,
    quote: Callable[[str], str] = str,
) -> list[str]:
    """The earlier versions of a server's FAQ (one entry's, or all), newest first, then how to
    put one back. `when` writes a time and `who` a person (None: Rete, or a file) as the
    front-end shows them; what moderators wrote comes clipped to one line, through `quote`
    (Discord neutralises markdown and mentions)."""
    if not versions:
        empty = (
            texts.KB_FAQ_HISTORY_EMPTY_KEY.format(key=key) if key else texts.KB_FAQ_HISTORY_EMPTY
        )
        return [str(empty)]
    changes = {"edited": texts.KB_FAQ_CHANGE_EDITED, "removed": texts.KB_FAQ_CHANGE_REMOVED}
    lines = [str(texts.KB_FAQ_HISTORY_HEADER)]
    for version in versions:
        lines.append(
            texts.KB_FAQ_HISTORY_LINE.format(
                version=version.version_id,
                key=quote(version.entry.key),
                change=changes.get(version.change, version.change),
                at=when(version.at),
                actor=who(version.changed_by_id),
                question=quote(_one_line(version.entry.question, HISTORY_TEXT_CHARS)),
                answer=quote(_one_line(version.entry.answer, HISTORY_TEXT_CHARS)),
            )
        )
    lines.append(str(texts.KB_FAQ_HISTORY_HINT))
    return lines


def _one_line(text: str, most: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


def clip_query(query: str) -> str:
    """The query as quoted back to its author: one line, at most QUERY_ECHO_CHARS."""
    return _one_line(query, QUERY_ECHO_CHARS)


def no_excerpt_line(query: str) -> str:
    return texts.KB_EXCERPT_NONE.format(query=clip_query(query))


def excerpt_lines(excerpt: Excerpt) -> list[str]:
    """An excerpt in plain text: heading with its byline, the passage, then the link."""
    heading = f"{excerpt.title} — {excerpt.section}" if excerpt.section else excerpt.title
    byline = ", ".join(x for x in (excerpt.author, excerpt.date) if x)
    lines = [heading + (f" ({byline})" if byline else ""), excerpt.text]
    if excerpt.url:
        lines.append(excerpt.url)
    return lines
