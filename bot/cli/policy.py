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
from bot.cli import add_db_option, add_guild_option, settings_for
from bot.config import Settings
from bot.errors import UserFacingError
from bot.policy.console import read_policy_file
from bot.policy.explain import explain
from bot.policy.learn import Example
from bot.policy.matcher import compile_policy, evaluate
from bot.policy.model import load_policy_text

T = TypeVar("T")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    policy = sub.add_parser(
        "policy",
        help="the keyword policy: check, test, export, import",
        description=(
            "The keyword policy that flags requests for free work, one per server: test a "
            "message, check a file of messages, export it to YAML, import an edited file."
        ),
    )
    commands = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)

    check = commands.add_parser(
        "check",
        help='evaluate a JSONL file of {"id","text"} lines; one JSON verdict a line',
        description=(
            'Evaluate each line of a JSONL file ({"id": ..., "text": ...}) and print one JSON '
            'verdict a line with "id", "flagged", "score" and "hits". A bad line is reported '
            "on stderr with its number, the others are still checked, and the exit status is "
            "1 at the end if any line was bad."
        ),
    )
    check.add_argument("--jsonl", type=Path, required=True, help="input file ('-' for stdin)")
    check.add_argument(
        "--policy", type=Path, default=None, help="a policy YAML to use instead of the guild's"
    )
    _common(check)
    check.set_defaults(func=_cmd_check)

    test = commands.add_parser(
        "test",
        help="explain the verdict on one message",
        description="Explain, rule by rule, how Rete judges one message.",
    )
    test.add_argument("text", help="the message, in quotes")
    _common(test)
    test.set_defaults(func=_cmd_test)

    export = commands.add_parser(
        "export",
        help="print the guild's policy as YAML",
        description="Print the server's policy as YAML, to read, edit and import again.",
    )
    export.add_argument("--out", type=Path, default=None, help="write to this file")
    _common(export)
    export.set_defaults(func=_cmd_export)

    imp = commands.add_parser(
        "import",
        help="replace the guild's policy with a YAML file",
        description=(
            "Replace the server's policy with a YAML file, validated as a whole: every problem "
            "is listed and nothing changes if there is one. A policy that can flag no message "
            "is refused unless --allow-no-flagging; an identical file changes nothing."
        ),
    )
    imp.add_argument("file", type=Path, help="the policy YAML (e.g. from rete policy export)")
    imp.add_argument("--actor", type=int, default=0, help="who is importing (Discord id)")
    imp.add_argument(
        "--allow-no-flagging",
        action="store_true",
        help="accept a policy that can flag no message (no rules, or a threshold out of reach)",
    )
    _common(imp)
    imp.set_defaults(func=_cmd_import)

    learn = commands.add_parser(
        "learn",
        help="learn the rules' weights and threshold from decisions; show what would change",
        description=(
            "Fit the rules' weights and the threshold on the server's confirmed and dismissed "
            "cases (or on labelled messages), show what would newly be flagged or cleared, and "
            "apply them as a new policy version only with --accept."
        ),
    )
    learn.add_argument(
        "--jsonl",
        type=Path,
        action="append",
        default=None,
        help='labelled messages ({"id","text","label": "flag"|"ok"}), repeatable; '
        "default: the guild's confirmed and dismissed cases",
    )
    learn.add_argument(
        "--accept", action="store_true", help="apply the learned weights as a new version"
    )
    learn.add_argument("--actor", type=int, default=0, help="who accepts (Discord id)")
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
            problem = "is not JSON"
        else:
            if not isinstance(row, dict):
                problem = 'is not a JSON object with "id" and "text"'
            elif "id" not in row or row["id"] is None:
                problem = 'has no "id"'
            elif not isinstance(row.get("text"), str):
                problem = 'has no "text"'
            else:
                rows.append(row)
                continue
        bad += 1
        print(f"rete policy check: line {number} {problem}", file=sys.stderr)
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
    from bot.review.policy_link import learn_and_maybe_accept, learn_from_decisions

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
