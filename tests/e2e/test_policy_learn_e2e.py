"""/policy learn end to end: decisions made with the review buttons teach the weights, which
change the policy only when a moderator accepts."""

from __future__ import annotations

from bot import texts
from bot.review import CONFIRMED, DISMISSED
from tests.e2e.harness import ReteHarness
from tests.e2e.test_moderation_e2e import case_of, configure, flag, post_id
from tests.fakediscord import FakeDiscord

# This server's moderators confirm the requests put to "someone" and dismiss those put to
# "you" (a server's own judgement: the policy flags all of them today).
CONFIRMED_TEXTS = (
    "Qualcuno mi fa gratis il logo per la pasticceria? Non ho budget",
    "Qualcuno mi sistema il sito gratis? non ho soldi",
    "qualcuno mi scrive i testi del sito gratis? non ho un euro",
)
DISMISSED_TEXTS = (
    "Mi scrivete gratis la bio di instagram? non ho budget",
    "mi fai la grafica del volantino gratis? non ho budget",
    "mi rifate il sito gratis? sono senza budget",
)


async def decide_cases(fake: FakeDiscord) -> tuple[int, int]:
    """Members write flagged messages; a moderator confirms or dismisses each with a button."""
    await configure(fake)
    authors = (fake.regular, fake.member("giulia"))
    confirmed = dismissed = 0
    for round_ in range(2):
        for texts_, action in ((CONFIRMED_TEXTS, "confirm"), (DISMISSED_TEXTS, "dismiss")):
            for text in texts_:
                first = round_ == 0 and text == CONFIRMED_TEXTS[0]
                author = authors[round_]
                _, post = await flag(fake, author, text, nudged=first or (round_ == 1 and first))
                review_id = post_id(post)
                case_id = case_of(fake, review_id)
                click = await fake.click(
                    fake.moderator, review_id, f"rete:review:{action}:{case_id}"
                )
                await click.response()
                confirmed += action == "confirm"
                dismissed += action == "dismiss"
    return confirmed, dismissed


async def test_policy_learn_shows_then_applies_only_on_accept(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    guild = fake.guild.id
    confirmed, dismissed = await decide_cases(fake)
    decided = await rete.core.review.decided_with_text(guild)
    assert sorted(c.status for c in decided).count(CONFIRMED) == confirmed == 6
    assert [c.status for c in decided].count(DISMISSED) == dismissed == 6
    version = rete.core.policy.version(guild)
    weights = [r.weight for r in rete.core.policy.rules(guild)]

    it = await fake.slash(fake.moderator, "policy", subcommand="learn")
    shown = (await it.reply()).embeds[0]
    assert shown["title"] == texts.POLICY_LEARN_TITLE
    assert "12 esempi (6 da segnalare, 6 no)" in shown["description"]
    assert "Non più segnalati: 6" in shown["description"]  # the dismissed ones
    assert "accept:True" in shown["description"]
    assert rete.core.policy.version(guild) == version  # shown, not applied
    assert [r.weight for r in rete.core.policy.rules(guild)] == weights

    it = await fake.slash(fake.moderator, "policy", {"accept": True}, subcommand="learn")
    applied = (await it.reply()).embeds[0]["description"]
    assert f"policy v{version + 1}" in applied
    assert rete.core.policy.version(guild) == version + 1
    (last, *_) = await rete.core.policy.history(guild)
    assert (last.action, last.actor_id) == ("learn", fake.moderator.id)
    # The server's judgement now holds for new messages: "someone" flagged, "you" not.
    assert (await rete.core.policy.evaluate(guild, CONFIRMED_TEXTS[0])).flagged
    assert not (await rete.core.policy.evaluate(guild, DISMISSED_TEXTS[0])).flagged


async def test_policy_learn_without_decisions_says_what_it_needs(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    it = await fake.slash(fake.moderator, "policy", {"accept": True}, subcommand="learn")
    reply = await it.reply()
    assert "almeno" in (reply.content or "")
    history = await rete.core.policy.history(fake.guild.id)
    assert [change.action for change in history] == ["seed"]  # nothing learned or applied
