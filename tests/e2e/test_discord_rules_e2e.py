"""What the real Discord refuses or sends that the bot must cope with, end to end: an unreadable
select value, /ask's second search under the defer, a feed's backlog, command contexts and the
4,000 characters of a command at sync, the global 429 bucket, and MESSAGE_UPDATE events that
carry no content."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

from bot import texts
from cogs import knowledge as knowledge_cog
from tests.e2e.harness import ReteHarness, eventually
from tests.e2e.test_moderation_e2e import (
    FLAGGED,
    configure,
    flag,
    flagged_case,
    in_channel,
    stored_case,
)
from tests.fakediscord import FakeDiscord, routes
from tests.fakediscord import rules as discord_rules
from tests.reliability.helpers import all_posted, flagged_text, review_counts

# --- the confirm menu with a value this version does not know -----------------------------


async def test_an_unreadable_select_value_is_answered(rete: ReteHarness, fake: FakeDiscord) -> None:
    _, review_id, case_id = await flagged_case(fake)
    asked = await fake.click(fake.moderator, review_id, f"rete:review:act:{case_id}")
    choice = await asked.reply()
    it = await fake.click(
        fake.moderator, choice.id, f"rete:review:choose:{case_id}", values=["ban:forever"]
    )
    said = await it.reply()
    assert said.ephemeral
    assert said.content == texts.UNREADABLE_CHOICE.format(case_id=case_id)
    assert (await stored_case(rete, fake, case_id)).status == "pending"


# --- /ask: the whole search (answer or likely sources) runs under the defer ----------------


async def test_ask_defers_before_a_slow_search(
    rete: ReteHarness, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scaled down: defer after 0.05 s, Discord's deadline 0.4 s, the search 0.8 s.
    # The module the bot loaded (load_extension makes its own module object).
    loaded = sys.modules[type(rete.bot.get_cog("Knowledge")).__module__]
    monkeypatch.setattr(loaded, "DEFER_AFTER_S", 0.05)
    fake.interaction_deadline = 0.4
    knowledge = rete.core.knowledge
    real = knowledge.lookup

    async def slow_lookup(question: str, guild_id: int = 0) -> Any:
        await asyncio.sleep(0.8)
        return await real(question, guild_id)

    monkeypatch.setattr(knowledge, "lookup", slow_lookup)
    it = await fake.slash(fake.regular, "ask", {"question": "chi ha vinto ieri sera il derby?"})
    said = await it.reply()
    assert it.deferred
    assert said.content.split("\n")[0] in (texts.KB_DONT_KNOW, texts.KB_UNSURE)


# --- feed announcements: a few per poll, the rest in one line -----------------------------


def feed(items: range) -> bytes:
    entries = "".join(
        f"<item><title>Notizia del quartiere numero {i}</title>"
        f"<link>/notizie/{i}/</link><guid>n-{i}</guid>"
        f"<description>Il comitato del quartiere racconta la notizia {i} con i dettagli "
        f"dell'assemblea, le date dei prossimi incontri e chi contattare.</description></item>"
        for i in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quartiere</title>'
        f"<link>https://quartiere.example.it/</link>{entries}</channel></rss>"
    ).encode()


async def test_a_feed_backlog_is_announced_with_a_cap_and_a_summary(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    url = "https://quartiere.example.it/feed.xml"
    served = {"data": feed(range(2))}
    rete.core.knowledge._fetch = lambda _url: served["data"]
    it = await fake.slash(
        fake.moderator,
        "articles",
        {"url": url, "channel": fake.channel("annunci")},
        subcommand="feed",
    )
    await it.reply()
    served["data"] = feed(range(2, 16))  # 14 new articles since the last poll
    cog: Any = rete.bot.get_cog("Knowledge")
    await cog.feed_poll()
    posted = fake.bot_messages("annunci")
    cap = knowledge_cog.FEED_ANNOUNCE_MAX
    assert len(posted) == cap + 1
    assert "https://quartiere.example.it/notizie/2/" in posted[0].content
    assert posted[-1].content == texts.KB_FEED_ANNOUNCE_MORE.format(count=14 - cap, url=url)
    assert fake.pinged() == []


# --- command sync: contexts instead of dm_permission, 4,000 characters a command ----------


async def test_moderator_groups_are_synced_with_contexts(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await fake.send_message("generale", fake.owner, f"{fake.bot_user.mention} sync")
    sync = await fake.wait_for(*routes.SYNC_GUILD, timeout=10)
    assert sync.status == 200
    synced = {c["name"]: c for c in sync.json}
    for name in ("faq", "articles", "answers"):
        assert synced[name]["contexts"] == [0], name  # guild only, the current way
    sizes = {name: discord_rules.command_text_length(c) for name, c in synced.items()}
    assert max(sizes.values()) <= discord_rules.COMMAND_TOTAL_MAX


def test_the_fake_refuses_a_command_over_4000_characters() -> None:
    option = {"type": 3, "name": "testo", "description": "d" * 100}
    big = {
        "name": "grande",
        "description": "Un comando troppo grande",
        "options": [
            {"type": 1, "name": f"sub{i}", "description": "x" * 100, "options": [option] * 20}
            for i in range(2)
        ],
    }
    problems = discord_rules.check_commands([big])
    assert [p.code for p in problems] == ["APPLICATION_COMMAND_TOO_LARGE"]
    assert discord_rules.check_commands([{**big, "options": big["options"][:1]}]) != problems


def test_the_fake_flags_dm_permission_without_contexts() -> None:
    old = {"name": "faq", "description": "x", "dm_permission": False, "contexts": None}
    assert discord_rules.deprecated_fields(old) == ["/faq: dm_permission without contexts"]
    assert discord_rules.deprecated_fields({**old, "contexts": [0]}) == []


# --- the global rate limit -----------------------------------------------------------------


async def test_a_burst_under_the_global_rate_limit_posts_each_case_once(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake)
    # A window long enough that the burst meets the limit however loaded the machine is
    # (4 in 0.3 s was missed under load: the posts came slower than the window).
    fake.rate_limit_global(limit=3, per=1.5)
    members = [fake.member(f"socio{i}") for i in range(12)]
    sent = [await fake.send_message("generale", members[i], flagged_text(i)) for i in range(12)]
    await all_posted(fake, sent, within=20)
    assert fake.global_limited > 0, "the burst never met the global limit: the test shows nothing"
    limited = [c for c in fake.calls if c.fault == "429"]
    assert all(c.status == 429 for c in limited)
    assert set(review_counts(fake)) == set(sent)
    await rete.idle(timeout=10)


# --- MESSAGE_UPDATE without content ---------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"embeds": [{"type": "link", "url": "https://quartiere.example.it/"}]},  # link preview
        {"content": "", "embeds": []},  # content the bot may not read
    ],
)
async def test_a_partial_message_update_keeps_the_case(
    rete: ReteHarness, fake: FakeDiscord, fields: dict[str, Any]
) -> None:
    message_id, review_id, case_id = await flagged_case(fake)
    before = await stored_case(rete, fake, case_id)
    mark = fake.mark()
    await fake.update_message_partially(message_id, **fields)
    await rete.idle()
    await fake.expect_no_call(*routes.EDIT_MESSAGE, since=mark)
    after = await stored_case(rete, fake, case_id)
    assert after.text == before.text
    assert after.still_flagged
    assert after.status == before.status
    # The bot is still listening: the next request is flagged as usual.
    await flag(fake, fake.member("giulia"), FLAGGED)
    await eventually(lambda: len(review_counts(fake)) == 2)
    assert fake.calls_to(*routes.SEND_MESSAGE, where=in_channel(fake, "moderazione"))
    assert review_id in {m.id for m in fake.bot_messages("moderazione")}
