"""Console commands for the policy: /policy test for everyone, the rest for moderators."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot import i18n, texts
from bot.console.app import CHANNELS, ROLES, Commands, local_time, user_name
from bot.errors import UserFacingError, os_error_text
from bot.policy import flows
from bot.policy.explain import explain
from bot.policy.files import read_policy_file
from bot.policy.history import describe_change
from bot.policy.pages import allow_page

if TYPE_CHECKING:
    from bot.console.app import Registry, Session

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


ALLOW_NO_FLAGGING = ("--allow-no-flagging", "allow-no-flagging", "allow_no_flagging")


def _allow_flag(args: list[str]) -> tuple[bool, list[str]]:
    """(whether the moderator allows a policy that flags nothing, the other arguments)."""
    rest = [a for a in args if a.lower() not in ALLOW_NO_FLAGGING]
    return len(rest) != len(args), rest


Handler = Callable[["Session", list[str], str], Awaitable[list[str]]]


def _guard(handler: Handler) -> Handler:
    """A rejected change is an answer for the moderator, not a crash of the console."""

    async def wrapper(session: Session, args: list[str], raw: str) -> list[str]:
        try:
            return await handler(session, args, raw)
        except UserFacingError as exc:
            return [str(exc)]

    return wrapper


BACKTEST_SHOWN = 30


def resolve_target(kind: str, raw: str) -> int:
    """A channel or role of the console's server by name (#domande, domande) or by id."""
    names = CHANNELS if kind == "channel" else ROLES
    key = raw.strip().lstrip("#@").lower()
    if key in names:
        return names[key]
    if raw.strip().isdigit():
        return int(raw.strip())
    known = ", ".join(("#" if kind == "channel" else "@") + n for n in names)
    raise UserFacingError(texts.CONSOLE_NO_SUCH_TARGET.format(name=raw, known=known))


def target_name(kind: str, target_id: int) -> str:
    names = CHANNELS if kind == "channel" else ROLES
    for name, known_id in names.items():
        if known_id == target_id:
            return ("#" if kind == "channel" else "@") + name
    return str(target_id)


PAGE_WORDS = ("pagina", "page", "p")


COMMANDS = Commands()


@COMMANDS.command("policy test", "/policy test TESTO", "spiega come Rete giudica un messaggio")
@_guard
async def _test(session: Session, args: list[str], raw: str) -> list[str]:
    text = raw.strip()
    if not text:
        return [str(texts.POLICY_USAGE)]
    verdict = await session.core.policy.evaluate(session.guild_id, text)
    return explain(verdict, text)


@COMMANDS.command(
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
                description=i18n.rule_description(rule.description) if rule.description else "—",
            )
        )
    return lines


@COMMANDS.command(
    "policy threshold",
    "/policy threshold N [--allow-no-flagging]",
    "imposta la soglia",
    moderator_only=True,
)
@_guard
async def _threshold(session: Session, args: list[str], raw: str) -> list[str]:
    allow, args = _allow_flag(args)
    if len(args) != 1:
        return [str(texts.POLICY_USAGE)]
    spec = await session.core.policy.set_threshold(
        session.guild_id, _number(args[0]), actor_id=session.user[0], allow_no_flagging=allow
    )
    return [texts.POLICY_THRESHOLD_SET.format(threshold=spec.threshold, version=spec.version)]


@COMMANDS.command(
    "policy shadow",
    "/policy shadow REGOLA on|off",
    "regola in prova: conta ma non allerta",
    moderator_only=True,
)
@_guard
async def _shadow(session: Session, args: list[str], raw: str) -> list[str]:
    if len(args) != 2:
        return [str(texts.POLICY_USAGE)]
    on = _switch(args[1])
    spec = await session.core.policy.set_shadow(
        session.guild_id, args[0], on, actor_id=session.user[0]
    )
    state = "on" if on else "off"
    return [texts.POLICY_SHADOW_SET.format(name=args[0], state=state, version=spec.version)]


