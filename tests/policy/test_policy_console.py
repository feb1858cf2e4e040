"""The console's /policy commands: test for everyone, changes for moderators only."""

from __future__ import annotations

from bot import texts
from bot.console.app import open_session
from bot.core import Core


async def test_policy_test_is_for_everyone(core: Core) -> None:
    session = await open_session(core)
    out = await session.handle("/policy test qualcuno mi fa il logo gratis?")
    assert out[0].startswith("SEGNALATO")
    assert any("«logo»" in line for line in out)
    clean = await session.handle("/policy test buongiorno a tutti")
    assert "Nessuna regola" in clean[0]


async def test_moderator_commands(core: Core) -> None:
    session = await open_session(core)
    refused = await session.handle("/policy threshold 2")
    assert "moderatori" in refused[0]
    await session.handle("/as mod")
    assert "v2" in (await session.handle("/policy threshold 2"))[0]
    rules = await session.handle("/policy rules")
    assert "soglia 2" in rules[0]
    assert any("chiede-a-te" in line for line in rules)
    assert "v3" in (await session.handle("/policy shadow gratis on"))[0]
    assert "[shadow]" in "\n".join(await session.handle("/policy rules"))
    assert "v4" in (await session.handle("/policy allow add logo gratis"))[0]
    assert "  • logo gratis" in (await session.handle("/policy allow pagina 99"))  # the last
    assert "v5" in (await session.handle("/policy exempt channel 10 on"))[0]
    history = await session.handle("/policy history")
    assert texts.POLICY_CHANGES["exempt channel add"].format(detail="10") in history[1]
    # a rejected change is an answer, not a crash, and changes nothing
    rejected = await session.handle("/policy shadow nessuna on")
    assert "nessuna" in rejected[0]
    assert core.policy.version(1) == 5
