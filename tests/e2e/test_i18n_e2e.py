"""Italian and English end to end: each member reads replies in their Discord client's language,
channels and review posts in the server's (/setup language), through the real bot."""

from __future__ import annotations

from bot import i18n, texts
from tests.e2e.harness import ReteHarness, eventually
from tests.e2e.test_moderation_e2e import FLAGGED, configure, flag, post_id
from tests.fakediscord import FakeDiscord


def english(message: i18n.Msg) -> str:
    return message.text("en")


def italian(message: i18n.Msg) -> str:
    return message.text("it")


async def test_an_english_and_an_italian_member_each_get_their_language(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    anna = fake.member("anna")  # Italian client (the fake's default)
    john = fake.member("john")
    john.locale = "en-GB"
    assert english(texts.NOT_MODERATOR) != italian(texts.NOT_MODERATOR)

    for member, read in ((anna, italian), (john, english)):
        refused = await (await fake.slash(member, "review", subcommand="pending")).reply()
        assert refused.content == read(texts.NOT_MODERATOR)
        helped = await (await fake.slash(member, "help")).reply()
        assert helped.embeds[0]["title"] == read(texts.HELP_TITLE)
        assert helped.embeds[0]["description"].startswith(read(texts.HELP_INTRO))

    # Two at once: neither's language leaks into the other's reply.
    first = await fake.slash(john, "review", subcommand="pending")
    second = await fake.slash(anna, "review", subcommand="pending")
    assert (await first.reply()).content == english(texts.NOT_MODERATOR)
    assert (await second.reply()).content == italian(texts.NOT_MODERATOR)


async def test_the_server_language_for_channels_and_other_locales(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    fritz = fake.member("fritz")
    fritz.locale = "de"
    refused = await (await fake.slash(fritz, "review", subcommand="pending")).reply()
    assert refused.content == italian(texts.NOT_MODERATOR)  # Italian unless the server chose

    it = await fake.slash(fake.moderator, "setup", {"language": "en"}, subcommand="language")
    done = await it.reply()
    assert done.content == texts.SETUP_SAVED.format(
        what=texts.SETUP_LANGUAGE.format(value=texts.LANGUAGE_NAMES["en"])
    )  # the moderator's client is Italian: the confirmation is Italian
    assert rete.bot.guild_language(fake.guild.id) == "en"
    settings = await rete.core.review.settings(fake.guild.id)
    assert settings.language == "en"

    refused = await (await fake.slash(fritz, "review", subcommand="pending")).reply()
    assert refused.content == english(texts.NOT_MODERATOR)

    # Posts in channels are read by everyone there: the server's language, whoever wrote.
    await configure(fake)
    _, post = await flag(fake, fake.regular, FLAGGED)
    review = fake.messages[post_id(post)]
    assert review.embeds[0]["title"].startswith("Case #")
    confirm = next(i for i in review.custom_ids() if i.startswith("rete:review:confirm:"))
    assert english(texts.BUTTON_CONFIRM) in str((review.component(confirm) or {})["label"])
    nudges = [m.content for m in fake.bot_messages("generale")]
    assert any(english(texts.NUDGE) in content for content in nudges), nudges

    # An Italian moderator's click keeps the review post in the moderators' language.
    case_button = next(i for i in review.custom_ids() if i.startswith("rete:review:claim:"))
    click = await fake.click(fake.moderator, review.id, case_button)
    await click.response()
    edited = await eventually(
        lambda: "🙋" in fake.messages[review.id].text() and fake.messages[review.id]
    )
    assert "Taken by" in str(edited.embeds)

    # The language survives a restart (read from the database).
    await rete.restart()
    assert rete.bot.guild_language(fake.guild.id) == "en"
