"""A server's FAQ keeps its earlier versions (migration 0009): an edit, an import over an entry,
an attached variant or a removal no longer loses what the entry said, and a moderator can put a
version back. The shared FAQ (guild 0) comes from files and is not recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import texts
from bot.config import Settings
from bot.console.app import open_session
from bot.core import Core
from bot.knowledge import KnowledgeService
from bot.knowledge.models import KnowledgeError, origin_user

GUILD = 9
MOD, OTHER = 4242, 777


async def test_an_edit_keeps_what_the_entry_said_and_who_replaced_it(
    service: KnowledgeService,
) -> None:
    entry = await service.add_faq(
        GUILD, "Dove si parcheggia per il meetup?", "Nel cortile interno.", author_id=MOD
    )
    assert await service.faq_history(GUILD) == []
    await service.edit_faq(GUILD, entry.key, answer="In via Roma.", author_id=OTHER)
    await service.edit_faq(GUILD, entry.key, answer="In via Roma.", author_id=OTHER)  # same text
    (version,) = await service.faq_history(GUILD, entry.key)
    assert version.change == "edited"
    assert version.entry.answer == "Nel cortile interno."
    assert origin_user(version.entry.origin) == MOD
    assert version.changed_by_id == OTHER


async def test_a_removed_entry_can_be_restored_and_answers_again(
    service: KnowledgeService,
) -> None:
    entry = await service.add_faq(
        GUILD,
        "Dove si parcheggia per il meetup?",
        "Nel cortile interno dell'aula.",
        variants=["C'è un parcheggio?"],
        author_id=MOD,
    )
    await service.remove_faq(GUILD, entry.key, author_id=OTHER)
    assert await service.own_faq_entry(GUILD, entry.key) is None
    (version,) = await service.faq_history(GUILD)
    assert (version.change, version.changed_by_id) == ("removed", OTHER)
    restored = await service.restore_faq(GUILD, version.version_id, author_id=MOD)
    assert (restored.key, restored.question, restored.answer, restored.variants) == (
        entry.key,
        entry.question,
        entry.answer,
        entry.variants,
    )
    found = await service.lookup("dove si parcheggia per il meetup?", GUILD)
    assert found.best is not None
    assert found.best.source == entry.source


async def test_restoring_an_edit_keeps_the_version_it_replaces(service: KnowledgeService) -> None:
    entry = await service.add_faq(GUILD, "Quando apre la segreteria?", "Alle nove.")
    await service.edit_faq(GUILD, entry.key, answer="Alle dieci.", author_id=OTHER)
    (first,) = await service.faq_history(GUILD, entry.key)
    back = await service.restore_faq(GUILD, first.version_id, author_id=MOD)
    assert back.answer == "Alle nove."
    newest, oldest = await service.faq_history(GUILD, entry.key)
    assert newest.entry.answer == "Alle dieci."
    assert newest.changed_by_id == MOD
    assert oldest.version_id == first.version_id


async def test_an_import_over_an_entry_keeps_the_old_text(service: KnowledgeService) -> None:
    entry = await service.add_faq(GUILD, "Quando apre la segreteria?", "Alle nove.", author_id=MOD)
    data = f"- id: {entry.key}\n  question: Quando apre la segreteria?\n  answer: Alle dieci.\n"
    await service.import_file("faq.yaml", data.encode(), GUILD)
    now = await service.own_faq_entry(GUILD, entry.key)
    assert now is not None
    assert now.answer == "Alle dieci."
    (version,) = await service.faq_history(GUILD, entry.key)
    assert version.entry.answer == "Alle nove."


async def test_versions_are_per_server_capped_and_the_shared_faq_is_not_recorded(
    service: KnowledgeService,
) -> None:
    shared = await service.add_faq(0, "Domanda condivisa?", "Prima risposta.")
    await service.edit_faq(0, shared.key, answer="Seconda risposta.")
    assert await service.faq_history(0) == []
    entry = await service.add_faq(GUILD, "Quante volte cambia?", "Versione 0.")
    for n in range(1, 26):
        await service.edit_faq(GUILD, entry.key, answer=f"Versione {n}.")
    versions = await service.faq_history(GUILD, entry.key, limit=100)
    assert [v.entry.answer for v in versions] == [f"Versione {n}." for n in range(24, 4, -1)]
    assert await service.faq_history(GUILD + 1) == []
    with pytest.raises(KnowledgeError):
        await service.restore_faq(GUILD + 1, versions[0].version_id)  # another server's
    with pytest.raises(KnowledgeError):
        await service.restore_faq(GUILD, 10**9)


async def test_the_console_lists_and_restores_versions(tmp_path: Path) -> None:
    core = await Core.open(Settings(db_path=tmp_path / "c.db"))
    try:
        console = await open_session(core)
        await console.handle("/as mod")
        added = await console.handle(
            "/faq add C'è il wifi in aula? || Sì, la password è sulla lavagna."
        )
        key = "faq-c-e-il-wifi-in-aula"
        assert key in added[0]
        assert (await console.handle("/faq history"))[0] == texts.KB_FAQ_HISTORY_EMPTY
        await console.handle(f"/faq remove {key}")
        listing = await console.handle("/faq history")
        assert listing[0] == texts.KB_FAQ_HISTORY_HEADER
        (version,) = await core.knowledge.faq_history(1)
        assert listing[1].startswith(f"• #{version.version_id} {key} ")
        assert "@moderatrice" in listing[1]
        assert "la password è sulla lavagna" in listing[1]
        assert listing[-1] == texts.KB_FAQ_HISTORY_HINT
        assert (await console.handle("/faq restore abc"))[0] == texts.KB_CONSOLE_USAGE_FAQ
        restored = await console.handle(f"/faq restore #{version.version_id}")
        assert restored[0] == texts.KB_FAQ_RESTORED.format(
            key=key, version=version.version_id, question="C'è il wifi in aula?"
        )
        assert await core.knowledge.own_faq_entry(1, key) is not None
        await console.handle("/as member")
        assert texts.NOT_MODERATOR in (await console.handle("/faq history"))[0]
    finally:
        await core.close()


async def test_a_removed_own_copy_of_a_shared_entry_comes_back(service: KnowledgeService) -> None:
    shared = await service.add_faq(0, "Quando apre la segreteria?", "Alle nove.")
    copy = await service.add_variant(GUILD, shared.key, "a che ora apre l'ufficio?", author_id=MOD)
    assert copy.guild_id == GUILD
    await service.remove_faq(GUILD, shared.key, author_id=OTHER)  # back to the shared entry
    assert await service.own_faq_entry(GUILD, shared.key) is None
    (version,) = await service.faq_history(GUILD, shared.key)
    restored = await service.restore_faq(GUILD, version.version_id, author_id=MOD)
    assert restored.guild_id == GUILD
    assert restored.variants == copy.variants
