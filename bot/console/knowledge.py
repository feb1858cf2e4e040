"""Console commands of the knowledge base: /ask, /excerpt, /faq …, /knowledge import, /answers."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from bot.console.app import (
    CHANNELS,
    CommandHandler,
    Commands,
    Registry,
    Session,
    local_time,
    user_name,
)
from bot.errors import os_error_text
from bot.knowledge.faq_export import export_faqs
from bot.knowledge.models import KnowledgeError
from bot.knowledge.render import (
    excerpt_lines,
    faq_history_lines,
    no_excerpt_line,
    render_report,
)
from bot.knowledge.reply import plain_lines

FAQ_VERBS = (
    ("list", "/faq list", "le FAQ visibili in questo server"),
    ("add", "/faq add DOMANDA || RISPOSTA", "aggiungi una FAQ"),
    ("edit", "/faq edit ID [DOMANDA] || [RISPOSTA]", "modifica una FAQ di questo server"),
    ("remove", "/faq remove ID", "togli una FAQ"),
    ("export", "/faq export [tutte]", "le FAQ in YAML (proprie, o tutte con le condivise)"),
    ("import", "/faq import FILE", "importa un file YAML di FAQ"),
)
ALL_WORDS = ("tutte", "all", "shared", "condivise")


async def _empty(session: Session) -> bool:
    return await session.core.knowledge.is_empty(session.guild_id)


COMMANDS = Commands()


@COMMANDS.command(
    "ask",
    "/ask DOMANDA [--explain]",
    "chiedi alle FAQ e agli articoli del blog (--explain: perché, per i moderatori)",
)
async def _ask(session: Session, args: list[str], raw: str) -> list[str]:
    explain = "--explain" in args
    question = " ".join(raw.replace("--explain", " ").split())
    if not question:
        return [str(texts.KB_CONSOLE_USAGE_ASK)]
    if await _empty(session):
        return [str(texts.KB_CONSOLE_EMPTY)]
    asked = await session.core.knowledge.learning.ask(
        question,
        session.guild_id,
        channel_id=session.channel_id,
        author_id=session.user[0],
        via="console",
    )  # an abstention is kept for /faq unanswered
    lines = plain_lines(asked.reply, explain=explain and session.is_moderator)
    if asked.answer_id is not None:
        lines.append(texts.LEARN_CONSOLE_VOTE_HINT.format(answer_id=asked.answer_id))
    return lines


@COMMANDS.command("excerpt", "/excerpt TESTO [--article SLUG]", "un passaggio di un articolo")
async def _excerpt(session: Session, args: list[str], raw: str) -> list[str]:
    article: str | None = None
    words = list(args)
    if "--article" in words:
        at = words.index("--article")
        article = " ".join(words[at + 1 : at + 2]) or None
        del words[at : at + 2]
    query = " ".join(words)
    if not query and not article:
        return [str(texts.KB_CONSOLE_USAGE_EXCERPT)]
    if await _empty(session):
        return [str(texts.KB_CONSOLE_EMPTY)]
    try:
        excerpt = await session.core.knowledge.excerpt(query, article, session.guild_id)
    except KnowledgeError as exc:
        return [str(exc)]
    if excerpt is None:
        return [no_excerpt_line(query)]
    return excerpt_lines(excerpt)


@COMMANDS.command(
    "knowledge import",
    "/knowledge import PERCORSO|URL",
    "importa articoli e FAQ (es. ../shared/corpus) nella conoscenza condivisa",
    moderator_only=True,
)
async def _import(session: Session, args: list[str], raw: str) -> list[str]:
    if not args:
        return [str(texts.KB_CONSOLE_USAGE_IMPORT)]
    try:
        report = await session.core.knowledge.import_sources(args)
    except KnowledgeError as exc:
        return [str(exc)]
    return render_report(report)


async def _faq(session: Session, args: list[str], raw: str) -> list[str]:
    knowledge = session.core.knowledge
    verb = args[0].lower() if args else "list"
    rest = raw.strip()[len(args[0]) :].strip() if args else ""
    try:
        if verb == "list":
            entries = await knowledge.faq_entries(session.guild_id)
            if not entries:
                return [str(texts.KB_FAQ_LIST_EMPTY)]
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
                return [str(texts.KB_CONSOLE_USAGE_FAQ)]
            entry = await knowledge.add_faq(
                session.guild_id, question, answer, author_id=session.user[0]
            )
            return [texts.KB_FAQ_ADDED.format(key=entry.key, question=entry.question)]
        if verb == "edit" and len(args) >= 2:
            question, sep, answer = rest[len(args[1]) :].strip().partition("||")
            if not sep or not (question.strip() or answer.strip()):
                return [str(texts.KB_CONSOLE_USAGE_FAQ)]
            entry = await knowledge.edit_faq(
                session.guild_id,
                args[1],
                question=question.strip() or None,
                answer=answer.strip() or None,
                author_id=session.user[0],
            )
            return [texts.KB_FAQ_EDITED.format(key=entry.key, question=entry.question)]
        if verb == "remove" and len(args) == 2:
            entry = await knowledge.remove_faq(session.guild_id, args[1], author_id=session.user[0])
            return [texts.KB_FAQ_REMOVED.format(key=entry.key, question=entry.question)]
        if verb == "export":
            scope = args[1].lower() if len(args) > 1 else ""
            if scope not in ("", *ALL_WORDS):
                return [str(texts.KB_CONSOLE_USAGE_FAQ)]
            exported = await export_faqs(
                knowledge, session.guild_id, include_shared=scope in ALL_WORDS
            )
            # The summary as a YAML comment: what is printed can still be imported.
            return ["# " + exported.summary(), *exported.text.splitlines()]
        if verb == "import" and len(args) == 2:
            path = Path(args[1])
            try:
                data = path.read_bytes()  # noqa: ASYNC240 (a small file, at a console)
            except OSError as exc:
                return [os_error_text(exc)]
            return render_report(await knowledge.import_file(path.name, data, session.guild_id))
    except KnowledgeError as exc:
        return [str(exc)]
    return [str(texts.KB_CONSOLE_USAGE_FAQ)]


def _faq_verb(verb: str) -> CommandHandler:
    async def handler(session: Session, args: list[str], raw: str) -> list[str]:
        return await _faq(session, [verb, *args], f"{verb} {raw}")

    return handler


@COMMANDS.command(
    "faq history",
    "/faq history [ID]",
    "le versioni precedenti delle FAQ di questo server (di tutte, o di una)",
    moderator_only=True,
)
async def _faq_history(session: Session, args: list[str], raw: str) -> list[str]:
    key = args[0] if args else None
    versions = await session.core.knowledge.faq_history(session.guild_id, key)
    return faq_history_lines(versions, when=local_time, who=user_name, key=key)


@COMMANDS.command(
    "faq restore",
    "/faq restore N",
    "rimetti una FAQ com'era nella versione N (da /faq history)",
    moderator_only=True,
)
async def _faq_restore(session: Session, args: list[str], raw: str) -> list[str]:
    if len(args) != 1 or not args[0].lstrip("#").isdigit():
        return [str(texts.KB_CONSOLE_USAGE_FAQ)]
    version = int(args[0].lstrip("#"))
    try:
        entry = await session.core.knowledge.restore_faq(
            session.guild_id, version, author_id=session.user[0]
        )
    except KnowledgeError as exc:
        return [str(exc)]
    return [texts.KB_FAQ_RESTORED.format(key=entry.key, version=version, question=entry.question)]


@COMMANDS.command(
    "answers",
    "/answers on|off [CANALE]",
    "risposte automatiche nel canale corrente (o in quello indicato)",
    moderator_only=True,
)
async def _answers(session: Session, args: list[str], raw: str) -> list[str]:
    choice = args[0].lower() if args else ""
    if choice not in ("on", "off") or len(args) > 2:
        return [str(texts.KB_CONSOLE_USAGE_ANSWERS)]
    channel = args[1].lstrip("#").lower() if len(args) == 2 else session.channel
    if channel not in CHANNELS:
        return [f"Canali: {', '.join('#' + c for c in CHANNELS)}"]
    await session.core.knowledge.set_answer_channel(
        session.guild_id, CHANNELS[channel], enabled=choice == "on"
    )
    template = texts.KB_ANSWER_CHANNEL_ON if choice == "on" else texts.KB_ANSWER_CHANNEL_OFF
    return [template.format(channel="#" + channel)]


@COMMANDS.command(
    "articles sync",
    "/articles sync",
    "ricarica le fonti configurate e i feed seguiti",
    moderator_only=True,
)
async def _sync(session: Session, args: list[str], raw: str) -> list[str]:
    try:
        reports = await session.core.knowledge.sync(session.guild_id)
    except KnowledgeError as exc:
        return [str(exc)]
    if not reports:
        return [str(texts.KB_SYNC_NO_SOURCES)]
    return [line for report in reports for line in render_report(report)]


@COMMANDS.command(
    "articles feed",
    "/articles feed URL [CANALE]",
    "segui un feed RSS/Atom (e annuncia i nuovi articoli nel canale)",
    moderator_only=True,
)
async def _feed(session: Session, args: list[str], raw: str) -> list[str]:
    if not 1 <= len(args) <= 2:
        return [str(texts.KB_CONSOLE_USAGE_FEED)]
    channel = args[1].lstrip("#").lower() if len(args) == 2 else None
    if channel is not None and channel not in CHANNELS:
        return [f"Canali: {', '.join('#' + c for c in CHANNELS)}"]
    try:
        report = await session.core.knowledge.follow_feed(
            session.guild_id, args[0], CHANNELS[channel] if channel else None
        )
    except KnowledgeError as exc:
        return [str(exc)]
    if channel is not None:
        done = texts.KB_FEED_FOLLOWED.format(url=args[0], channel="#" + channel)
    else:
        done = texts.KB_FEED_FOLLOWED_QUIET.format(url=args[0])
    return [done, *render_report(report)]


@COMMANDS.command(
    "articles unfeed", "/articles unfeed URL", "smetti di seguire un feed", moderator_only=True
)
async def _unfeed(session: Session, args: list[str], raw: str) -> list[str]:
    if len(args) != 1:
        return [str(texts.KB_CONSOLE_USAGE_FEED)]
    removed = await session.core.knowledge.unfollow_feed(session.guild_id, args[0])
    template = texts.KB_FEED_UNFOLLOWED if removed else texts.KB_FEED_NOT_FOUND
    return [template.format(url=args[0])]


def register(registry: Registry) -> None:
    for verb, usage, help_text in FAQ_VERBS:
        registry.command(f"faq {verb}", usage, help_text, moderator_only=True)(_faq_verb(verb))
    COMMANDS.install(registry)
