"""Console commands of the knowledge base: /ask, /excerpt, /faq …, /knowledge import, /answers."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from bot.console import Registry, Session
from bot.knowledge.models import ImportReport, KnowledgeError
from bot.knowledge.reply import plain_lines


def render_report(report: ImportReport) -> list[str]:
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


async def _empty(session: Session) -> bool:
    knowledge = session.core.knowledge
    return await knowledge.store.article_count(
        session.guild_id
    ) == 0 and not await knowledge.faq_entries(session.guild_id)


def register(registry: Registry) -> None:
    @registry.command(
        "ask",
        "/ask DOMANDA [--explain]",
        "chiedi alle FAQ e agli articoli del blog (--explain: perché, per i moderatori)",
    )
    async def _ask(session: Session, args: list[str], raw: str) -> list[str]:
        explain = "--explain" in args
        question = " ".join(raw.replace("--explain", " ").split())
        if not question:
            return [texts.KB_CONSOLE_USAGE_ASK]
        if await _empty(session):
            return [texts.KB_CONSOLE_EMPTY]
        found = await session.core.knowledge.reply(question, session.guild_id)
        return plain_lines(found, explain=explain and session.is_moderator)

    @registry.command("excerpt", "/excerpt TESTO [--article SLUG]", "un passaggio di un articolo")
    async def _excerpt(session: Session, args: list[str], raw: str) -> list[str]:
        article: str | None = None
        words = list(args)
        if "--article" in words:
            at = words.index("--article")
            article = " ".join(words[at + 1 : at + 2]) or None
            del words[at : at + 2]
        query = " ".join(words)
        if not query and not article:
            return [texts.KB_CONSOLE_USAGE_EXCERPT]
        try:
            excerpt = await session.core.knowledge.excerpt(query, article, session.guild_id)
        except KnowledgeError as exc:
            return [str(exc)]
        if excerpt is None:
            return [texts.KB_EXCERPT_NONE.format(query=query)]
        heading = f"{excerpt.title} — {excerpt.section}" if excerpt.section else excerpt.title
        byline = ", ".join(x for x in (excerpt.author, excerpt.date) if x)
        lines = [heading + (f" ({byline})" if byline else ""), excerpt.text]
        if excerpt.url:
            lines.append(excerpt.url)
        return lines

    @registry.command(
        "knowledge import",
        "/knowledge import PERCORSO|URL",
        "importa articoli e FAQ (es. ../shared/corpus) nella conoscenza condivisa",
        moderator_only=True,
    )
    async def _import(session: Session, args: list[str], raw: str) -> list[str]:
        if not args:
            return ["Uso: /knowledge import PERCORSO|URL (per esempio ../shared/corpus)"]
        try:
            report = await session.core.knowledge.import_sources(args)
        except KnowledgeError as exc:
            return [str(exc)]
        return render_report(report)

    @registry.command(
        "faq", "/faq list|add|remove|export|import", "gestisci le FAQ", moderator_only=True
    )
    async def _faq(session: Session, args: list[str], raw: str) -> list[str]:
        knowledge = session.core.knowledge
        verb = args[0].lower() if args else "list"
        rest = raw.strip()[len(args[0]) :].strip() if args else ""
        try:
            if verb == "list":
                entries = await knowledge.faq_entries(session.guild_id)
                if not entries:
                    return [texts.KB_FAQ_LIST_EMPTY]
                lines = [texts.KB_FAQ_LIST_HEADER.format(count=len(entries))]
                for entry in entries:
                    shared = texts.KB_FAQ_SHARED_MARK if entry.guild_id != session.guild_id else ""
                    lines.append(
                        texts.KB_FAQ_LIST_LINE.format(
                            key=entry.key, question=entry.question, shared=shared
                        )
                    )
                return lines
            if verb == "add":
                question, sep, answer = rest.partition("||")
                if not sep or not question.strip() or not answer.strip():
                    return [texts.KB_CONSOLE_USAGE_FAQ]
                entry = await knowledge.add_faq(
                    session.guild_id, question, answer, author_id=session.user[0]
                )
                return [texts.KB_FAQ_ADDED.format(key=entry.key, question=entry.question)]
            if verb == "remove" and len(args) == 2:
                entry = await knowledge.remove_faq(session.guild_id, args[1])
                return [texts.KB_FAQ_REMOVED.format(key=entry.key, question=entry.question)]
            if verb == "export":
                return (await knowledge.export_faq(session.guild_id)).splitlines()
            if verb == "import" and len(args) == 2:
                path = Path(args[1])
                try:
                    data = path.read_bytes()  # noqa: ASYNC240 (a small file, at a console)
                except OSError as exc:
                    return [f"{path}: {exc.strerror}"]
                return render_report(await knowledge.import_file(path.name, data, session.guild_id))
        except KnowledgeError as exc:
            return [str(exc)]
        return [texts.KB_CONSOLE_USAGE_FAQ]

    @registry.command(
        "answers",
        "/answers on|off",
        "risposte automatiche nel canale corrente",
        moderator_only=True,
    )
    async def _answers(session: Session, args: list[str], raw: str) -> list[str]:
        choice = args[0].lower() if args else ""
        if choice not in ("on", "off"):
            return ["Uso: /answers on|off (nel canale corrente)"]
        await session.core.knowledge.set_answer_channel(
            session.guild_id, session.channel_id, enabled=choice == "on"
        )
        template = texts.KB_ANSWER_CHANNEL_ON if choice == "on" else texts.KB_ANSWER_CHANNEL_OFF
        return [template.format(channel="#" + session.channel)]