@COMMANDS.command(
    "policy weight",
    "/policy weight REGOLA N",
    "cambia il peso di una regola",
    moderator_only=True,
)
@_guard
async def _weight(session: Session, args: list[str], raw: str) -> list[str]:
    if len(args) != 2:
        return [str(texts.POLICY_USAGE)]
    weight = _number(args[1])
    spec = await session.core.policy.set_weight(
        session.guild_id, args[0], weight, actor_id=session.user[0]
    )
    return [texts.POLICY_WEIGHT_SET.format(name=args[0], weight=weight, version=spec.version)]


@COMMANDS.command(
    "policy allow",
    "/policy allow [pagina N|add FRASE|remove FRASE]",
    "frasi mai considerate indizi",
    moderator_only=True,
)
@_guard
async def _allow(session: Session, args: list[str], raw: str) -> list[str]:
    policy = session.core.policy
    if not args or args[0].lower() in PAGE_WORDS:
        if args and (len(args) != 2 or not args[1].isdigit() or int(args[1]) < 1):
            return [str(texts.POLICY_USAGE)]
        await session.core.ensure_guild(session.guild_id)
        spec = policy.spec(session.guild_id)
        return allow_page(spec.allow if spec else (), int(args[1]) if args else 1)
    action, phrase = args[0].lower(), " ".join(args[1:]).strip()
    if action not in ("add", "remove") or not phrase:
        return [str(texts.POLICY_USAGE)]
    if action == "add":
        spec = await policy.allow_add(session.guild_id, phrase, actor_id=session.user[0])
        return [texts.POLICY_ALLOW_ADDED.format(term=phrase, version=spec.version)]
    spec = await policy.allow_remove(session.guild_id, phrase, actor_id=session.user[0])
    return [texts.POLICY_ALLOW_REMOVED.format(term=phrase, version=spec.version)]


@COMMANDS.command(
    "policy exempt",
    "/policy exempt role|channel NOME|ID on|off",
    "ruoli e canali esenti",
    moderator_only=True,
)
@_guard
async def _exempt(session: Session, args: list[str], raw: str) -> list[str]:
    kinds = {"role": "role", "ruolo": "role", "channel": "channel", "canale": "channel"}
    if len(args) != 3 or args[0].lower() not in kinds:
        return [str(texts.POLICY_USAGE)]
    kind = kinds[args[0].lower()]
    target = resolve_target(kind, args[1])
    on = _switch(args[2])
    spec = await session.core.policy.set_exempt(
        session.guild_id, kind, target, on, actor_id=session.user[0]
    )
    return [
        texts.POLICY_EXEMPT_SET.format(
            kind=kind,
            target=target_name(kind, target),
            state="on" if on else "off",
            version=spec.version,
        )
    ]


@COMMANDS.command(
    "policy add",
    "/policy add NOME PESO PAROLE [--within N] [--shadow]",
    "aggiungi una regola («mi fai, fammi + logo + gratis»)",
    moderator_only=True,
)
@_guard
async def _add(session: Session, args: list[str], raw: str) -> list[str]:
    words = list(args)
    shadow = any(w.lower() == "--shadow" for w in words)
    words = [w for w in words if w.lower() != "--shadow"]
    within: int | None = None
    lowered = [w.lower() for w in words]
    if "--within" in lowered:
        at = lowered.index("--within")
        if at + 1 >= len(words) or not words[at + 1].isdigit():
            return [str(texts.POLICY_USAGE_ADD)]
        within = int(words[at + 1])
        del words[at : at + 2]
    if len(words) < 3:
        return [str(texts.POLICY_USAGE_ADD)]
    spec = await flows.add_rule(
        session.core,
        session.guild_id,
        name=words[0],
        weight=_number(words[1]),
        words=" ".join(words[2:]),
        actor_id=session.user[0],
        within=within,
        shadow=shadow,
    )
    return [texts.POLICY_RULE_ADDED.format(name=words[0], version=spec.version)]


