"""Flagging and the moderators' review queue, end to end: the real bot against the fake Discord."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot import texts
from bot.review import CONFIRMED, PENDING, REOPENED, Case
from bot.review.render import neutralise
from tests.e2e.harness import ReteHarness, eventually, set_review_channel
from tests.fakediscord import FakeDiscord, FakeUser, routes
from tests.fakediscord.server import Call

# Requests for free work that any reasonable policy flags, and chat that none does.
FLAGGED = "Ciao a tutti! Mi fai gratis il logo per il mio sito? Non ho budget"
FLAGGED_AGAIN = "Qualcuno mi fa gratis un logo e il sito per la mia attività? Non ho budget"
CLEAN = "Buongiorno a tutti, oggi sistemo il piano editoriale della settimana"
UPDATE_MESSAGE = 7  # interaction callback type: the clicked message is edited in place
CHANNEL_MESSAGE = 4


def in_channel(fake: FakeDiscord, name: str) -> Any:
    channel_id = fake.channel(name).id
    return lambda call: call.param("channel_id") == channel_id


async def configure(fake: FakeDiscord, **options: Any) -> None:
    """A moderator sets the review channel (and whatever else) with /setup."""
    reply = await set_review_channel(fake)
    assert reply.ephemeral
    assert "moderazione" in reply.content or str(fake.channel("moderazione").id) in reply.content
    if "nudge" in options:
        it = await fake.slash(
            fake.moderator, "setup", {"mode": options["nudge"]}, subcommand="nudge"
        )
        await it.reply()


async def flag(
    fake: FakeDiscord, author: FakeUser, text: str = FLAGGED, *, nudged: bool = True
) -> tuple[int, Call]:
    """A member writes a flagged message; returns its id and the review post call (after the
    nudge, when one is expected, so no reply is still in flight when the test ends)."""
    message_id = await fake.send_message("generale", author, text)
    post = await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "moderazione"))
    assert post.status == 200
    if nudged:
        await fake.wait_for(
            *routes.SEND_MESSAGE, where=lambda c: c.param("channel_id") != post.param("channel_id")
        )
    return message_id, post


def post_id(call: Call) -> int:
    return int(call.response["id"])


def case_of(fake: FakeDiscord, review_post: int) -> int:
    ids = fake.messages[review_post].custom_ids()
    return int(next(i for i in ids if i.startswith("rete:review:confirm:")).rsplit(":", 1)[1])


async def flagged_case(fake: FakeDiscord) -> tuple[int, int, int]:
    """/setup done, a member's flagged message posted for review: (message, post, case) ids."""
    await configure(fake)
    message_id, post = await flag(fake, fake.regular)
    review_id = post_id(post)
    return message_id, review_id, case_of(fake, review_id)


async def stored_case(rete: ReteHarness, fake: FakeDiscord, case_id: int) -> Case:
    case = await rete.core.review.get(fake.guild.id, case_id)
    assert case is not None
    return case


def status_field(message_payload: dict[str, Any]) -> str:
    (embed,) = message_payload["embeds"]
    return next(f["value"] for f in embed["fields"] if f["name"] == texts.REVIEW_FIELD_STATUS)


async def test_a_flagged_message_reaches_the_review_channel_with_buttons(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake)
    message_id, post = await flag(fake, fake.regular)
    review = fake.messages[post_id(post)]
    (embed,) = review.embeds
    assert embed["title"].startswith("Caso #")
    assert "**gratis**" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields[texts.REVIEW_FIELD_AUTHOR] == f"<@{fake.regular.id}>"
    assert fields[texts.REVIEW_FIELD_CHANNEL] == f"<#{fake.channel('generale').id}>"
    assert (
        f"/{fake.guild.id}/{fake.channel('generale').id}/{message_id}"
        in (fields[texts.REVIEW_FIELD_LINK])
    )
    case_id = case_of(fake, review.id)
    assert review.custom_ids() == [
        f"rete:review:claim:{case_id}",
        f"rete:review:confirm:{case_id}",
        f"rete:review:act:{case_id}",
        f"rete:review:dismiss:{case_id}",
    ]
    assert fake.pinged() == []  # the post mentions the author but notifies nobody
    case = await stored_case(rete, fake, case_id)
    assert (case.status, case.author_id, case.message_id) == (PENDING, fake.regular.id, message_id)
    assert case.text == FLAGGED
    # The member's flagged message gets the nudge, never an automatic answer.
    nudge = await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"))
    assert "pescare" in nudge.json["content"]


