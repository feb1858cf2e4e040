"""Knowledge results as neutral lines that every front-end formats: Discord (cogs/), the
console (bot/console/) and the CLI (bot/cli/). Answers and suggestions: bot/knowledge/reply.py."""

from __future__ import annotations

from bot import texts
from bot.knowledge.models import Excerpt, ImportReport

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


def clip_query(query: str) -> str:
    """The query as quoted back to its author: one line, at most QUERY_ECHO_CHARS."""
    flat = " ".join(query.split())
    return flat if len(flat) <= QUERY_ECHO_CHARS else flat[: QUERY_ECHO_CHARS - 1] + "…"


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