@COMMANDS.command("policy remove", "/policy remove NOME", "togli una regola", moderator_only=True)
@_guard
async def _remove(session: Session, args: list[str], raw: str) -> list[str]:
    if len(args) != 1:
        return [str(texts.POLICY_USAGE)]
    spec = await session.core.policy.remove_rule(
        session.guild_id, args[0], actor_id=session.user[0]
    )
    return [texts.POLICY_RULE_REMOVED.format(name=args[0], version=spec.version)]


@COMMANDS.command(
    "policy backtest",
    "/policy backtest [FILE]",
    "cosa cambierebbe sui casi registrati (la policy attuale o un file)",
    moderator_only=True,
)
@_guard
async def _backtest(session: Session, args: list[str], raw: str) -> list[str]:
    if len(args) > 1:
        return [str(texts.POLICY_USAGE)]
    policy_yaml = read_policy_file(Path(args[0])) if args else None
    await session.core.ensure_guild(session.guild_id)
    report = await flows.backtest(session.core, session.guild_id, policy_yaml)
    if policy_yaml is None:
        version = session.core.policy.version(session.guild_id)
        source = texts.POLCMD_BACKTEST_CURRENT.format(version=version)
    else:
        source = str(texts.POLCMD_BACKTEST_UPLOADED)
    title = texts.POLCMD_BACKTEST_TITLE.format(source=source)
    return [title, *flows.backtest_body(report, BACKTEST_SHOWN).splitlines()]


@COMMANDS.command(
    "policy import",
    "/policy import FILE [--allow-no-flagging]",
    "sostituisci la policy con un file YAML",
    moderator_only=True,
)
@_guard
async def _import(session: Session, args: list[str], raw: str) -> list[str]:
    allow, args = _allow_flag(args)
    if len(args) != 1:
        return [str(texts.POLICY_USAGE)]
    text = read_policy_file(Path(args[0]))
    result = await session.core.policy.import_policy(
        session.guild_id, text, actor_id=session.user[0], allow_no_flagging=allow
    )
    return result.lines()


@COMMANDS.command(
    "policy export",
    "/policy export [FILE]",
    "la policy come YAML (a schermo o in un file)",
    moderator_only=True,
)
@_guard
async def _export(session: Session, args: list[str], raw: str) -> list[str]:
    await session.core.ensure_guild(session.guild_id)
    text = session.core.policy.export_yaml(session.guild_id)
    if not args:
        return text.splitlines()
    path = Path(args[0])
    try:
        path.write_text(text, "utf-8")  # noqa: ASYNC240 (a small file, at a console)
    except OSError as exc:
        raise UserFacingError(os_error_text(exc)) from None
    version = session.core.policy.version(session.guild_id)
    return [texts.POLICY_EXPORTED_TO.format(path=path, version=version)]


@COMMANDS.command(
    "policy history", "/policy history", "le ultime modifiche alla policy", moderator_only=True
)
@_guard
async def _history(session: Session, args: list[str], raw: str) -> list[str]:
    changes = await session.core.policy.history(session.guild_id)
    if not changes:
        return [str(texts.POLICY_HISTORY_EMPTY)]
    lines = [str(texts.POLICY_HISTORY_HEADER)]
    for change in changes:
        lines.append(
            texts.POLICY_HISTORY_LINE.format(
                version=change.version,
                at=local_time(change.timestamp),
                actor=user_name(change.actor_id),
                change=describe_change(change.action, change.detail),
            )
        )
    return lines


@COMMANDS.command(
    "policy learn",
    "/policy learn [accept]",
    "impara pesi e soglia dalle decisioni; con accept li applica",
    moderator_only=True,
)
@_guard
async def _learn(session: Session, args: list[str], raw: str) -> list[str]:
    if args and (len(args) != 1 or args[0].lower() != "accept"):
        return [str(texts.POLICY_USAGE)]
    proposal = await flows.learn_from_decisions(session.core, session.guild_id)
    return await flows.learn_and_maybe_accept(
        session.core,
        session.guild_id,
        proposal,
        accept=bool(args),
        actor_id=session.user[0],
        how_to_accept=str(texts.POLICY_LEARN_ACCEPT_CONSOLE),
    )


def register(registry: Registry) -> None:
    COMMANDS.install(registry)
