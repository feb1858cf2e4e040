"""The console's /policy add, remove, export, import and backtest do what Discord's do, through
the same core functions; channels and roles by name where Discord takes a mention."""

from __future__ import annotations

import re
from pathlib import Path

from bot.console.app import CHANNELS, ROLES, open_session
from bot.core import Core

GUILD = 1


async def test_add_and_remove_a_rule(core: Core) -> None:
    session = await open_session(core)
    await session.handle("/as mod")
    before = core.policy.version(GUILD)
    out = await session.handle('/policy add sito-gratis 1.2 "fammi, mi fai + sito" --within 4')
    assert "aggiunta" in out[0], out
    rule = core.policy.rules(GUILD)[-1]
    assert rule.name == "sito-gratis"
    assert rule.weight == 1.2
    assert rule.groups == (("fammi", "mi fai"), ("sito",))
    assert rule.within == 4
    assert (await core.policy.evaluate(GUILD, "fammi un sito")).flagged
    assert "Uso:" in (await session.handle("/policy add solo-nome"))[0]
    assert "Uso:" in (await session.handle("/policy add r 1 a + b --within x"))[0]
    out = await session.handle("/policy remove sito-gratis")
    assert "tolta" in out[0]
    assert all(r.name != "sito-gratis" for r in core.policy.rules(GUILD))
    assert core.policy.version(GUILD) == before + 2
    refused = await session.handle("/policy remove sito-gratis")
    assert "sito-gratis" in refused[0]
    assert core.policy.version(GUILD) == before + 2


async def test_export_then_import_a_file(core: Core, tmp_path: Path) -> None:
    session = await open_session(core)
    await session.handle("/as mod")
    path = tmp_path / "policy.yaml"
    out = await session.handle(f"/policy export {path}")
    assert str(path) in out[0]
    assert path.read_text() == core.policy.export_yaml(GUILD)
    printed = "\n".join(await session.handle("/policy export"))
    assert printed.strip() == core.policy.export_yaml(GUILD).strip()
    path.write_text(re.sub(r"(?m)^threshold: .*$", "threshold: 1.25", path.read_text()))
    out = await session.handle(f"/policy import {path}")
    assert "Policy importata" in out[0], out
    spec = core.policy.spec(GUILD)
    assert spec is not None
    assert spec.threshold == 1.25
    missing = await session.handle(f"/policy import {tmp_path / 'nessuno.yaml'}")
    assert "nessuno.yaml" in missing[0]


async def test_backtest_the_current_policy_and_a_file(core: Core, tmp_path: Path) -> None:
    session = await open_session(core)
    await session.handle("/as mod")
    await session.handle("/setup review-channel moderazione")
    await session.handle("/as member")
    await session.handle("mi fai il logo gratis? non ho budget")
    await session.handle("/as mod")
    current = await session.handle("/policy backtest")
    assert "Casi riesaminati: 1" in "\n".join(current)
    assert "Cambierebbero: 0" in "\n".join(current)
    other = tmp_path / "p.yaml"
    other.write_text("threshold: 1\nrules:\n  - name: ciao\n    weight: 1\n    any: [ciao]\n")
    out = "\n".join(await session.handle(f"/policy backtest {other}"))
    assert "Non più segnalati: 1" in out
    assert "#1 (" in out


async def test_exempt_channels_and_roles_by_name(core: Core) -> None:
    session = await open_session(core)
    await session.handle("/as mod")
    out = await session.handle("/policy exempt channel #domande on")
    assert "#domande" in out[0]
    assert core.policy.is_exempt(GUILD, CHANNELS["domande"], [])
    await session.handle("/policy exempt role docenti on")
    assert core.policy.is_exempt(GUILD, 0, [ROLES["docenti"]])
    setup = "\n".join(await session.handle("/setup"))
    assert "Canali esenti: #domande" in setup  # as /setup show lists them in Discord
    assert "Ruoli esenti: @docenti" in setup
    await session.handle("/policy exempt canale domande off")
    assert not core.policy.is_exempt(GUILD, CHANNELS["domande"], [])
    refused = await session.handle("/policy exempt channel altrove on")
    assert "#generale" in refused[0]
    await session.handle("/policy exempt channel 123456789012345678 on")
    assert core.policy.is_exempt(GUILD, 123456789012345678, [])
    # What an exempt channel means for a member writing there:
    await session.handle("/policy exempt channel domande on")
    await session.handle("/channel domande")
    await session.handle("/as member")
    assert "non reagisce" in (await session.handle("mi fai il logo gratis?"))[0]
