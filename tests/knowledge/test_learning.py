"""Learning from use: the store (deduplication, votes, decisions, retention) and the service's
flows (ask, auto-answer, vote, attach, write, dismiss), on a real SQLite file."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot import texts
from bot.cli import main
from bot.db import Database
from bot.guild_store import GuildStore
from bot.knowledge import KnowledgeError, KnowledgeService
from bot.knowledge.learning import (
    ABSTAINED,
    ATTACHED,
    DISMISSED,
    OPEN,
    THUMBS_DOWN,
    VARIANTS_TEXT_MAX,
    WRITTEN,
    LearningService,
    normalize,
)
from bot.knowledge.learning_store import LearningStore
from tests.knowledge.conftest import Clock

GUILD = 7
OTHER = 8
MEMBER, OTHER_MEMBER, MODERATOR = 100, 101, 200
CHANNEL = 11
DAY = 86_400.0

PARKING = "Dove si parcheggia per il meetup?"
# Abstained on by the small FAQ below (a meetup entry is its best candidate, far below the
# threshold); answered once it is the parking entry's variant.
CAR = "dove lascio la macchina quando vengo all'incontro?"
DERBY = "chi ha vinto il derby ieri sera?"  # nothing in the FAQ comes close
KEY = "faq-dove-si-parcheggia-per-il-meetup"


@pytest.fixture
async def kb(service: KnowledgeService) -> KnowledgeService:
    await service.guilds.ensure_guild(GUILD)
    await service.add_faq(GUILD, PARKING, "Nel cortile interno della sede, gratis.")
    await service.add_faq(GUILD, "C'è il wifi in aula?", "Sì, la password è sulla lavagna.")
    await service.add_faq(GUILD, "Quanto costa il biglietto del meetup?", "Costa 10 euro.")
    return service


async def listed(kb: KnowledgeService, guild: int = GUILD) -> list[tuple[str | None, int, int]]:
    page = await kb.learning.unanswered(guild)
    return [(i.question, i.abstained, i.thumbs_down) for i in page.items]


# --- normalisation and the store -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Come si fa?", "come  si FA", True),
        ("Perché è così?", "perche e cosi", True),
        ("dove parcheggio?!", "Dove parcheggio...", True),
        ("dove parcheggio?", "dove parcheggiare?", False),
        ("chi ha vinto?", "chi ha perso?", False),
    ],
)
def test_questions_that_differ_only_in_case_accents_or_punctuation_are_one(
    a: str, b: str, same: bool
) -> None:
    assert (normalize(a) == normalize(b)) is same


async def test_the_same_question_again_bumps_one_row(db: Database) -> None:
    store = LearningStore(db)
    common = {"channel_id": CHANNEL, "source": None, "now": 1.0}
    first = await store.note(GUILD, "x", "X?", author_id=MEMBER, reason=ABSTAINED, **common)
    again = await store.note(
        GUILD, "x", "x!!", author_id=OTHER_MEMBER, reason=THUMBS_DOWN, **common
    )
    elsewhere = await store.note(OTHER, "x", "X?", author_id=MEMBER, reason=ABSTAINED, **common)
    assert again.item_id == first.item_id != elsewhere.item_id
    assert (again.abstained, again.thumbs_down, again.count) == (1, 1, 2)
    assert (again.question, again.author_id, again.reason) == ("x!!", OTHER_MEMBER, THUMBS_DOWN)
    assert await store.count(GUILD) == 1


@pytest.mark.parametrize(
    ("decision", "reopens"),
    [(DISMISSED, False), (ATTACHED, True), (WRITTEN, True)],
)
async def test_asked_again_after_a_decision(db: Database, decision: str, reopens: bool) -> None:
    """Dismissed stays dismissed (counted); attached or written may open again (e.g. a 👎 on
    the entry it now gets)."""
    store = LearningStore(db)
    common = {"channel_id": CHANNEL, "author_id": MEMBER, "source": None}
    first = await store.note(GUILD, "x", "x?", reason=ABSTAINED, now=1.0, **common)
    assert await store.decide(GUILD, first.item_id, decision, MODERATOR, faq_key=None, now=2.0)
    again = await store.note(GUILD, "x", "x, di nuovo?", reason=ABSTAINED, now=3.0, **common)
    assert (again.item_id != first.item_id) is reopens
    assert (again.status == OPEN) is reopens
    if not reopens:
        assert again.count == 2
        assert again.question == "x?"  # a dismissed row does not take new member text
    assert await store.count(GUILD) == int(reopens)


async def test_a_decision_is_taken_once(db: Database) -> None:
    store = LearningStore(db)
    item = await store.note(
        GUILD, "x", "x?", channel_id=1, author_id=2, source=None, reason=ABSTAINED, now=1.0
    )
    assert await store.decide(GUILD, item.item_id, DISMISSED, MODERATOR, faq_key=None, now=2.0)
    assert not await store.decide(GUILD, item.item_id, ATTACHED, 201, faq_key="faq-x", now=3.0)
    assert not await store.decide(OTHER, item.item_id, DISMISSED, MODERATOR, faq_key=None, now=3)
    decided = await store.item(GUILD, item.item_id)
    assert decided is not None
    assert (decided.status, decided.decided_by, decided.decided_at) == (DISMISSED, MODERATOR, 2.0)
    with pytest.raises(ValueError, match="decision"):
        await store.decide(GUILD, item.item_id, OPEN, MODERATOR, faq_key=None, now=4.0)


async def test_votes_one_per_member_and_answer(db: Database) -> None:
    store = LearningStore(db)
    answer = await store.record_answer(GUILD, CHANNEL, MEMBER, "q?", "faq-x", 0.9, "ask", now=1)
    assert await store.vote(GUILD, answer, MEMBER, False, now=2) is None
    assert await store.vote(GUILD, answer, MEMBER, True, now=3) is False  # replaced
    assert await store.vote(GUILD, answer, OTHER_MEMBER, True, now=4) is None
    assert await store.votes(answer) == (2, 0)
    (kept,) = await store.endorsements(GUILD)
    assert (kept.question, kept.source, kept.helpful, kept.unhelpful) == ("q?", "faq-x", 2, 0)
    assert await store.endorsements(OTHER) == []


async def test_retention_follows_the_guild_setting(db: Database) -> None:
    store = LearningStore(db)
    await GuildStore(db).update_settings(GUILD, retention_days=7)  # OTHER keeps the default 90
    now = 100 * DAY

    async def note(guild: int, key: str, at: float) -> int:
        item = await store.note(
            guild, key, key + "?", channel_id=1, author_id=2, source=None, reason=ABSTAINED, now=at
        )
        return item.item_id

    old_open = await note(GUILD, "vecchia", now - 8 * DAY)
    recent_open = await note(GUILD, "recente", now - 6 * DAY)
    old_decided = await note(GUILD, "decisa", now - 20 * DAY)
    await store.decide(GUILD, old_decided, DISMISSED, MODERATOR, faq_key=None, now=now - 9 * DAY)
    default_guild = await note(OTHER, "altrove", now - 8 * DAY)
    old_answer = await store.record_answer(GUILD, 1, 2, "vecchia?", "faq-x", 0.9, "ask", now=1.0)
    new_answer = await store.record_answer(GUILD, 1, 2, "nuova?", "faq-x", 0.9, "ask", now=now)

    assert await store.purge_expired(now, default_retention_days=90) == (1, 2)
    assert await store.item(GUILD, old_open) is None  # nothing was decided on it: gone
    assert (await store.item(GUILD, recent_open)) is not None
    decided = await store.item(GUILD, old_decided)
    assert decided is not None
    assert decided.question is None  # the text goes, who decided what and when stays
    assert (decided.status, decided.decided_by) == (DISMISSED, MODERATOR)
    assert (await store.item(OTHER, default_guild)) is not None
    assert (await store.answer(old_answer)).question is None  # type: ignore[union-attr]
    assert (await store.answer(new_answer)).question == "nuova?"  # type: ignore[union-attr]
    assert await store.purge_expired(now, default_retention_days=90) == (0, 0)


# --- the service: asking ---------------------------------------------------------------------


async def test_an_abstention_is_kept_once_per_question(kb: KnowledgeService) -> None:
    first = await kb.learning.ask(CAR, GUILD, channel_id=CHANNEL, author_id=MEMBER)
    assert first.answer is None
    assert first.answer_id is None
    await kb.learning.ask(CAR.upper().replace("?", " ??"), GUILD, author_id=OTHER_MEMBER)
    await kb.learning.ask(DERBY, GUILD)
    page = await kb.learning.unanswered(GUILD)
    assert page.total == 2
    car, derby = page.items  # the most asked first
    assert (car.abstained, car.reason, car.author_id) == (2, ABSTAINED, OTHER_MEMBER)
    # Rete's best guess is kept: one of the two meetup entries, which share only "meetup" with
    # the question ("incontro"), so which one ranks first is the ranking's to choose
    assert car.source in {KEY, "faq-quanto-costa-il-biglietto-del-meetup"}
    assert derby.source is None
    assert await listed(kb, OTHER) == []


async def test_an_answer_is_recorded_and_not_listed(kb: KnowledgeService) -> None:
    asked = await kb.learning.ask(PARKING.lower(), GUILD, channel_id=CHANNEL, author_id=MEMBER)
    assert asked.answer is not None
    assert asked.answer_id is not None
    record = await kb.learning.store.answer(asked.answer_id)
    assert record is not None
    assert (record.question, record.source, record.author_id, record.via) == (
        PARKING.lower(),
        asked.answer.source,
        MEMBER,
        "ask",
    )
    assert await listed(kb) == []


async def test_the_shared_knowledge_keeps_no_list(kb: KnowledgeService) -> None:
    await kb.learning.ask(DERBY, 0)
    assert await kb.learning.store.count(0) == 0


async def test_automatic_answers_keep_abstentions_only_where_rete_would_answer(
    kb: KnowledgeService,
) -> None:
    now = 1_700_000_000.0
    outside = await kb.learning.auto_answer(GUILD, CHANNEL, MEMBER, CAR, now=now)
    assert outside is None  # not an answer channel: Rete was not asked anything
    await kb.set_answer_channel(GUILD, CHANNEL, enabled=True)
    chatter = await kb.learning.auto_answer(GUILD, CHANNEL, MEMBER, "buongiorno a tutti", now=now)
    assert chatter is None  # not a question
    silent = await kb.learning.auto_answer(GUILD, CHANNEL, MEMBER, CAR, now=now)
    assert silent is not None
    assert silent.answer is None
    answered = await kb.learning.auto_answer(GUILD, CHANNEL, MEMBER, PARKING, now=now)
    assert answered is not None
    assert answered.answer is not None
    assert answered.answer_id is not None
    assert (await kb.learning.store.answer(answered.answer_id)).via == "auto"  # type: ignore[union-attr]
    cooling = await kb.learning.auto_answer(GUILD, CHANNEL, MEMBER, DERBY, now=now + 1)
    assert cooling is None  # the channel's cooldown: not an abstention
    assert await listed(kb) == [(CAR, 1, 0)]


# --- the service: votes ----------------------------------------------------------------------


async def test_a_thumbs_down_lists_the_question_and_taking_it_back_unlists_it(
    kb: KnowledgeService,
) -> None:
    asked = await kb.learning.ask(PARKING, GUILD, channel_id=CHANNEL, author_id=MEMBER)
    assert asked.answer_id is not None
    down = await kb.learning.vote(GUILD, asked.answer_id, OTHER_MEMBER, False)
    assert (down.outcome, down.listed) == ("recorded", True)
    (item,) = (await kb.learning.unanswered(GUILD)).items
    assert (item.question, item.thumbs_down, item.reason) == (PARKING, 1, THUMBS_DOWN)
    assert (item.author_id, item.channel_id) == (MEMBER, CHANNEL)  # who asked, not who voted
    assert item.source == asked.answer.source  # type: ignore[union-attr]

    same = await kb.learning.vote(GUILD, asked.answer_id, OTHER_MEMBER, False)
    assert same.outcome == "same"
    assert await listed(kb) == [(PARKING, 0, 1)]  # one vote per member and answer

    changed = await kb.learning.vote(GUILD, asked.answer_id, OTHER_MEMBER, True)
    assert changed.outcome == "changed"
    assert await listed(kb) == []
    assert await kb.learning.votes(asked.answer_id) == (1, 0)
    # The per-source tally the 👍/👎 always fed (one vote per member and source).
    assert await kb.feedback(GUILD, asked.answer.source) == (1, 0)  # type: ignore[union-attr]
    (evidence,) = await kb.learning.endorsements(GUILD)
    assert (evidence.question, evidence.source) == (PARKING, asked.answer.source)  # type: ignore[union-attr]


async def test_a_thumbs_down_joins_an_abstention_on_the_same_question(
    kb: KnowledgeService,
) -> None:
    await kb.learning.ask(CAR, GUILD)
    record = await kb.learning.store.record_answer(
        GUILD, CHANNEL, MEMBER, CAR, "faq-x", 0.5, "ask", now=1.0
    )
    await kb.learning.vote(GUILD, record, OTHER_MEMBER, False)
    assert await listed(kb) == [(CAR, 1, 1)]
    await kb.learning.vote(GUILD, record, OTHER_MEMBER, True)
    assert await listed(kb) == [(CAR, 1, 0)]  # the abstention stays


@pytest.mark.parametrize("guild", [OTHER, GUILD])
async def test_a_vote_on_an_unknown_answer_is_refused(kb: KnowledgeService, guild: int) -> None:
    asked = await kb.learning.ask(PARKING, OTHER)
    assert asked.answer is None  # the FAQ is GUILD's own
    record = await kb.learning.store.record_answer(OTHER, 1, 2, "q?", "faq-x", 0.9, "ask", now=1)
    missing = record + 1 if guild == OTHER else record  # GUILD may not vote on OTHER's answer
    with pytest.raises(KnowledgeError):
        await kb.learning.vote(guild, missing, MEMBER, True)


# --- the service: moderators' decisions -----------------------------------------------------


async def test_attach_makes_the_question_a_variant_that_is_answered_from_then_on(
    kb: KnowledgeService,
) -> None:
    assert (await kb.learning.ask(CAR, GUILD)).answer is None
    (item,) = (await kb.learning.unanswered(GUILD)).items
    key = "faq-dove-si-parcheggia-per-il-meetup"
    decided = await kb.learning.attach(GUILD, item.item_id, key, MODERATOR)
    assert decided.applied
    assert decided.entry is not None
    assert CAR in decided.entry.variants
    assert decided.entry.origin == f"discord:{MODERATOR}"  # the FAQ edit path's audit
    assert (decided.item.status, decided.item.decided_by, decided.item.faq_key) == (
        ATTACHED,
        MODERATOR,
        key,
    )
    assert decided.item.decided_at == kb.learning._clock()
    again = await kb.learning.ask(CAR, GUILD)
    assert again.answer is not None
    assert again.answer.source == key
    assert await listed(kb) == []
    late = await kb.learning.attach(GUILD, item.item_id, key, MODERATOR + 1)
    assert not late.applied
    assert late.item.decided_by == MODERATOR


async def test_attach_to_a_shared_entry_makes_the_guilds_own_copy(
    service: KnowledgeService,
) -> None:
    await service.add_faq(0, PARKING, "Nel cortile interno della sede, gratis.", key="faq-park")
    await service.add_faq(0, "C'è il wifi in aula?", "Sì, la password è sulla lavagna.")
    await service.add_faq(0, "Quanto costa il biglietto del meetup?", "Costa 10 euro.")
    assert (await service.learning.ask(CAR, GUILD)).answer is None
    (item,) = (await service.learning.unanswered(GUILD)).items
    decided = await service.learning.attach(GUILD, item.item_id, "faq-park", MODERATOR)
    assert decided.entry is not None
    assert decided.entry.guild_id == GUILD
    answer = await service.ask(CAR, GUILD)
    assert answer is not None
    assert answer.source == "faq-park"
    assert await service.ask(CAR, OTHER) is None  # other guilds keep the shared entry
    shared = await service.store.faq(0, "faq-park")
    assert shared is not None
    assert CAR not in shared.variants


async def test_attach_to_an_unknown_entry_changes_nothing(kb: KnowledgeService) -> None:
    await kb.learning.ask(CAR, GUILD)
    (item,) = (await kb.learning.unanswered(GUILD)).items
    with pytest.raises(KnowledgeError, match="faq-nessuna"):
        await kb.learning.attach(GUILD, item.item_id, "faq-nessuna", MODERATOR)
    with pytest.raises(KnowledgeError, match="#999"):
        await kb.learning.attach(GUILD, 999, "faq-dove-si-parcheggia-per-il-meetup", MODERATOR)
    with pytest.raises(KnowledgeError):
        await kb.learning.attach(OTHER, item.item_id, "faq-x", MODERATOR)  # another guild's
    assert (await kb.learning.item(GUILD, item.item_id)).status == OPEN


async def test_attach_stops_before_the_variants_outgrow_the_edit_form(
    kb: KnowledgeService,
) -> None:
    key = "faq-dove-si-parcheggia-per-il-meetup"
    # As many variants as the form holds, so the member's wording no longer fits beside them.
    many: list[str] = []
    while len("\n".join([*many, "x" * 48])) <= VARIANTS_TEXT_MAX:
        many.append(f"variante numero {len(many):02d} della domanda sul parcheggio")
    await kb.edit_faq(GUILD, key, variants=many)
    assert len("\n".join([*many, CAR])) > VARIANTS_TEXT_MAX
    await kb.learning.ask(CAR, GUILD)
    (item,) = (await kb.learning.unanswered(GUILD)).items
    with pytest.raises(KnowledgeError, match="formulazioni"):
        await kb.learning.attach(GUILD, item.item_id, key, MODERATOR)
    reopened = await kb.learning.item(GUILD, item.item_id)
    assert (reopened.status, reopened.decided_by) == (OPEN, None)  # undone: still to decide


async def test_write_a_new_entry_keeps_the_members_wording(kb: KnowledgeService) -> None:
    await kb.learning.ask(DERBY, GUILD)
    (item,) = (await kb.learning.unanswered(GUILD)).items
    decided = await kb.learning.write_faq(
        GUILD,
        item.item_id,
        "Qui si parla di blog: per il calcio c'è il canale #off-topic.",
        MODERATOR,
        question="Si può parlare di calcio nel server?",
    )
    assert decided.applied
    entry = decided.entry
    assert entry is not None
    assert entry.question == "Si può parlare di calcio nel server?"
    assert entry.variants == (DERBY,)
    assert entry.origin == f"discord:{MODERATOR}"
    assert (decided.item.status, decided.item.faq_key) == (WRITTEN, entry.key)
    answer = await kb.ask(DERBY, GUILD)
    assert answer is not None
    assert answer.source == entry.key
    late = await kb.learning.write_faq(GUILD, item.item_id, "Altra risposta.", MODERATOR)
    assert not late.applied
    assert len(await kb.faq_entries(GUILD, include_shared=False)) == 4  # one entry, not two


async def test_write_with_a_bad_answer_changes_nothing(kb: KnowledgeService) -> None:
    await kb.learning.ask(DERBY, GUILD)
    (item,) = (await kb.learning.unanswered(GUILD)).items
    with pytest.raises(KnowledgeError):
        await kb.learning.write_faq(GUILD, item.item_id, "   ", MODERATOR)
    assert (await kb.learning.item(GUILD, item.item_id)).status == OPEN
    assert len(await kb.faq_entries(GUILD, include_shared=False)) == 3


async def test_dismissed_questions_stay_out_of_the_list(kb: KnowledgeService) -> None:
    await kb.learning.ask(DERBY, GUILD)
    (item,) = (await kb.learning.unanswered(GUILD)).items
    decided = await kb.learning.dismiss(GUILD, item.item_id, MODERATOR)
    assert decided.applied
    assert (decided.item.status, decided.item.decided_by) == (DISMISSED, MODERATOR)
    await kb.learning.ask(DERBY, GUILD)
    assert await listed(kb) == []
    assert not (await kb.learning.dismiss(GUILD, item.item_id, MODERATOR)).applied


async def test_the_list_is_paginated(kb: KnowledgeService) -> None:
    for n in range(19):
        await kb.learning._note(GUILD, f"domanda numero {n}?", None, None, None, ABSTAINED)
    first = await kb.learning.unanswered(GUILD, per_page=8)
    assert (first.total, first.pages, first.page, len(first.items)) == (19, 3, 1, 8)
    last = await kb.learning.unanswered(GUILD, page=99, per_page=8)
    assert (last.page, len(last.items)) == (3, 3)
    shown = {
        i.item_id
        for p in (1, 2, 3)
        for i in (await kb.learning.unanswered(GUILD, page=p, per_page=8)).items
    }
    assert len(shown) == 19
    picked = await kb.learning.choices(GUILD, "numero 1")
    assert {i.question for i in picked} == {"domanda numero 1?"} | {
        f"domanda numero {n}?" for n in range(10, 19)
    }


async def test_member_text_is_never_logged(
    kb: KnowledgeService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await kb.learning.ask(CAR, GUILD, channel_id=CHANNEL, author_id=MEMBER)
    asked = await kb.learning.ask(PARKING, GUILD, channel_id=CHANNEL, author_id=MEMBER)
    assert asked.answer_id is not None
    await kb.learning.vote(GUILD, asked.answer_id, OTHER_MEMBER, False)
    items = (await kb.learning.unanswered(GUILD)).items
    await kb.learning.attach(GUILD, items[0].item_id, "faq-c-e-il-wifi-in-aula", MODERATOR)
    await kb.learning.dismiss(GUILD, items[1].item_id, MODERATOR)
    clock.now += 400 * DAY
    await kb.learning.purge_expired(clock.now)
    # Rete's own loggers (aiosqlite's DEBUG payloads are silenced by bot.logs.set_levels).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert str(MODERATOR) in logged  # the flows did log, with ids
    for text in (CAR, PARKING):
        assert text not in logged
        assert text[6:30] not in logged


def test_the_cli_ask_keeps_what_it_could_not_answer_for_a_guild(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "cli.db"
    env = ["--env-file", str(tmp_path / "none.env")]
    assert main([*env, "ask", "--db", str(db_path), DERBY]) == 0  # guild 0: no list to keep
    assert main([*env, "ask", "--db", str(db_path), "--guild", str(GUILD), DERBY]) == 0
    assert texts.KB_DONT_KNOW in capsys.readouterr().out

    async def kept() -> list[tuple[int, str | None]]:
        database = await Database(db_path).open()
        try:
            store = LearningStore(database)
            return [
                (guild, item.question)
                for guild in (0, GUILD)
                for item in await store.items(guild, limit=10)
            ]
        finally:
            await database.close()

    assert asyncio.run(kept()) == [(GUILD, DERBY)]
    capsys.readouterr()


async def test_the_cli_remembers_no_answer_it_cannot_be_voted_on(kb: KnowledgeService) -> None:
    asked = await kb.learning.ask(PARKING, GUILD, via="cli")
    assert asked.answer is not None
    assert asked.answer_id is None
    assert await kb.learning.store.answer(1) is None


async def test_a_question_on_several_lines_becomes_one_wording(kb: KnowledgeService) -> None:
    question = "dove lascio la macchina\nquando vengo all'incontro?"
    await kb.learning.ask(question, GUILD)
    (item,) = (await kb.learning.unanswered(GUILD)).items
    assert item.question == question  # kept as written
    decided = await kb.learning.attach(GUILD, item.item_id, KEY, MODERATOR)
    assert decided.entry is not None
    assert CAR in decided.entry.variants


async def test_a_deleted_message_takes_its_kept_question_with_it(
    kb: KnowledgeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    learning = kb.learning
    await kb.set_answer_channel(GUILD, CHANNEL, enabled=True)
    await learning.auto_answer(GUILD, CHANNEL, MEMBER, CAR, now=1.0, message_id=501)
    answered = await learning.auto_answer(GUILD, CHANNEL, MEMBER, PARKING, now=2.0, message_id=502)
    assert answered is not None
    assert answered.answer_id is not None
    await learning.vote(GUILD, answered.answer_id, OTHER_MEMBER, False)
    await learning.ask(DERBY, GUILD, channel_id=CHANNEL, author_id=MEMBER)  # /ask: no message
    assert {q for q, _, _ in await listed(kb)} == {CAR, PARKING, DERBY}

    assert not await learning.message_deleted(OTHER, 501)  # same id, another guild
    assert await learning.message_deleted(GUILD, 501)
    assert {q for q, _, _ in await listed(kb)} == {PARKING, DERBY}
    assert await learning.message_deleted(GUILD, 502)
    assert await listed(kb) == [(DERBY, 1, 0)]
    record = await learning.store.answer(answered.answer_id)
    assert record is not None
    assert (record.question, record.source) == (None, answered.answer.source)  # type: ignore[union-attr]

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("database touched for a message Rete kept nothing of")

    with monkeypatch.context() as patched:
        for name in ("execute", "fetchone", "fetchall", "transaction"):
            patched.setattr(kb.store.db, name, forbidden)
        assert not await learning.message_deleted(GUILD, 501)  # already dropped
        assert not await learning.message_deleted(GUILD, 999)


async def test_deletions_are_honoured_after_a_restart_and_keep_decisions(
    kb: KnowledgeService,
) -> None:
    await kb.set_answer_channel(GUILD, CHANNEL, enabled=True)
    await kb.learning.auto_answer(GUILD, CHANNEL, MEMBER, CAR, now=1.0, message_id=601)
    (item,) = (await kb.learning.unanswered(GUILD)).items
    await kb.learning.attach(GUILD, item.item_id, KEY, MODERATOR)

    restarted = LearningService(kb)  # what the next process starts with
    await restarted.load()
    assert await restarted.message_deleted(GUILD, 601)
    decided = await restarted.store.item(GUILD, item.item_id)
    assert decided is not None
    assert decided.question is None
    assert (decided.status, decided.decided_by, decided.faq_key) == (ATTACHED, MODERATOR, KEY)
