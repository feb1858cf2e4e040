"""A policy change as a person reads it. The history stores an action ("rule add", "threshold",
"seed"…) and a detail (a rule's name, a value, counts) when the change is made; here they become
words in the reader's language, whatever language was active when the change was recorded."""

from __future__ import annotations

import re

from bot import texts

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def describe_change(action: str, detail: str) -> str:
    """ "rule add" + "gratis" → «regola aggiunta: gratis» / "rule added: gratis"; an action this
    version does not know is shown as stored."""
    numbers = _NUMBER.findall(detail)
    if action == "seed":
        return str(texts.POLICY_CHANGE_SEED)
    if action == "import" and len(numbers) == 2:
        return texts.POLICY_CHANGE_IMPORT.format(rules=numbers[0], lists=numbers[1])
    if action == "rollback" and numbers:
        return texts.POLICY_CHANGE_ROLLBACK.format(version=numbers[-1])
    if action == "learn" and len(numbers) == 5:
        n, p0, p1, r0, r1 = numbers
        described = texts.POLICY_LEARN_DETAIL.format(
            n=int(n), p0=float(p0), p1=float(p1), r0=float(r0), r1=float(r1)
        )
        return texts.POLICY_CHANGE_LEARN.format(detail=described)
    template = texts.POLICY_CHANGES.get(action)
    if template is None:
        return f"{action} {detail}".strip()
    return template.format(detail=detail)
