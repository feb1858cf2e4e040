"""The policy in SQLite: seeding, versions, history, isolation between guilds, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import Core
from bot.policy import PolicyError, Rule, WordList
from bot.policy.model import default_policy, dump_policy

GUILD = 4242
OTHER = 5353
MOD = 777
FLAG_ME = "qualcuno mi fa il logo gratis?"


async def test_a_new_guild_is_seeded_with_the_default_policy(core: Core) -> None:
    await core.ensure_guild(GUILD, "Prova")
    spec = core.policy.spec(GUILD)
    assert spec is not None
    assert spec.version == 1
    assert spec.rules == default_policy().rules
    history = await core.policy.history(GUILD)
    assert [(h.version, h.actor_id, h.action) for h in history] == [(1, 0, "seed")]
    assert (await core.policy.evaluate(GUILD, FLAG_ME)).flagged


async def test_seeding_is_idempotent(core: Core) -> None:
    await core.ensure_guild(GUILD)
    await core.ensure_guild(GUILD)
    assert core.policy.version(GUILD) == 1
    assert len(await core.policy.history(GUILD)) == 1


async def test_each_change_bumps_the_version_and_is_recorded(core: Core) -> None:
    await core.ensure_guild(GUILD)
    await core.policy.set_threshold(GUILD, 3.0, actor_id=MOD)
    await core.policy.set_shadow(GUILD, "gratis", True, actor_id=MOD)
    await core.policy.allow_add(GUILD, "logo gratis", actor_id=MOD)
    await core.policy.set_exempt(GUILD, "role", 99, True, actor_id=MOD)
    spec = core.policy.spec(GUILD)
    assert spec is not None
    assert spec.version == 5
    history = await core.policy.history(GUILD)
    assert [h.version for h in history] == [5, 4, 3, 2, 1]
    assert [h.action for h in history[:4]] == [
        "exempt role add",
        "allow add",
        "rule change",
        "threshold",
    ]
    assert all(h.actor_id == MOD for h in history[:4])
    assert all(h.at for h in history)


async def test_changes_apply_at_once_and_survive_a_restart(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "restart.db")
    core = await Core.open(settings)
    try:
        await core.ensure_guild(GUILD)
        assert (await core.policy.evaluate(GUILD, FLAG_ME)).flagged
        await core.policy.set_threshold(GUILD, 50, actor_id=MOD, allow_no_flagging=True)
        verdict = await core.policy.evaluate(GUILD, FLAG_ME)  # the new compiled policy, swapped in
        assert not verdict.flagged
        assert verdict.policy_version == 2
        await core.policy.set_exempt(GUILD, "channel", 10, True, actor_id=MOD)
    finally:
        await core.close()
    reopened = await Core.open(settings)
    try:
        spec = reopened.policy.spec(GUILD)
        assert spec is not None
        assert (spec.version, spec.threshold) == (3, 50)
        assert reopened.policy.is_exempt(GUILD, 10, [])
        assert not reopened.policy.is_exempt(GUILD, 11, [])
        assert spec.rules == default_policy().rules
    finally:
        await reopened.close()


async def test_guilds_are_isolated(core: Core) -> None:
    await core.ensure_guild(GUILD)
    await core.ensure_guild(OTHER)
    await core.policy.set_threshold(GUILD, 50, actor_id=MOD, allow_no_flagging=True)
    await core.policy.remove_rule(GUILD, "consegna-gratis", actor_id=MOD)
    await core.policy.set_exempt(GUILD, "role", 1, True, actor_id=MOD)
    other = core.policy.spec(OTHER)
    assert other is not None
    assert (other.version, other.threshold) == (1, 1.0)
    assert other.rule("consegna-gratis") is not None
    assert not core.policy.is_exempt(OTHER, 0, [1])
    assert core.policy.is_exempt(GUILD, 0, [1])
    assert (await core.policy.evaluate(OTHER, FLAG_ME)).flagged
    assert not (await core.policy.evaluate(GUILD, FLAG_ME)).flagged


async def test_rules_and_lists_can_be_added_updated_and_removed(core: Core) -> None:
    await core.ensure_guild(GUILD)
    await core.policy.set_list(GUILD, WordList("mie-parole", terms=("supercalifragili*",)), MOD)
    rule = Rule(name="mia-regola", weight=2.0, groups=(("@mie-parole",),))
    await core.policy.add_rule(GUILD, rule, actor_id=MOD)
    verdict = await core.policy.evaluate(GUILD, "che supercalifragilistico!")
    assert verdict.flagged
    assert [h.rule for h in verdict.hits] == ["mia-regola"]
    await core.policy.set_weight(GUILD, "mia-regola", 0.5, actor_id=MOD)
    assert not (await core.policy.evaluate(GUILD, "che supercalifragilistico!")).flagged
    with pytest.raises(PolicyError, match="mie-parole"):
        await core.policy.remove_list(GUILD, "mie-parole", actor_id=MOD)  # still used
    await core.policy.remove_rule(GUILD, "mia-regola", actor_id=MOD)
    await core.policy.remove_list(GUILD, "mie-parole", actor_id=MOD)
    spec = core.policy.spec(GUILD)
    assert spec is not None
    assert spec.rule("mia-regola") is None
    assert spec.word_list("mie-parole") is None


async def _attempt(core: Core, change: str) -> None:
    policy = core.policy
    if change == "remove_rule":
        await policy.remove_rule(GUILD, "chiede-a-te", actor_id=MOD)
    elif change == "add_duplicate":
        await policy.add_rule(GUILD, Rule("pagato", 1.0, (("x",),)), actor_id=MOD)
    elif change == "bad_term":
        await policy.add_rule(GUILD, Rule("nuova", 1.0, (("troppo*vago",),)), actor_id=MOD)
    elif change == "bad_threshold":
        await policy.set_threshold(GUILD, -1, actor_id=MOD)
    else:
        await policy.set_shadow(GUILD, "nessuna-regola", True, actor_id=MOD)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("remove_rule", "chiede-a-te"),  # another rule requires it
        ("add_duplicate", "pagato"),
        ("bad_term", r"nuova.*troppo\*vago.*inizio o alla fine"),
        ("bad_threshold", "threshold"),
        ("unknown_rule", "nessuna-regola"),
    ],
)
async def test_a_rejected_change_names_the_problem_and_changes_nothing(
    core: Core, change: str, message: str
) -> None:
    await core.ensure_guild(GUILD)
    before = core.policy.export_yaml(GUILD)
    with pytest.raises(PolicyError, match=message):
        await _attempt(core, change)
    assert core.policy.export_yaml(GUILD) == before
    assert core.policy.version(GUILD) == 1
    assert len(await core.policy.history(GUILD)) == 1


async def test_export_and_import_round_trip(core: Core) -> None:
    await core.ensure_guild(GUILD)
    await core.ensure_guild(OTHER)
    await core.policy.set_shadow(GUILD, "gratis", True, actor_id=MOD)
    exported = core.policy.export_yaml(GUILD)
    imported = await core.policy.import_yaml(OTHER, exported, actor_id=MOD)
    source = core.policy.spec(GUILD)
    assert source is not None
    assert imported.content_key() == source.content_key()
    assert imported.version == 2
    history = await core.policy.history(OTHER)
    assert (history[0].action, history[0].actor_id) == ("import", MOD)
    # the shipped file and its export describe the same policy
    assert dump_policy(default_policy()).count("name:") == len(default_policy().rules)


async def test_a_change_for_a_guild_never_seen_seeds_it_first(core: Core) -> None:
    spec = await core.policy.set_threshold(OTHER, 2.0, actor_id=MOD)
    assert (spec.version, spec.threshold) == (2, 2.0)
    history = await core.policy.history(OTHER)
    assert [h.action for h in history] == ["threshold", "seed"]
