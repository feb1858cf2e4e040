"""Importing a policy: validated, every problem named with its rule or list, all or nothing."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.core import Core
from bot.policy import PolicyError, PolicySpec, Rule, WordList
from bot.policy.model import (
    default_policy,
    default_policy_text,
    dump_policy,
    load_policy_text,
    term_pattern,
)

GUILD = 4242

GOOD_LISTS = """
lists:
  parole: [logo, "grafic*"]
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("threshold: [1", ["non è YAML valido"]),
        ("- just a list", ["deve essere una mappa"]),
        ("threshold: 0\n", ["threshold"]),
        ("colour: blue\n", ["chiave sconosciuta «colour»"]),
        (
            GOOD_LISTS + "rules:\n  - name: r1\n    weight: abc\n    any: ['@parole']\n",
            ["regola «r1»: weight"],
        ),
        (
            GOOD_LISTS + "rules:\n  - name: r1\n    weight: 1\n    any: ['@nessuna']\n",
            ["regola «r1»: la lista @nessuna non esiste"],
        ),
        (
            GOOD_LISTS + "rules:\n  - name: r1\n    weight: 1\n    any: ['a*b']\n",
            ["regola «r1»: «a*b»: il * va solo all'inizio o alla fine"],
        ),
        (
            GOOD_LISTS + "rules:\n  - name: r1\n    weight: 1\n    any: ['lo*']\n",
            ["regola «r1»: «lo*»: con il * servono almeno 3 lettere"],
        ),
        (
            GOOD_LISTS + "rules:\n  - name: r1\n    weight: 1\n    any: ['@parole']\n    all: []\n",
            ["regola «r1»: serve esattamente uno tra «any» e «all»"],
        ),
        (
            GOOD_LISTS
            + "rules:\n  - name: r1\n    weight: 1\n    any: ['@parole']\n"
            + "  - name: r1\n    weight: 1\n    any: [logo]\n",
            ["regola «r1»: nome già usato"],
        ),
        (
            GOOD_LISTS
            + "rules:\n  - name: r1\n    weight: 1\n    any: [logo]\n    requires: [r2]\n",
            ["regola «r1»: requires «r2»"],
        ),
        (
            GOOD_LISTS + "rules:\n  - name: r1\n    weight: 1\n    any: [logo]\n    within: 3\n",
            ["regola «r1»: within ha senso solo"],
        ),
        ("lists:\n  Bad Name: [x]\n", ["lista «Bad Name»: il nome"]),
        ("lists:\n  verbi:\n    verbs: [logo]\n", ["lista «verbi»: «logo» non sembra un infinito"]),
        ("lists:\n  vuota: []\n", ["lista «vuota»: è vuota"]),
        ("lists:\n  segni:\n    - '!!!'\n", ["lista «segni»: «!!!»: non contiene lettere"]),
    ],
)
def test_errors_name_the_rule_and_the_problem(text: str, expected: list[str]) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text)
    message = str(caught.value)
    for piece in expected:
        assert piece in message


def test_every_problem_is_reported_at_once() -> None:
    text = (
        "threshold: -1\n"
        "rules:\n"
        "  - name: a\n    weight: 0\n    any: [x]\n"
        "  - name: b\n    weight: 1\n    any: ['@manca']\n"
    )
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text)
    assert len(caught.value.problems) == 3


def test_the_shipped_default_policy_is_valid_and_round_trips() -> None:
    written = load_policy_text(default_policy_text())
    spec = default_policy()  # the written policy with its learned weights (default_weights.yaml)
    assert len(spec.rules) >= 10
    again = load_policy_text(dump_policy(spec))
    assert again.content_key() == spec.content_key()
    # the learned weights change only weights and the threshold, never a rule or a word
    unweighted = [replace(r, weight=1.0) for r in spec.rules]
    assert unweighted == [replace(r, weight=1.0) for r in written.rules]
    assert (spec.lists, spec.allow) == (written.lists, written.allow)
    assert [r.weight for r in spec.rules] != [r.weight for r in written.rules]


async def test_a_rejected_import_leaves_the_database_unchanged(core: Core) -> None:
    await core.ensure_guild(GUILD)
    before_yaml = core.policy.export_yaml(GUILD)
    before_history = await core.policy.history(GUILD)
    # the weight of the rule «pagato», whatever its value
    broken = re.sub(r"(- name: pagato\n(?:    .*\n)*?    weight: )\S+", r"\1tanto", before_yaml)
    assert broken != before_yaml
    with pytest.raises(PolicyError, match="regola «pagato»: weight"):
        await core.policy.import_yaml(GUILD, broken, actor_id=1)
    assert core.policy.export_yaml(GUILD) == before_yaml
    assert await core.policy.history(GUILD) == before_history
    stored = await core.policy.store.load(GUILD)
    assert stored == core.policy.spec(GUILD)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abcàèé xyz'’:#,-*[]{}\"!?€0123", min_size=1, max_size=20),
        min_size=1,
        max_size=8,
    ),
    st.text(alphabet="abc: #'\"-,", max_size=30),
)
def test_export_reads_back_as_the_same_policy(terms: list[str], description: str) -> None:
    valid = []
    for term in terms:
        try:
            term_pattern(term)
        except ValueError:
            continue
        valid.append(term)
    assume(valid)
    spec = PolicySpec(
        lists=(WordList("parole", description=description, terms=tuple(valid)),),
        rules=(Rule("r", 1.5, (("@parole", valid[0]),), description=description),),
        allow=tuple(valid[:2]),
    )
    again = load_policy_text(dump_policy(spec))
    assert again.content_key() == spec.content_key()
