"""`rete policy …`: check a JSONL file, explain one message, export and import a guild's policy."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from bot import texts
from bot.cli import _, add_db_option, add_guild_option, settings_for
from bot.config import Settings
from bot.errors import UserFacingError
from bot.policy.explain import explain
from bot.policy.files import read_policy_file
from bot.policy.learn import Example
from bot.policy.matcher import compile_policy, evaluate
from bot.policy.model import load_policy_text

T = TypeVar("T")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    policy = sub.add_parser(
        "policy",
        help=_("la policy delle parole chiave: check, test, export, import"),
        description=_(
            "La policy delle parole chiave che segnala le richieste di lavoro gratis, una per "
            "server: prova un messaggio, controlla un file di messaggi, esportala in YAML, "
            "importa un file modificato."
        ),
    )
    commands = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    _add_check_parser(commands)
    _add_test_parser(commands)
    _add_export_parser(commands)
    _add_import_parser(commands)
    _add_learn_parser(commands)


def _add_check_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help=_('valuta un file JSONL di righe {"id","text"}; un verdetto JSON per riga'),
        description=_(
            'Valuta ogni riga di un file JSONL ({"id": ..., "text": ...}) e stampa un verdetto '
            'JSON per riga con "id", "flagged", "score" e "hits". Una riga sbagliata è '
            "segnalata su stderr con il suo numero, le altre sono valutate comunque, e alla "
            "fine il codice di uscita è 1 se qualche riga era sbagliata."
        ),
    )
    check.add_argument(
        "--jsonl", type=Path, required=True, help=_("il file da leggere («-» per lo stdin)")
    )
    check.add_argument(
        "--policy",
        type=Path,
        default=None,
        help=_("una policy YAML da usare al posto di quella del server"),
    )
    _common(check)
    check.set_defaults(func=_cmd_check)


def _add_test_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    test = commands.add_parser(
        "test",
        help=_("spiega il verdetto su un messaggio"),
        description=_("Spiega, regola per regola, come Rete giudica un messaggio."),
    )
    test.add_argument("text", help=_("il messaggio, tra virgolette"))
    _common(test)
    test.set_defaults(func=_cmd_test)


def _add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export",
        help=_("stampa la policy del server in YAML"),
        description=_(
            "Stampa la policy del server in YAML, da leggere, modificare e importare di nuovo."
        ),
    )
    export.add_argument("--out", type=Path, default=None, help=_("scrivi in questo file"))
    _common(export)
    export.set_defaults(func=_cmd_export)


def _add_import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = commands.add_parser(
        "import",
        help=_("sostituisci la policy del server con un file YAML"),
        description=_(
            "Sostituisce la policy del server con un file YAML, validato per intero: ogni "
            "problema è elencato e se ce n'è uno non cambia nulla. Una policy che non può "
            "segnalare nessun messaggio è rifiutata senza --allow-no-flagging; un file "
            "identico non cambia nulla."
        ),
    )
    imp.add_argument(
        "file", type=Path, help=_("la policy YAML (per esempio da rete policy export)")
    )
    imp.add_argument("--actor", type=int, default=0, help=_("chi importa (id Discord)"))
    imp.add_argument(
        "--allow-no-flagging",
        action="store_true",
        help=_(
            "accetta una policy che non può segnalare nessun messaggio (nessuna regola, o una "
            "soglia irraggiungibile)"
        ),
    )
    _common(imp)
    imp.set_defaults(func=_cmd_import)


def _add_learn_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    learn = commands.add_parser(
        "learn",
        help=_("impara pesi e soglia delle regole dalle decisioni; mostra cosa cambierebbe"),
        description=_(
            "Adatta i pesi delle regole e la soglia ai casi confermati e archiviati del server "
            "(o a messaggi etichettati), mostra cosa verrebbe segnalato o non più segnalato, "
            "e li applica come nuova versione della policy solo con --accept."
        ),
    )
    learn.add_argument(
        "--jsonl",
        type=Path,
        action="append",
        default=None,
        help=_(
            'messaggi etichettati ({"id","text","label": "flag"|"ok"}), ripetibile; '
            "predefinito: i casi confermati e archiviati del server"
        ),
    )
    learn.add_argument(
        "--accept", action="store_true", help=_("applica i pesi imparati come nuova versione")
    )
    learn.add_argument("--actor", type=int, default=0, help=_("chi accetta (id Discord)"))
    _common(learn)
    learn.set_defaults(func=_cmd_learn)


def _common(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)
    add_guild_option(parser)


def _with_core(
    args: argparse.Namespace, settings: Settings, body: Callable[[Any], Awaitable[T]]
) -> T:
    from bot.core import Core

    async def go() -> T:
        core = await Core.open(settings_for(args, settings))
        try:
            await core.ensure_guild(args.guild)
            return await body(core)
        finally:
            await core.close()

    return asyncio.run(go())


def _read_lines(path: Path) -> list[str]:
    if str(path) == "-":
        return sys.stdin.read().splitlines()
    return path.read_text("utf-8").splitlines()


def _check_rows(lines: list[str]) -> tuple[list[dict[str, Any]], int]:
    """The valid rows of a JSONL input, and how many lines were bad (each reported on stderr)."""
    rows: list[dict[str, Any]] = []
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            problem = _("non è JSON")
        else:
            if not isinstance(row, dict):
                problem = _('non è un oggetto JSON con "id" e "text"')
            elif "id" not in row or row["id"] is None:
                problem = _('non ha "id"')
            elif not isinstance(row.get("text"), str):
                problem = _('non ha "text"')
            else:
                rows.append(row)
                continue
        bad += 1
        print(
            _("rete policy check: riga {n} {problem}").format(n=number, problem=problem),
            file=sys.stderr,
        )
    return rows, bad


def _cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    rows, bad = _check_rows(_read_lines(args.jsonl))

    def emit(verdicts: list[Any]) -> int:
        for row, verdict in zip(rows, verdicts, strict=True):
            out = {
                "id": row["id"],
                "flagged": verdict.flagged,
                "score": round(verdict.score, 4),
                "hits": [h.to_json() for h in verdict.hits],
            }
            print(json.dumps(out, ensure_ascii=False))
        if bad:
            print(
                f"rete policy check: {bad} bad line(s) skipped, {len(rows)} checked",
                file=sys.stderr,
            )
            return 1
        return 0

    if args.policy is not None:
        spec = load_policy_text(args.policy.read_text("utf-8"))
        compiled = compile_policy(spec)
        return emit([evaluate(compiled, row["text"]) for row in rows])

    async def body(core: Any) -> int:
        return emit([await core.policy.evaluate(args.guild, row["text"]) for row in rows])

    return _with_core(args, settings, body)


def _cmd_test(args: argparse.Namespace, settings: Settings) -> int:
    async def body(core: Any) -> int:
        verdict = await core.policy.evaluate(args.guild, args.text)
        for line in explain(verdict, args.text):
            print(line)
        return 0

    return _with_core(args, settings, body)


def _cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    async def body(core: Any) -> int:
        text = core.policy.export_yaml(args.guild)
        if args.out is None:
            sys.stdout.write(text)
        else:
            args.out.write_text(text, "utf-8")
        return 0

    return _with_core(args, settings, body)


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    text = read_policy_file(args.file)  # the same cap as an attachment to /policy import

    async def body(core: Any) -> int:
        result = await core.policy.import_policy(
            args.guild, text, actor_id=args.actor, allow_no_flagging=args.allow_no_flagging
        )
        for line in result.lines():
            print(line)
        return 0

    return _with_core(args, settings, body)


def _labelled(paths: list[Path]) -> tuple[list[Example], list[str]]:
    """Examples from labelled JSONL files; UserFacingError names the first bad line."""
    examples: list[Example] = []
    labels: list[str] = []
    for path in paths:
        for number, line in enumerate(_read_lines(path), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                bad = texts.CLI_LEARN_BAD_LINE.format(path=path, n=number)
                raise UserFacingError(bad) from None
            if (
                not isinstance(row, dict)
                or not isinstance(row.get("text"), str)
                or row.get("label") not in ("flag", "ok")
            ):
                raise UserFacingError(texts.CLI_LEARN_BAD_LINE.format(path=path, n=number))
            examples.append(Example(row["text"], row["label"] == "flag"))
            labels.append(str(row.get("id", f"{path.name}:{number}")))
    return examples, labels


def _cmd_learn(args: argparse.Namespace, settings: Settings) -> int:
    from bot.policy.flows import learn_and_maybe_accept, learn_from_decisions

    labelled = _labelled(args.jsonl) if args.jsonl else None

    async def body(core: Any) -> int:
        if labelled is None:
            proposal = await learn_from_decisions(core, args.guild)
        else:
            proposal = await core.policy.propose_learning(args.guild, *labelled)
        lines = await learn_and_maybe_accept(
            core,
            args.guild,
            proposal,
            accept=args.accept,
            actor_id=args.actor,
            how_to_accept=str(texts.POLICY_LEARN_ACCEPT_CLI),
        )
        for line in lines:
            print(line)
        return 0

    return _with_core(args, settings, body)
