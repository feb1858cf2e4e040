"""Learning from use in `rete console`: /vote on an answer; /faq unanswered|attach|write|dismiss."""

from __future__ import annotations

import datetime as dt

from bot import texts
from bot.console.app import CHANNELS, MEMBER, MODERATOR, Commands, Registry, Session
from bot.knowledge.learning import Decided, UnansweredPage, decided_message, item_fields
from bot.knowledge.models import KnowledgeError

_NAMES = {MEMBER[0]: MEMBER[1], MODERATOR[0]: MODERATOR[1]}
_VOTES = {"up": True, "su": True, "+": True, "down": False, "giu": False, "giù": False, "-": False}


def _who(user_id: int | None) -> str:
    if user_id is None:
        return "—"
    return f"@{_NAMES.get(user_id, user_id)}"


def _channel(channel_id: int | None) -> str:
    for name, cid in CHANNELS.items():
        if cid == channel_id:
            return f" · #{name}"
    return f" · canale {channel_id}" if channel_id is not None else ""


def _when(at: float) -> str:
    return dt.datetime.fromtimestamp(at).astimezone().strftime("%Y-%m-%d %H:%M")


def render_page(page: UnansweredPage) -> list[str]:
    if not page.items:
        return [str(texts.LEARN_LIST_EMPTY)]
    lines = [texts.LEARN_LIST_TITLE.format(total=page.total)]
    for item in page.items:
        fields = item_fields(item)
        source = f" (Rete: {item.source})" if item.source else ""
        lines.append(
            "  "
            + texts.LEARN_CONSOLE_LINE.format(
                item_id=item.item_id,
                count=item.count,
                reasons=fields.reasons,
                when=_when(item.last_at),
                where=_channel(item.channel_id),
                question=fields.question,
                source=source,
            )
        )
    lines.append(texts.LEARN_LIST_FOOTER.format(page=page.page, pages=page.pages))
    return lines


def render_decided(decided: Decided) -> list[str]:
    return [decided_message(decided, _who)]


def _number(word: str) -> int | None:
    word = word.lstrip("#")
    return int(word) if word.isdigit() else None


COMMANDS = Commands()


@COMMANDS.command("vote", "/vote N up|down", "dì se una risposta di Rete è stata utile")
async def _vote(session: Session, args: list[str], raw: str) -> list[str]:
    answer_id = _number(args[0]) if args else None
    helpful = _VOTES.get(args[1].lower()) if len(args) == 2 else None
    if answer_id is None or helpful is None:
        return [str(texts.LEARN_CONSOLE_VOTE_USAGE)]
    try:
        vote = await session.core.knowledge.learning.vote(
            session.guild_id, answer_id, session.user[0], helpful
        )
    except KnowledgeError as exc:
        return [str(exc)]
    return [vote.message]


@COMMANDS.command(
    "faq unanswered",
    "/faq unanswered [PAGINA]",
    "le domande a cui Rete non ha saputo rispondere",
    moderator_only=True,
)
async def _unanswered(session: Session, args: list[str], raw: str) -> list[str]:
    page = _number(args[0]) if args else 1
    if page is None or len(args) > 1:
        return [str(texts.LEARN_CONSOLE_USAGE)]
    listing = await session.core.knowledge.learning.unanswered(session.guild_id, page=page)
    return render_page(listing)


@COMMANDS.command(
    "faq attach",
    "/faq attach N ID_FAQ",
    "aggiungi la domanda N a una FAQ come formulazione",
    moderator_only=True,
)
async def _attach(session: Session, args: list[str], raw: str) -> list[str]:
    item_id = _number(args[0]) if len(args) == 2 else None
    if item_id is None:
        return [str(texts.LEARN_CONSOLE_USAGE)]
    try:
        decided = await session.core.knowledge.learning.attach(
            session.guild_id, item_id, args[1], session.user[0]
        )
    except KnowledgeError as exc:
        return [str(exc)]
    return render_decided(decided)


@COMMANDS.command(
    "faq write",
    "/faq write N [DOMANDA ||] RISPOSTA",
    "una nuova FAQ dalla domanda N",
    moderator_only=True,
)
async def _write(session: Session, args: list[str], raw: str) -> list[str]:
    first, _, rest = raw.strip().partition(" ")
    item_id = _number(first)
    question, sep, answer = rest.partition("||")
    if not sep:
        question, answer = "", rest
    if item_id is None or not answer.strip():
        return [str(texts.LEARN_CONSOLE_USAGE)]
    try:
        decided = await session.core.knowledge.learning.write_faq(
            session.guild_id, item_id, answer, session.user[0], question=question or None
        )
    except KnowledgeError as exc:
        return [str(exc)]
    return render_decided(decided)


@COMMANDS.command("faq dismiss", "/faq dismiss N", "scarta la domanda N", moderator_only=True)
async def _dismiss(session: Session, args: list[str], raw: str) -> list[str]:
    item_id = _number(args[0]) if len(args) == 1 else None
    if item_id is None:
        return [str(texts.LEARN_CONSOLE_USAGE)]
    try:
        decided = await session.core.knowledge.learning.dismiss(
            session.guild_id, item_id, session.user[0]
        )
    except KnowledgeError as exc:
        return [str(exc)]
    return render_decided(decided)


def register(registry: Registry) -> None:
    COMMANDS.install(registry)
