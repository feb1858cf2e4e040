"""An import (or a change) that would leave a policy flagging nothing is refused unless the
moderator allows it explicitly; an identical file changes nothing; an older export says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console.app import open_session
from bot.core import Core
from bot.policy.model import default_policy
from bot.policy.service import PolicyFlagsNothingError
from tests.policy.test_policy_cli import rete

GUILD = 1  # the console's local guild, and the CLI's default
MOD = 200
NO_RULES = "threshold: 1\n"
OUT_OF_REACH = "threshold: 5\nrules:\n  - name: ciao\n    weight: 1\n    any: [ciao]\n"
FLAG_ME = "mi fai il logo gratis? non ho budget"


async def _snapshot(core: Core) -> tuple[int, str, int]:
    history = await core.policy.history(GUILD, limit=100)
    return core.policy.version(GUILD), core.policy.export_yaml(GUILD), len(history)


@pytest.mark.parametrize("text", [NO_RULES, OUT_OF_REACH], ids=["no-rules", "out-of-reach"])
async def test_a_policy_that_flags_nothing_is_refused(core: Core, text: str) -> None:
    await core.ensure_guild(GUILD)
    before = await _snapshot(core)
    with pytest.raises(PolicyFlagsNothingError) as caught:
        await core.policy.import_policy(GUILD, text, actor_id=MOD)
    assert "allow-no-flagging" in str(caught.value)
    assert await _snapshot(core) == before
    assert (await core.policy.evaluate(GUILD, FLAG_ME)).flagged
    assert core.policy.flagging_off(GUILD) is None


async def test_a_threshold_out_of_reach_is_refused_unless_allowed(core: Core) -> None:
    await core.ensure_guild(GUILD)
    before = await _snapshot(core)
    with pytest.raises(PolicyFlagsNothingError):
        await core.policy.set_threshold(GUILD, 99, actor_id=MOD)
    assert await _snapshot(core) == before
    spec = await core.policy.set_threshold(GUILD, 99, actor_id=MOD, allow_no_flagging=True)
    assert spec.version == before[0] + 1
    assert core.policy.flagging_off(GUILD) is not None


@pytest.mark.parametrize("text", [NO_RULES, OUT_OF_REACH], ids=["no-rules", "out-of-reach"])
async def test_allowed_explicitly_then_stats_and_setup_say_flagging_is_off(
    core: Core, text: str
) -> None:
    session = await open_session(core)
    await session.handle("/as mod")
    stats_before = "\n".join(await session.handle("/review stats"))
    assert "Segnalazioni spente" not in stats_before
    result = await core.policy.import_policy(GUILD, text, actor_id=MOD, allow_no_flagging=True)
    assert result.changed
    assert any("Segnalazioni spente" in line for line in result.lines())
    assert not (await core.policy.evaluate(GUILD, FLAG_ME)).flagged
    for command in ("/review stats", "/setup"):
        out = "\n".join(await session.handle(command))
        assert "Segnalazioni spente" in out, (command, out)


async def test_the_console_import_is_refused_and_changes_nothing(
    core: Core, tmp_path: Path
) -> None:
    path = tmp_path / "vuota.yaml"
    path.write_text(NO_RULES)
    session = await open_session(core)
    await session.handle("/as mod")
    before = await _snapshot(core)
    out = "\n".join(await session.handle(f"/policy import {path}"))
    assert "non può segnalare" in out
    assert await _snapshot(core) == before
    out = "\n".join(await session.handle(f"/policy import {path} --allow-no-flagging"))
    assert "Policy importata" in out
    assert core.policy.version(GUILD) == before[0] + 1


async def test_an_identical_file_does_not_bump_the_version(core: Core) -> None:
    await core.ensure_guild(GUILD)
    exported = core.policy.export_yaml(GUILD)
    before = await _snapshot(core)
    result = await core.policy.import_policy(GUILD, exported, actor_id=MOD)
    assert not result.changed
    assert "identico" in result.lines()[0]
    assert await _snapshot(core) == before


async def test_a_file_exported_from_an_older_version_says_so(core: Core) -> None:
    await core.ensure_guild(GUILD)
    old = core.policy.export_yaml(GUILD)
    old_version = core.policy.version(GUILD)
    await core.policy.allow_add(GUILD, "logo della community", actor_id=MOD)
    await core.policy.set_threshold(GUILD, 1.2, actor_id=MOD)
    previous = core.policy.version(GUILD)
    result = await core.policy.import_policy(GUILD, old, actor_id=MOD)
    assert result.changed
    assert result.from_older_version
    note = "\n".join(result.lines())
    assert f"v{old_version}" in note
    assert f"v{previous}" in note
    # The current export, imported again, has nothing to say about versions.
    again = await core.policy.import_policy(GUILD, core.policy.export_yaml(GUILD), actor_id=MOD)
    assert not again.from_older_version


def test_rete_policy_import_refuses_an_empty_policy(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    empty = tmp_path / "vuota.yaml"
    empty.write_text(NO_RULES)
    exported = rete(["policy", "export", "--db", db], tmp_path)
    assert exported.returncode == 0, exported.stderr
    refused = rete(["policy", "import", str(empty), "--db", db], tmp_path)
    assert refused.returncode == 1
    assert "non può segnalare" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert rete(["policy", "export", "--db", db], tmp_path).stdout == exported.stdout
    allowed = rete(["policy", "import", str(empty), "--allow-no-flagging", "--db", db], tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    assert "Segnalazioni spente" in allowed.stdout
    console = rete(["console", "--db", db], tmp_path, "/as mod\n/review stats\n/setup\n")
    assert console.stdout.count("Segnalazioni spente") == 2, console.stdout


def test_default_policy_can_flag() -> None:
    spec = default_policy()
    assert spec.can_flag
    assert spec.max_score >= spec.threshold
