"""Policy history in the reader's language: what the history stores (an action and a detail,
whatever language was active then) becomes words when it is shown."""

from __future__ import annotations

import pytest

from bot import i18n, texts
from bot.policy.history import describe_change

STORED = [
    ("seed", "policy predefinita", "default policy"),
    ("import", "12 regole, 3 liste", "policy imported: 12 rules, 3 lists"),
    ("rollback", "alla v7", "rolled back to v7"),
    (
        "learn",
        "40 esempi: precisione 0.80→0.90, richiamo 0.70→0.75",
        "weights learned from decisions, 40 examples: precision 0.80→0.90, recall 0.70→0.75",
    ),
    ("threshold", "1.1", "threshold: 1.1"),
    ("exempt channel add", "11", "channel exempted: 11"),
    ("rule change", "gratis: shadow=True", "rule changed: gratis: shadow=True"),
]


@pytest.mark.parametrize(("action", "detail", "english"), STORED)
def test_a_stored_change_reads_in_english(action: str, detail: str, english: str) -> None:
    with i18n.using("en"):
        assert describe_change(action, detail) == english


def test_every_recorded_action_has_words_in_both_languages() -> None:
    for action in texts.POLICY_CHANGES:
        with i18n.using("it"):
            italian = describe_change(action, "x")
        with i18n.using("en"):
            english = describe_change(action, "x")
        assert italian != english, action
        assert not english.startswith(action + " "), action  # not shown as stored


def test_an_unknown_action_is_shown_as_stored() -> None:
    assert describe_change("something new", "detail") == "something new detail"