async def test_not_configured_says_so(rete: ReteHarness, fake: FakeDiscord) -> None:
    await fake.send_message("generale", fake.regular, FLAGGED)
    await eventually(lambda: rete.core.review.pending(fake.guild.id))
    await fake.expect_no_call(*routes.SEND_MESSAGE, within=0.3)
    it = await fake.slash(fake.moderator, "review", subcommand="pending")
    reply = await it.reply()
    assert texts.NOT_CONFIGURED in reply.embeds[0]["description"]
    it = await fake.slash(fake.moderator, "setup", subcommand="show")
    assert texts.NOT_CONFIGURED in (await it.reply()).content


async def test_a_members_click_is_refused_and_changes_nothing(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    _, review_id, case_id = await flagged_case(fake)
    mark = fake.mark()
    for custom_id in (f"rete:review:confirm:{case_id}", f"rete:review:dismiss:{case_id}"):
        it = await fake.click(fake.regular, review_id, custom_id)
        reply = await it.reply()
        assert reply.ephemeral
        assert reply.content == texts.NOT_MODERATOR
    it = await fake.click(fake.regular, review_id, f"rete:review:act:{case_id}")
    assert (await it.reply()).content == texts.NOT_MODERATOR
    assert fake.calls_to(*routes.EDIT_MESSAGE, since=mark) == []
    assert fake.calls_to(*routes.DELETE_MESSAGE, since=mark) == []
    assert fake.calls_to(*routes.EDIT_MEMBER, since=mark) == []
    case = await stored_case(rete, fake, case_id)
    assert case.status == PENDING
    assert [a.action for a in await rete.core.review.audit(fake.guild.id, case_id)] == [
        "opened",
        "nudged",
    ]


async def test_two_moderators_confirming_at_once_make_one_decision(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    other = fake.member("moderatrice", roles=["Moderatori"])
    _, review_id, case_id = await flagged_case(fake)
    clicks = await asyncio.gather(
        fake.click(fake.moderator, review_id, f"rete:review:confirm:{case_id}"),
        fake.click(other, review_id, f"rete:review:confirm:{case_id}"),
    )
    responses = [await it.response() for it in clicks]
    kinds = sorted(r.json["type"] for r in responses)
    assert kinds == [CHANNEL_MESSAGE, UPDATE_MESSAGE]
    loser = next(r for r in responses if r.json["type"] == CHANNEL_MESSAGE)
    assert "Troppo tardi" in loser.json["data"]["content"]
    winner_index = next(i for i, r in enumerate(responses) if r.json["type"] == UPDATE_MESSAGE)
    winner = (fake.moderator, other)[winner_index]
    case = await stored_case(rete, fake, case_id)
    assert case.status == CONFIRMED
    assert case.decided_by == winner.id
    audit = [a.action for a in await rete.core.review.audit(fake.guild.id, case_id)]
    assert audit.count(CONFIRMED) == 1
    # The post shows the outcome and who decided, and has no buttons left.
    assert f"<@{winner.id}>" in status_field(fake.messages[review_id].payload)
    assert fake.messages[review_id].custom_ids() == []


async def test_confirm_with_delete_and_timeout(rete: ReteHarness, fake: FakeDiscord) -> None:
    message_id, review_id, case_id = await flagged_case(fake)
    asked = await fake.click(fake.moderator, review_id, f"rete:review:act:{case_id}")
    choice = await asked.reply()
    assert choice.ephemeral
    assert (await stored_case(rete, fake, case_id)).status == PENDING  # nothing decided yet
    it = await fake.click(
        fake.moderator, choice.id, f"rete:review:choose:{case_id}", values=["remove:3600"]
    )
    assert "Confermato" in (await it.reply()).content
    deleted = await fake.wait_for(*routes.DELETE_MESSAGE)
    assert deleted.param("message_id") == message_id
    timeout = await fake.wait_for(*routes.EDIT_MEMBER)
    assert timeout.param("user_id") == fake.regular.id
    assert timeout.json["communication_disabled_until"]
    await fake.wait_for(*routes.EDIT_MESSAGE, where=lambda c: c.param("message_id") == review_id)
    assert "1 ora" in status_field(fake.messages[review_id].payload)
    # The bot's own deletion arrives as MESSAGE_DELETE: the stored text goes too.
    await fake.delete_message(message_id)
    await eventually(lambda: _text_dropped(rete, fake, case_id))
    audit = [a.action for a in await rete.core.review.audit(fake.guild.id, case_id)]
    assert {"confirmed", "delete_message", "timeout"} <= set(audit)


async def test_confirm_with_a_timeout_only_keeps_the_message(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    message_id, review_id, case_id = await flagged_case(fake)
    asked = await fake.click(fake.moderator, review_id, f"rete:review:act:{case_id}")
    choice = await asked.reply()
    since = fake.mark()
    it = await fake.click(
        fake.moderator, choice.id, f"rete:review:choose:{case_id}", values=["keep:600"]
    )
    assert "Confermato" in (await it.reply()).content
    timeout = await fake.wait_for(*routes.EDIT_MEMBER, since=since)
    assert timeout.param("user_id") == fake.regular.id
    await fake.wait_for(*routes.EDIT_MESSAGE, where=lambda c: c.param("message_id") == review_id)
    deletes = [c for c in fake.calls[since:] if (c.method, c.route) == routes.DELETE_MESSAGE]
    assert not deletes
    assert message_id in fake.messages  # the member's message is still there
    case = await stored_case(rete, fake, case_id)
    assert case.status == CONFIRMED
    assert case.text is not None
    audit = [a.action for a in await rete.core.review.audit(fake.guild.id, case_id)]
    assert "timeout" in audit
    assert "delete_message" not in audit


async def _text_dropped(rete: ReteHarness, fake: FakeDiscord, case_id: int) -> bool:
    return (await stored_case(rete, fake, case_id)).text is None


async def test_buttons_work_after_a_restart(rete: ReteHarness, fake: FakeDiscord) -> None:
    _, review_id, case_id = await flagged_case(fake)
    await rete.restart()
    it = await fake.click(fake.moderator, review_id, f"rete:review:claim:{case_id}")
    assert (await it.response()).json["type"] == UPDATE_MESSAGE
    assert f"<@{fake.moderator.id}>" in status_field(fake.messages[review_id].payload)
    it = await fake.click(fake.moderator, review_id, f"rete:review:dismiss:{case_id}")
    assert (await it.response()).json["type"] == UPDATE_MESSAGE
    assert (await stored_case(rete, fake, case_id)).status == "dismissed"


async def test_edits_alert_again_only_when_the_verdict_changes(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    message_id, review_id, case_id = await flagged_case(fake)
    await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"))  # the nudge

    await fake.edit_message(message_id, FLAGGED + "!!")
    await fake.expect_no_call(*routes.SEND_MESSAGE, within=0.5)
    assert fake.calls_to(*routes.EDIT_MESSAGE, since=fake.mark() - 1) == []

    await fake.edit_message(message_id, CLEAN)
    edit = await fake.wait_for(*routes.EDIT_MESSAGE)
    assert edit.param("message_id") == review_id
    assert texts.REVIEW_NO_LONGER_FLAGGED in edit.json["embeds"][0]["description"]
    assert len(fake.bot_messages("moderazione")) == 1
    case = await stored_case(rete, fake, case_id)
    assert case.edited
    assert not case.still_flagged


async def test_a_clean_message_edited_into_a_request_is_flagged(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake)
    message_id = await fake.send_message("generale", fake.regular, CLEAN)
    await fake.expect_no_call(*routes.SEND_MESSAGE, within=0.3)
    await fake.edit_message(message_id, FLAGGED)
    post = await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "moderazione"))
    assert post.status == 200
    nudge = await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"))
    assert nudge.json["message_reference"]["message_id"] in (message_id, str(message_id))


async def test_deleting_a_flagged_message_drops_its_text(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    message_id, review_id, case_id = await flagged_case(fake)
    await fake.delete_message(message_id)
    edit = await fake.wait_for(*routes.EDIT_MESSAGE)
    assert edit.param("message_id") == review_id
    assert edit.json["embeds"][0]["description"] == texts.REVIEW_TEXT_DELETED
    case = await stored_case(rete, fake, case_id)
    assert case.text is None
    assert case.message_deleted
    assert (case.author_id, case.channel_id, case.status) == (
        fake.regular.id,
        fake.channel("generale").id,
        PENDING,
    )


async def test_one_nudge_per_member_per_cooldown(rete: ReteHarness, fake: FakeDiscord) -> None:
    await configure(fake)
    message_id, _ = await flag(fake, fake.regular)
    nudge = await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"))
    assert nudge.json["message_reference"]["message_id"] in (message_id, str(message_id))
    assert "pescare" in nudge.json["content"]
    stored = fake.messages[post_id(nudge)]
    assert any(i.startswith("rete:appeal:") for i in stored.custom_ids())

    mark = fake.mark()
    await fake.send_message("generale", fake.regular, FLAGGED_AGAIN)
    await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "moderazione"), since=mark)
    await fake.expect_no_call(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"), since=mark)

    someone_else = fake.member("giulia")
    await fake.send_message("generale", someone_else, FLAGGED)
    await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"))


async def test_nudge_by_dm(rete: ReteHarness, fake: FakeDiscord) -> None:
    await configure(fake, nudge="dm")
    await flag(fake, fake.regular, nudged=False)
    await fake.wait_for(*routes.CREATE_DM)
    dm = fake.dm_channel(fake.regular)
    sent = await fake.wait_for(*routes.SEND_MESSAGE, where=lambda c: c.param("channel_id") == dm.id)
    assert "pescare" in sent.json["content"]
    assert "discord.com/channels" in sent.json["content"]


async def test_the_author_appeals_and_the_case_reopens(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    _, review_id, case_id = await flagged_case(fake)
    nudge = await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"))
    nudge_id = post_id(nudge)
    it = await fake.click(fake.moderator, review_id, f"rete:review:confirm:{case_id}")
    await it.response()

    stranger = await fake.click(fake.moderator, nudge_id, f"rete:appeal:{case_id}")
    assert (await stranger.reply()).content == texts.APPEAL_NOT_AUTHOR

    opened = await fake.click(fake.regular, nudge_id, f"rete:appeal:{case_id}")
    modal = await opened.modal()
    assert modal["title"] == texts.APPEAL_MODAL_TITLE
    submitted = await fake.submit_modal(fake.regular, opened, {"note": "Offrivo un compenso"})
    assert (await submitted.reply()).content == texts.APPEAL_DONE
    case = await stored_case(rete, fake, case_id)
    assert case.status == REOPENED
    assert case.appeal_note == "Offrivo un compenso"
    edit = await fake.wait_for(
        *routes.EDIT_MESSAGE, where=lambda c: c.param("message_id") == review_id
    )
    fields = {f["name"]: f["value"] for f in edit.json["embeds"][0]["fields"]}
    assert fields[texts.REVIEW_FIELD_APPEAL] == "Offrivo un compenso"
    assert f"rete:review:dismiss:{case_id}" in fake.messages[review_id].custom_ids()

    again = await fake.click(fake.regular, nudge_id, f"rete:appeal:{case_id}")
    assert (await again.reply()).content == texts.APPEAL_ALREADY


async def test_review_commands(rete: ReteHarness, fake: FakeDiscord) -> None:
    await configure(fake)
    _, post = await flag(fake, fake.regular)
    case_id = case_of(fake, post_id(post))
    it = await fake.slash(fake.moderator, "review", subcommand="pending")
    reply = await it.reply()
    assert reply.ephemeral
    assert f"#{case_id}" in reply.embeds[0]["description"]

    it = await fake.slash(fake.moderator, "review", {"number": case_id}, subcommand="case")
    reply = await it.reply()
    assert "**gratis**" in reply.embeds[0]["description"]
    assert f"rete:review:dismiss:{case_id}" in reply.custom_ids()
    # Deciding from the /review case reply updates the review post as well.
    click = await fake.click(fake.moderator, reply.id, f"rete:review:dismiss:{case_id}")
    await click.reply()
    edit = await fake.wait_for(
        *routes.EDIT_MESSAGE, where=lambda c: c.param("message_id") == post_id(post)
    )
    assert f"<@{fake.moderator.id}>" in status_field(edit.json)

    it = await fake.slash(fake.moderator, "review", subcommand="stats")
    stats = (await it.reply()).embeds[0]
    assert "falsi positivi 1" in stats["description"]
    assert "0%" in stats["fields"][0]["value"]


def _minimal_options(fake: FakeDiscord, schema: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for option in schema.get("options") or []:
        if not option.get("required"):
            continue
        kind = option["type"]
        if option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
        elif kind == 3:
            values[option["name"]] = "gratis"
        elif kind in (4, 10):
            values[option["name"]] = max(1, int(option.get("min_value", 1)))
        elif kind == 5:
            values[option["name"]] = True
        elif kind == 7:
            values[option["name"]] = fake.channel("generale")
        elif kind == 8:
            values[option["name"]] = fake.guild.role("Moderatori")
        elif kind == 11:
            values[option["name"]] = fake.upload("policy.yaml", b"rules: {}\n", "text/yaml")
        else:
            raise AssertionError(f"no sample for option type {kind}")
    return values


MODERATOR_GROUPS = ("review", "setup", "policy")


async def test_every_moderator_command_is_refused_to_a_member(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    before_settings = await rete.core.review.settings(fake.guild.id)
    tree = rete.bot.tree
    tried = 0
    for command in tree.get_commands():
        if command.name not in MODERATOR_GROUPS:
            continue
        schema = command.to_dict(tree)
        assert int(schema["default_member_permissions"]) == 1 << 13  # Manage Messages
        assert schema.get("contexts") in ([0], None)
        assert schema.get("dm_permission") in (False, None)
        for sub in schema["options"]:
            options = _minimal_options(fake, sub)
            it = await fake.slash(fake.regular, command.name, options, subcommand=sub["name"])
            reply = await it.reply()
            assert reply.ephemeral, (command.name, sub["name"])
            assert reply.content == texts.NOT_MODERATOR, (command.name, sub["name"])
            tried += 1
    assert tried >= 8
    rete.core.review._settings.clear()  # read the stored settings, not the cache
    assert await rete.core.review.settings(fake.guild.id) == before_settings
    assert fake.calls_to(*routes.SEND_MESSAGE) == []


async def test_policy_test_rules_and_history(rete: ReteHarness, fake: FakeDiscord) -> None:
    it = await fake.slash(fake.moderator, "policy", {"text": FLAGGED}, subcommand="test")
    embed = (await it.reply()).embeds[0]
    assert texts.POLICY_TEST_FLAGGED in embed["description"]
    assert "**" in embed["description"]  # the words that fired, in bold

    it = await fake.slash(fake.moderator, "policy", subcommand="rules")
    rules = (await it.reply()).embeds[0]["description"]
    assert "soglia" in rules.lower()

    it = await fake.slash(fake.moderator, "policy", {"value": 1.5}, subcommand="threshold")
    assert "1.5" in (await it.reply()).content
    it = await fake.slash(fake.moderator, "policy", subcommand="history")
    history = (await it.reply()).embeds[0]["description"]
    assert f"<@{fake.moderator.id}>" in history
    assert texts.POLICY_CHANGES["threshold"].format(detail="1.5") in history


async def test_policy_export_then_import_a_file(rete: ReteHarness, fake: FakeDiscord) -> None:
    import yaml

    it = await fake.slash(fake.moderator, "policy", subcommand="export")
    response = await it.response()
    (exported,) = response.files
    assert exported.filename.endswith(".yaml")
    data = yaml.safe_load(exported.data.decode("utf-8"))
    assert data["rules"]
    version = rete.core.policy.version(fake.guild.id)

    data["threshold"] = 50.0
    upload = fake.upload("policy.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
    it = await fake.slash(fake.moderator, "policy", {"file": upload}, subcommand="import")
    assert "non può segnalare" in (await it.reply()).content  # nobody said flagging may stop
    assert rete.core.policy.spec(fake.guild.id).threshold != 50.0  # type: ignore[union-attr]
    assert (await rete.core.policy.evaluate(fake.guild.id, FLAGGED)).flagged
    it = await fake.slash(
        fake.moderator,
        "policy",
        {"file": upload, "allow_no_flagging": True},
        subcommand="import",
    )
    content = (await it.reply()).content
    assert "importata" in content
    assert "Segnalazioni spente" in content
    assert rete.core.policy.version(fake.guild.id) > version
    assert not (await rete.core.policy.evaluate(fake.guild.id, FLAGGED)).flagged

    broken = fake.upload("broken.yaml", b"rules: [ {name: X} ]\n")
    it = await fake.slash(fake.moderator, "policy", {"file": broken}, subcommand="import")
    assert texts.POLICY_INVALID in (await it.reply()).content
    assert rete.core.policy.spec(fake.guild.id).threshold == 50.0  # type: ignore[union-attr]


async def test_shadow_rules_record_cases_silently(rete: ReteHarness, fake: FakeDiscord) -> None:
    await configure(fake)
    fired = (await rete.core.policy.evaluate(fake.guild.id, FLAGGED)).hits
    for hit in fired:
        it = await fake.slash(
            fake.moderator, "policy", {"name": hit.rule, "on": True}, subcommand="shadow"
        )
        await it.reply()
    await fake.send_message("generale", fake.regular, FLAGGED)
    cases = await eventually(lambda: rete.core.review.pending(fake.guild.id))
    assert not cases[0].alerted
    await fake.expect_no_call(*routes.SEND_MESSAGE, within=0.3)


async def test_backtest_shows_what_would_change(rete: ReteHarness, fake: FakeDiscord) -> None:
    import yaml

    await configure(fake)
    await flag(fake, fake.regular)
    it = await fake.slash(fake.moderator, "policy", subcommand="backtest")
    current = (await it.reply()).embeds[0]
    assert "Casi riesaminati: 1" in current["description"]
    assert "Cambierebbero: 0" in current["description"]

    data = yaml.safe_load(rete.core.policy.export_yaml(fake.guild.id))
    data["threshold"] = 50.0
    upload = fake.upload("stricter.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    it = await fake.slash(fake.moderator, "policy", {"file": upload}, subcommand="backtest")
    stricter = (await it.reply()).embeds[0]
    assert "Non più segnalati: 1" in stricter["description"]
    assert rete.core.policy.spec(fake.guild.id).threshold != 50.0  # type: ignore[union-attr]


async def test_exempt_roles_and_channels(rete: ReteHarness, fake: FakeDiscord) -> None:
    await configure(fake)
    teacher = fake.member("docente", roles=["Admin"])
    it = await fake.slash(
        fake.moderator, "setup", {"role": fake.guild.role("Admin")}, subcommand="exempt-role"
    )
    await it.reply()
    it = await fake.slash(
        fake.moderator, "policy", {"channel": fake.channel("annunci")}, subcommand="exempt"
    )
    await it.reply()
    await fake.send_message("generale", teacher, FLAGGED)
    await fake.send_message("annunci", fake.regular, FLAGGED)
    await fake.expect_no_call(*routes.SEND_MESSAGE, within=0.4)
    it = await fake.slash(fake.moderator, "setup", subcommand="show")
    shown = (await it.reply()).content
    assert f"<@&{fake.guild.role('Admin').id}>" in shown
    assert f"<#{fake.channel('annunci').id}>" in shown


async def test_retention_purge_forgets_old_text_and_updates_the_post(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake)
    it = await fake.slash(fake.moderator, "setup", {"days": 7}, subcommand="retention")
    assert "7" in (await it.reply()).content
    _, post = await flag(fake, fake.regular)
    review_id = post_id(post)
    case_id = case_of(fake, review_id)
    it = await fake.click(fake.moderator, review_id, f"rete:review:dismiss:{case_id}")
    await it.response()

    moderation: Any = rete.bot.get_cog("Moderation")
    assert await moderation.purge_once(time.time() + 6 * 86_400) == 0
    assert (await stored_case(rete, fake, case_id)).text == FLAGGED
    assert await moderation.purge_once(time.time() + 8 * 86_400) == 1
    edit = await fake.wait_for(
        *routes.EDIT_MESSAGE, where=lambda c: c.param("message_id") == review_id
    )
    assert edit.json["embeds"][0]["description"] == texts.REVIEW_TEXT_PURGED
    case = await stored_case(rete, fake, case_id)
    assert case.text is None
    assert case.status == "dismissed"


async def test_policy_add_remove_allow(rete: ReteHarness, fake: FakeDiscord) -> None:
    guild = fake.guild.id
    text = "Stasera preparo brochure e volantino per la fiera"
    assert not (await rete.core.policy.evaluate(guild, text)).flagged
    it = await fake.slash(
        fake.moderator,
        "policy",
        {"name": "brochure-gratis", "weight": 2.0, "words": "brochure, depliant + volantino"},
        subcommand="add",
    )
    assert "brochure-gratis" in (await it.reply()).content
    assert (await rete.core.policy.evaluate(guild, text)).flagged

    choices = await (
        await fake.autocomplete(
            fake.moderator, "policy", {"name": "broch"}, focused="name", subcommand="remove"
        )
    ).choices()
    assert [c["value"] for c in choices] == ["brochure-gratis"]

    it = await fake.slash(
        fake.moderator, "policy", {"phrase": "brochure e volantino"}, subcommand="allow"
    )
    await it.reply()
    assert not (await rete.core.policy.evaluate(guild, text)).flagged

    it = await fake.slash(
        fake.moderator, "policy", {"name": "brochure-gratis"}, subcommand="remove"
    )
    assert "brochure-gratis" in (await it.reply()).content
    assert "brochure-gratis" not in [r.name for r in rete.core.policy.rules(guild)]

    it = await fake.slash(fake.moderator, "policy", {"name": "non-esiste"}, subcommand="remove")
    assert "non-esiste" in (await it.reply()).content  # the policy's own error, ephemeral

    it = await fake.slash(
        fake.moderator, "policy", {"name": "x", "weight": 1.0, "words": "a + "}, subcommand="add"
    )
    assert (await it.reply()).content == texts.POLCMD_RULE_SYNTAX


async def test_an_appeal_opened_before_a_restart_is_still_received(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake)
    _, post = await flag(fake, fake.regular)
    case_id = case_of(fake, post_id(post))
    nudge = await fake.wait_for(*routes.SEND_MESSAGE, where=in_channel(fake, "generale"))
    opened = await fake.click(fake.regular, post_id(nudge), f"rete:appeal:{case_id}")
    await opened.modal()
    await rete.restart()
    submitted = await fake.submit_modal(fake.regular, opened, {"note": "Era un'offerta pagata"})
    assert (await submitted.reply()).content == texts.APPEAL_DONE
    case = await stored_case(rete, fake, case_id)
    assert case.appeal_note == "Era un'offerta pagata"
    assert case.status == PENDING  # still open: the note joins it


async def test_a_burst_is_posted_in_batches_each_case_once(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await configure(fake, nudge="off")
    review = fake.channel("moderazione").id
    # Discord makes the first post wait (429): the cases flagged meanwhile go out together.
    fake.fail_next(
        *routes.SEND_MESSAGE, retry_after=0.3, where=lambda c: c.param("channel_id") == review
    )
    authors = [fake.member(f"autore{i}") for i in range(8)]
    sent = [await fake.send_message("generale", a, FLAGGED) for a in authors]
    cases = await eventually(lambda: _all_posted(rete, fake, len(sent)), timeout=10)
    posts = [
        c
        for c in fake.calls_to(*routes.SEND_MESSAGE)
        if c.param("channel_id") == review and c.status == 200
    ]
    shown = [case_of_embed(e) for c in posts for e in c.json["embeds"]]
    assert sorted(shown) == sorted(c.case_id for c in cases)  # each case exactly once
    assert len(posts) < len(sent)
    assert max(len(c.json["embeds"]) for c in posts) <= 5

    batch = next(c for c in posts if len(c.json["embeds"]) > 1)
    batch_id = post_id(batch)
    first, second = (case_of_embed(e) for e in batch.json["embeds"][:2])
    it = await fake.click(fake.moderator, batch_id, f"rete:review:dismiss:{first}")
    assert (await it.response()).json["type"] == UPDATE_MESSAGE
    after = fake.messages[batch_id]
    assert f"rete:review:dismiss:{first}" not in after.custom_ids()
    assert f"rete:review:dismiss:{second}" in after.custom_ids()
    statuses = {
        case_of_embed(e): next(
            f["value"] for f in e["fields"] if f["name"] == texts.REVIEW_FIELD_STATUS
        )
        for e in after.embeds
    }
    assert f"<@{fake.moderator.id}>" in statuses[first]
    assert statuses[second] == texts.STATUS_PENDING


def case_of_embed(embed: dict[str, Any]) -> int:
    return int(embed["footer"]["text"].rsplit("#", 1)[1])


async def _all_posted(rete: ReteHarness, fake: FakeDiscord, count: int) -> list[Case] | None:
    cases = await rete.core.review.pending(fake.guild.id, limit=50)
    if len(cases) == count and all(c.review_message_id for c in cases):
        return cases
    return None


async def test_policy_allow_lists_a_phrase_a_line_in_pages(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    await rete.core.ensure_guild(fake.guild.id)
    spec = rete.core.policy.spec(fake.guild.id)
    assert spec is not None
    assert len(spec.allow) > 15
    it = await fake.slash(fake.moderator, "policy", subcommand="allow")
    first = (await it.reply()).embeds[0]["description"].splitlines()
    assert "pagina 1 di" in first[0]
    assert first[-1].endswith("page:2")
    assert len([line for line in first if line.startswith("  • ")]) == 15
    it = await fake.slash(fake.moderator, "policy", {"page": 2}, subcommand="allow")
    second = (await it.reply()).embeds[0]["description"].splitlines()
    assert "pagina 2 di" in second[0]
    assert second[1] == "  • " + neutralise(spec.allow[15])
