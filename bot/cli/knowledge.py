"""`rete knowledge import`, `rete ask` and `rete excerpt`: the knowledge base from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

from bot import texts
from bot.cli import add_db_option, add_guild_option, settings_for
from bot.config import Settings
from bot.db import Database
from bot.errors import UserFacingError, os_error_text
from bot.knowledge import SHARED_GUILD, KnowledgeService, Lookup
from bot.knowledge.console import clip_query, knowledge_is_empty, render_report
from bot.knowledge.reply import plain_lines


def add_commands(sub: Any) -> None:
    knowledge = sub.add_parser(
        "knowledge",
        help="import articles and FAQ into the knowledge base",
        description=(
            "The knowledge base Rete answers from: the academy's FAQ and blog articles. "
            "Example: rete knowledge import ../shared/corpus"
        ),
    )
    verbs = knowledge.add_subparsers(dest="knowledge_command", metavar="ACTION", required=True)
    imp = verbs.add_parser(
        "import",
        help="import Markdown folders, FAQ YAML, RSS/Atom feeds, WordPress exports, pages",
        description=(
            "Import files, folders (formats detected by extension and content) or http(s) URLs "
            "all of it, or nothing if any source is malformed (every source is read and checked "
            "before the first write; large imports are written in chunks). Re-importing "
            "updates articles in place by GUID, URL or slug, and FAQ entries by id. "
            "Example: rete knowledge import ../shared/corpus"
        ),
    )
    add_db_option(imp)
    imp.add_argument(
        "--guild",
        type=int,
        default=SHARED_GUILD,
        metavar="ID",
        help=(
            "import into one server's own knowledge only (default: the academy's shared "
            "knowledge, which every server, the console included, sees)"
        ),
    )
    imp.add_argument("sources", nargs="+", metavar="SOURCE", help="file, folder or URL")
    imp.set_defaults(func=_cmd_import)

    ask = sub.add_parser(
        "ask",
        help="ask the knowledge base a question (or a JSONL file of them)",
        description=(
            "Answer a question from the FAQ and the blog articles as /ask does, with the "
            "source and how sure Rete is; Rete says it does not know rather than guess. "
            'Example: rete ask "quanto costa il percorso completo?"'
        ),
    )
    add_db_option(ask)
    add_guild_option(ask)
    ask.add_argument("question", nargs="?", help="the question, in quotes")
    ask.add_argument(
        "--jsonl",
        type=Path,
        help='questions, one JSON object a line with "id" and "text"; prints one JSON line each '
        'with "id", "source" (null when Rete abstains), "score", "text" and "suggestions" (the '
        "sources Rete offers when unsure, best first, given for every question)",
    )
    ask.add_argument(
        "--explain",
        action="store_true",
        help="also say why: the words that matched, the source's kind, the confidence's evidence "
        '(with --jsonl: a "why" object on each line)',
    )
    ask.set_defaults(func=_cmd_ask)

    excerpt = sub.add_parser(
        "excerpt",
        help="the passage of an article that fits a query",
        description=(
            "Print the passage of a blog article that best fits the query, with title, author, "
            'date and link, as /excerpt does. Example: rete excerpt "metodo pomodoro"'
        ),
    )
    add_db_option(excerpt)
    add_guild_option(excerpt)
    excerpt.add_argument("query", help="what the passage should be about")
    excerpt.add_argument(
        "--article", help="look only in this article (its slug or title)", metavar="SLUG"
    )
    excerpt.set_defaults(func=_cmd_excerpt)


@asynccontextmanager
async def _service(settings: Settings) -> AsyncIterator[KnowledgeService]:
    db = await Database(settings.db_path).open()
    try:
        service = KnowledgeService(db, sources=settings.knowledge_sources)
        await service.refresh()
        yield service
        service.close()
    finally:
        await db.close()


def _run(
    args: argparse.Namespace, settings: Settings, body: Callable[[KnowledgeService], Awaitable[int]]
) -> int:
    async def go() -> int:
        async with _service(settings_for(args, settings)) as service:
            return await body(service)

    return asyncio.run(go())


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    async def body(service: KnowledgeService) -> int:
        report = await service.import_sources(args.sources, args.guild)
        for line in render_report(report):
            print(line)
        return 0

    return _run(args, settings, body)


def answer_json(
    question_id: object, found: Lookup, threshold: float, *, explain: bool = False
) -> str:
    answer = found.answer(threshold)
    item: dict[str, object] = {
        "id": question_id,
        "source": answer.source if answer else None,
        "score": round(found.best.score if found.best else 0.0, 4),
        "text": answer.text if answer else None,
        "suggestions": [a.source for a in found.suggestions()],
    }
    why = found.why(threshold)
    if explain and why is not None:
        item["why"] = {
            "source": why.source,
            "kind": why.kind,
            "matched": list(why.matched),
            "missing": list(why.missing),
            "features": dict(why.features),
        }
    return json.dumps(item, ensure_ascii=False)


async def ask_jsonl(
    service: KnowledgeService,
    lines: TextIO,
    out: TextIO,
    guild_id: int = SHARED_GUILD,
    *,
    explain: bool = False,
) -> int:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = str(item["text"]) if isinstance(item, dict) else str(item)
        except (json.JSONDecodeError, KeyError) as exc:
            raise UserFacingError(f'line {number}: not a JSON object with "text" ({exc})') from None
        question_id = item.get("id", number) if isinstance(item, dict) else number
        found = await service.lookup(text, guild_id)
        print(
            answer_json(question_id, found, service.answer_threshold, explain=explain),
            file=out,
            flush=True,
        )
    return 0


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if (args.jsonl is None) == (args.question is None):
        print("rete ask: give either a question or --jsonl FILE", file=sys.stderr)
        return 2

    async def body(service: KnowledgeService) -> int:
        if await knowledge_is_empty(service, args.guild):
            print(texts.KB_CONSOLE_EMPTY, file=sys.stderr)
        if args.jsonl is not None:
            try:
                with args.jsonl.open(encoding="utf-8") as lines:
                    return await ask_jsonl(
                        service, lines, sys.stdout, args.guild, explain=args.explain
                    )
            except OSError as exc:
                raise UserFacingError(os_error_text(exc)) from None
        # Like /ask: with --guild, what Rete could not answer is kept for /faq unanswered.
        asked = await service.learning.ask(args.question, args.guild, via="cli")
        for line in plain_lines(asked.reply, explain=args.explain):
            print(line)
        return 0

    return _run(args, settings, body)


def _cmd_excerpt(args: argparse.Namespace, settings: Settings) -> int:
    async def body(service: KnowledgeService) -> int:
        if await knowledge_is_empty(service, args.guild):
            print(texts.KB_CONSOLE_EMPTY, file=sys.stderr)
            return 1
        excerpt = await service.excerpt(args.query, args.article, args.guild)
        if excerpt is None:
            print(texts.KB_EXCERPT_NONE.format(query=clip_query(args.query)))
            return 1
        heading = f"{excerpt.title} — {excerpt.section}" if excerpt.section else excerpt.title
        byline = ", ".join(x for x in (excerpt.author, excerpt.date) if x)
        print(f"{heading}" + (f" ({byline})" if byline else ""))
        print()
        print(excerpt.text)
        if excerpt.url:
            print()
            print(excerpt.url)
        return 0

    return _run(args, settings, body)
