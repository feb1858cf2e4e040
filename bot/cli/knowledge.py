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
from bot.cli import _, add_db_option, add_guild_option, settings_for
from bot.config import Settings
from bot.db import Database
from bot.errors import UserFacingError, os_error_text
from bot.knowledge import SHARED_GUILD, KnowledgeService, Lookup
from bot.knowledge.render import excerpt_lines, no_excerpt_line, render_report
from bot.knowledge.reply import plain_lines


def add_commands(sub: Any) -> None:
    knowledge = sub.add_parser(
        "knowledge",
        help=_("importa articoli e FAQ nella base di conoscenza"),
        description=_(
            "La base di conoscenza da cui Rete risponde: le FAQ e gli articoli del blog "
            "dell'Accademia. Esempio: rete knowledge import ../shared/corpus"
        ),
    )
    verbs = knowledge.add_subparsers(dest="knowledge_command", metavar="ACTION", required=True)
    imp = verbs.add_parser(
        "import",
        help=_("importa cartelle Markdown, FAQ in YAML, feed RSS/Atom, export WordPress, pagine"),
        description=_(
            "Importa file, cartelle (formati riconosciuti da estensione e contenuto) o "
            "indirizzi http(s): tutto, o niente se una fonte è malformata (ogni fonte è letta "
            "e controllata prima della prima scrittura; le importazioni grandi sono scritte a "
            "blocchi). Reimportare aggiorna gli articoli per GUID, URL o slug, e le FAQ per "
            "id. Esempio: rete knowledge import ../shared/corpus"
        ),
    )
    add_db_option(imp)
    imp.add_argument(
        "--guild",
        type=int,
        default=SHARED_GUILD,
        metavar="ID",
        help=_(
            "importa solo nella conoscenza propria di un server (predefinito: la conoscenza "
            "condivisa dell'Accademia, che ogni server, console compresa, vede)"
        ),
    )
    imp.add_argument("sources", nargs="+", metavar="SOURCE", help=_("file, cartella o URL"))
    imp.set_defaults(func=_cmd_import)
    _add_ask_parser(sub)
    _add_excerpt_parser(sub)


def _add_ask_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ask = sub.add_parser(
        "ask",
        help=_("fai una domanda alla base di conoscenza (o un file JSONL di domande)"),
        description=_(
            "Risponde a una domanda con le FAQ e gli articoli del blog come fa /ask, con la "
            "fonte e quanto Rete è sicura; Rete dice di non sapere piuttosto che tirare a "
            'indovinare. Esempio: rete ask "quanto costa il percorso completo?"'
        ),
    )
    add_db_option(ask)
    add_guild_option(ask)
    ask.add_argument("question", nargs="?", help=_("la domanda, tra virgolette"))
    ask.add_argument(
        "--jsonl",
        type=Path,
        help=_(
            'domande, un oggetto JSON per riga con "id" e "text"; stampa una riga JSON per '
            'ciascuna con "id", "source" (null quando Rete si astiene), "score", "text" e '
            '"suggestions" (le fonti che Rete propone quando non è sicura, la migliore per '
            "prima, date per ogni domanda)"
        ),
    )
    ask.add_argument(
        "--explain",
        action="store_true",
        help=_(
            "di' anche perché: le parole trovate, il tipo di fonte, gli indizi della sicurezza "
            '(con --jsonl: un oggetto "why" su ogni riga)'
        ),
    )
    ask.set_defaults(func=_cmd_ask)


def _add_excerpt_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    excerpt = sub.add_parser(
        "excerpt",
        help=_("il passaggio di un articolo che corrisponde a una ricerca"),
        description=_(
            "Stampa il passaggio di un articolo del blog che corrisponde meglio alla ricerca, "
            'con titolo, autore, data e link, come fa /excerpt. Esempio: rete excerpt "metodo '
            'pomodoro"'
        ),
    )
    add_db_option(excerpt)
    add_guild_option(excerpt)
    excerpt.add_argument("query", help=_("di cosa deve parlare il passaggio"))
    excerpt.add_argument(
        "--article", help=_("cerca solo in questo articolo (il suo slug o titolo)"), metavar="SLUG"
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
            raise UserFacingError(
                _('riga {n}: non è un oggetto JSON con "text" ({problem})').format(
                    n=number, problem=exc
                )
            ) from None
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
        print(_("rete ask: scrivi una domanda oppure --jsonl FILE"), file=sys.stderr)
        return 2

    async def body(service: KnowledgeService) -> int:
        if await service.is_empty(args.guild):
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
        if await service.is_empty(args.guild):
            print(texts.KB_CONSOLE_EMPTY, file=sys.stderr)
            return 1
        excerpt = await service.excerpt(args.query, args.article, args.guild)
        if excerpt is None:
            print(no_excerpt_line(args.query))
            return 1
        print("\n\n".join(excerpt_lines(excerpt)))
        return 0

    return _run(args, settings, body)
