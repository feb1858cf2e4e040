"""The review flows in `rete console`: flag, list, decide, appeal, set up."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from bot.console import open_session
from tests.review.helpers import open_core


async def test_flag_list_decide_in_the_console(tmp_path: Path) -> None:
    core = await open_core(tmp_path / "console.db")
    try:
        session = await open_session(core)
        unconfigured = await session.handle("mi fai il logo gratis?")
        assert "nessun canale di revisione" in unconfigured[0]
        assert len(unconfigured) == 1  # no nudge before /setup

        refused = await session.handle("/review pending")
        assert texts.NOT_MODERATOR in refused[0]
        await session.handle("/as mod")
        assert "#moderazione" in "\n".join(
            await session.handle("/setup review-channel moderazione")
        )
        await session.handle("/as member")

        out = await session.handle("fammi il sito gratis")
        assert out[0].startswith("⚑ Caso #2 inviato in #moderazione")
        assert "pescare" in out[1]
        assert "https://example.org/norma" in out[1]
        answered = await session.handle("come si impara a fare un sito?")
        assert "La risposta." in answered[0]

        assert await session.handle("/appeal 2 era a pagamento") == [texts.APPEAL_DONE]
        await session.handle("/as mod")
        pending = "\n".join(await session.handle("/review pending"))
        assert "#1" in pending
        assert "#2" in pending
        case = "\n".join(await session.handle("/review case 2"))
        assert "**sito**" in case
        assert "era a pagamento" in case
        confirmed = await session.handle("/review confirm 2 cancella timeout 1h")
        assert "Confermato" in confirmed[0]
        assert any("1 ora" in line for line in confirmed)
        assert "già" in (await session.handle("/review dismiss 2"))[0]
        assert "Falso positivo" in (await session.handle("/review dismiss 1"))[0]
        stats = "\n".join(await session.handle("/review stats"))
        assert "gratis" in stats
        assert "50%" in stats
        assert "Non trovo" in (await session.handle("/review case 99"))[0]
    finally:
        await core.close()


async def test_confirm_with_an_unknown_word_decides_nothing(tmp_path: Path) -> None:
    core = await open_core(tmp_path / "words.db")
    try:
        session = await open_session(core)
        await session.handle("/as mod")
        await session.handle("/setup review-channel moderazione")
        await session.handle("/as member")
        await session.handle("mi fai il logo gratis?")
        await session.handle("fammi il sito gratis")
        await session.handle("/as mod")
        for line, word in (
            ("/review confirm 1 cancela", "cancela"),
            ("/review confirm 2 boh", "boh"),
            ("/review confirm 1 cancella timeout", None),
            ("/review confirm 1 timeout mai", None),
        ):
            out = "\n".join(await session.handle(line))
            assert "Nessuna decisione presa" in out, (line, out)
            if word is not None:
                assert f"«{word}»" in out
                for valid in ("cancella", "elimina", "timeout"):
                    assert valid in out
        for case_id in (1, 2):
            case = await core.review.get(1, case_id)
            assert case is not None
            assert case.status == "pending", case
            assert case.decided_by is None
        done = "\n".join(await session.handle("/review confirm 1 CANCELLA timeout 1h"))
        assert "Nessuna decisione" not in done
        confirmed = await core.review.get(1, 1)
        assert confirmed is not None
        assert confirmed.status == "confirmed"
    finally:
        await core.close()
