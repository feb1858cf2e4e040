"""Console commands for the policy: /policy test for everyone, the rest for moderators."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot import texts
from bot.errors import UserFacingError
from bot.policy.explain import explain
from bot.review.policy_link import learn_and_maybe_accept, learn_from_decisions

if TYPE_CHECKING:
    from bot.console import Registry, Session

_ON = ("on", "si", "sì", "yes", "true", "1")
_OFF = ("off", "no", "false", "0")


def _switch(word: str) -> bool:
    word = word.lower()
    if word in _ON:
        return True
    if word in _OFF:
        return False
    raise UserFacingError(texts.POLICY_USAGE)


def _number(word: str) -> float:
    try:
        return float(word.replace(",", "."))
    except ValueError:
        raise UserFacingError(texts.POLICY_USAGE) from None


Handler = Callable[["Session", list[str], str], Awaitable[list[str]]]


def _guard(handler: Handler) -> Handler:
    """A rejected change is an answer for the moderator, not a crash of the console."""

    async def wrapper(session: Session, args: list[str], raw: str) -> list[str]:
        try:
            return await handler(session, args, raw)
        except UserFacingError as exc:
            return [str(exc)]

    return wrapper


def register(registry: Registry) -> None:
    @registry.command("policy", "/policy", "la policy sul lavoro gratis (vedi /policy test)")
    @_guard
    async def _usage(session: Session, args: list[str], raw: str) -> list[str]:
        return [texts.POLICY_USAGE]

    @registry.command("policy test", "/policy test TESTO", "spiega come Rete giudica un messaggio")
    @_guard
    async def _test(session: Session, args: list[str], raw: str) -> list[str]:
        text = raw.strip()
        if not text:
            return [texts.POLICY_USAGE]
        verdict = await session.core.policy.evaluate(session.guild_id, text)
        return explain(verdict, text)

    @registry.command(
        "policy rules", "/policy rules", "le regole, i pesi e la soglia", moderator_only=True
    )
    @_guard
    async def _rules(session: Session, args: list[str], raw: str) -> list[str]:
        policy = session.core.policy
        spec = policy.spec(session.guild_id)
        if spec is None:
            await session.core.ensure_guild(session.guild_id)
            spec = policy.spec(session.guild_id)
        assert spec is not None
        lines = [texts.POLICY_RULES_HEADER.format(threshold=spec.threshold, version=spec.version)]
        for rule in spec.rules:
            lines.append(
                texts.POLICY_RULE_LINE.format(
                    weight=rule.weight,
                    name=rule.name,
                    shadow=texts.POLICY_SHADOW_MARK if rule.shadow else "",
                    description=rule.description or "—",
                )
            )
        return lines

    @registry.command(
        "policy threshold", "/policy threshold N", "imposta la soglia", moderator_only=True
    )
    @_guard
    async def _threshold(session: Session, args: list[str], raw: str) -> list[str]:
        if len(args) != 1:
            return [texts.POLICY_USAGE]
        spec = await session.core.policy.set_threshold(
            session.guild_id, _number(args[0]), actor_id=session.user[0]
        )
        return [texts.POLICY_THRESHOLD_SET.format(threshold=spec.threshold, version=spec.version)]

    @registry.command(
        "policy shadow",
        "/policy shadow REGOLA on|off",
        "regola in prova: conta ma non allerta",
        moderator_only=True,
    )
    @_guard
    async def _shadow(session: Session, args: list[str], raw: str) -> list[str]:
        if len(args) != 2:
            return [texts.POLICY_USAGE]
        on = _switch(args[1])
        spec = await session.core.policy.set_shadow(
            session.guild_id, args[0], on, actor_id=session.user[0]
        )
        state = "on" if on else "off"
        return [texts.POLICY_SHADOW_SET.format(name=args[0], state=state, version=spec.version)]

    @registry.command(
        "policy weight",
        "/policy weight REGOLA N",
        "cambia il peso di una regola",
        moderator_only=True,
    )
    @_guard
    async def _weight(session: Session, args: list[str], raw: str) -> list[str]:
        if len(args) != 2:
            return [texts.POLICY_USAGE]
        weight = _number(args[1])
        spec = await session.core.policy.set_weight(
            session.guild_id, args[0], weight, actor_id=session.user[0]
        )
        return [texts.POLICY_WEIGHT_SET.format(name=args[0], weight=weight, version=spec.version)]

    @registry.command(
        "policy allow",
        "/policy allow [add|remove FRASE]",
        "frasi mai considerate indizi",
        moderator_only=True,
    )
    @_guard
    async def _allow(session: Session, args: list[str], raw: str) -> list[str]:
        policy = session.core.policy
        if not args:
            spec = policy.spec(session.guild_id)
            terms = ", ".join(spec.allow) if spec else ""
            return [texts.POLICY_ALLOW_HEADER.format(terms=terms or "—")]
        action, phrase = args[0].lower(), " ".join(args[1:]).strip()
        if action not in ("add", "remove") or not phrase:
            return [texts.POLICY_USAGE]
        if action == "add":
            spec = await policy.allow_add(session.guild_id, phrase, actor_id=session.user[0])
            return [texts.POLICY_ALLOW_ADDED.format(term=phrase, version=spec.version)]
        spec = await policy.allow_remove(session.guild_id, phrase, actor_id=session.user[0])
        return [texts.POLICY_ALLOW_REMOVED.format(term=phrase, version=spec.version)]

    @registry.command(
        "policy exempt",
        "/policy exempt role|channel ID on|off",
        "ruoli e canali esenti",
        moderator_only=True,
    )
    @_guard
    async def _exempt(session: Session, args: list[str], raw: str) -> list[str]:
        if len(args) != 3 or args[0] not in ("role", "channel") or not args[1].isdigit():
            return [texts.POLICY_USAGE]
        on = _switch(args[2])
        spec = await session.core.policy.set_exempt(
            session.guild_id, args[0], int(args[1]), on, actor_id=session.user[0]
        )
        return [
            texts.POLICY_EXEMPT_SET.format(
                kind=args[0], target=args[1], state="on" if on else "off", version=spec.version
            )
        ]

    @registry.command(
        "policy history", "/policy history", "le ultime modifiche alla policy", moderator_only=True
    )
    @_guard
    async def _history(session: Session, args: list[str], raw: str) -> list[str]:
        changes = await session.core.policy.history(session.guild_id)
        if not changes:
            return [texts.POLICY_HISTORY_EMPTY]
        lines = [texts.POLICY_HISTORY_HEADER]
        for change in changes:
            lines.append(
                texts.POLICY_HISTORY_LINE.format(
                    version=change.version,
                    at=change.at,
                    actor=change.actor_id,
                    action=change.action,
                    detail=change.detail,
                )
            )
        return lines

    @registry.command(
        "policy learn",
        "/policy learn [accept]",
        "impara pesi e soglia dalle decisioni; con accept li applica",
        moderator_only=True,
    )
    @_guard
    async def _learn(session: Session, args: list[str], raw: str) -> list[str]:
        if args and (len(args) != 1 or args[0].lower() != "accept"):
            return [texts.POLICY_USAGE]
        proposal = await learn_from_decisions(session.core, session.guild_id)
        return await learn_and_maybe_accept(
            session.core,
            session.guild_id,
            proposal,
            accept=bool(args),
            actor_id=session.user[0],
            how_to_accept=texts.POLICY_LEARN_ACCEPT_CONSOLE,
        )
