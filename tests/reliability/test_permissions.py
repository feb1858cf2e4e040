"""Every moderator slash command and every review button, tried by a member, a moderator, an
administrator and the bot's owner: refusals are ephemeral, logged with ids, and change nothing.

The commands come from the bot's own tree, so a command added tomorrow is covered by this test.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot import texts
from tests.e2e.harness import ReteHarness
from tests.e2e.test_moderation_e2e import _minimal_options, configure, flag, post_id
from tests.fakediscord import FakeDiscord, FakeUser
from tests.reliability.helpers import dump, flagged_text

MANAGE_MESSAGES = 1 << 13
REVIEW_ACTIONS = ("claim", "confirm", "act", "dismiss")
MODAL = 9  # interaction callback type


def close_modals(rete: ReteHarness) -> None:
    """What a member closing the form does: its 15-minute timer stops (else it outlives the
    test's bot; a real process just exits)."""
    store = rete.bot._connection._view_store
    for modal in list(store._modals.values()):
        modal.stop()


def moderator_commands(rete: ReteHarness) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(command, subcommand, schema) of every command that Discord shows to moderators only."""
    tree = rete.bot.tree
    found = []
    for command in tree.get_commands():
        schema = command.to_dict(tree)
        perms = schema.get("default_member_permissions")
        if perms is None or not int(perms) & MANAGE_MESSAGES:
            continue
        subs = [o for o in schema.get("options") or [] if o["type"] in (1, 2)]
        if not subs:
            found.append((command.name, None, schema))
        for sub in subs:
            if sub["type"] == 2:  # a group of subcommands
                found += [(command.name, f"{sub['name']} {s['name']}", s) for s in sub["options"]]
            else:
                found.append((command.name, sub["name"], sub))
    return found


def users(fake: FakeDiscord) -> dict[str, FakeUser]:
    return {
        "member": fake.regular,
        "moderator": fake.moderator,
        "administrator": fake.admin,
        "owner": fake.owner,  # the application's owner: no role in the guild
    }


async def test_every_moderator_command_against_every_kind_of_user(
    rete: ReteHarness, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await configure(fake)
    commands = moderator_commands(rete)
    assert len(commands) >= 10  # review, setup, policy, faq…: the tree was read
    for name, sub, schema in commands:
        options = _minimal_options(fake, schema)
        for who, user in users(fake).items():
            await rete.idle()
            before = dump(rete.db_path)
            mark = len(caplog.records)
            it = await fake.slash(user, name, options, subcommand=sub)
            await it.response()
            label = f"/{name} {sub or ''} as {who}"
            if who == "member":
                reply = await it.reply()
                assert reply.ephemeral, label
                assert reply.content == texts.NOT_MODERATOR, label
                await rete.idle()
                assert dump(rete.db_path) == before, f"{label} changed the database"
                logged = [
                    r.getMessage() for r in caplog.records[mark:] if r.levelno == logging.INFO
                ]
                assert any(str(user.id) in line and "refused" in line for line in logged), label
            elif it.response_type == MODAL:  # a form opened: no refusal; close it unsubmitted
                close_modals(rete)
            else:
                reply = await it.reply()
                assert reply.content != texts.NOT_MODERATOR, label
    close_modals(rete)


async def test_every_review_button_against_every_kind_of_user(
    rete: ReteHarness, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await configure(fake)
    n = 0
    for who, user in users(fake).items():
        for action in REVIEW_ACTIONS:
            n += 1
            author = fake.member(f"autore{n}")
            _, post = await flag(fake, author, flagged_text(n))
            message = fake.messages[post_id(post)]
            custom_id = next(
                i for i in message.custom_ids() if i.startswith(f"rete:review:{action}:")
            )
            await rete.idle()
            before = dump(rete.db_path)
            mark = len(caplog.records)
            it = await fake.click(user, message.id, custom_id)
            reply = await it.reply()
            label = f"{action} as {who}"
            if who == "member":
                assert reply.ephemeral, label
                assert reply.content == texts.NOT_MODERATOR, label
                await rete.idle()
                assert dump(rete.db_path) == before, f"{label} changed the database"
                logged = [
                    r.getMessage() for r in caplog.records[mark:] if r.levelno == logging.INFO
                ]
                assert any(str(user.id) in line and "refused" in line for line in logged), label
            else:
                assert reply.content != texts.NOT_MODERATOR, label
                if action != "act":  # "act" only asks what to do: nothing is decided yet
                    await rete.idle()
                    assert dump(rete.db_path) != before, f"{label} did nothing"


async def test_the_appeal_button_is_the_authors_alone(
    rete: ReteHarness, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await configure(fake)
    author = fake.member("autore")
    await flag(fake, author, flagged_text(1))
    nudge = next(m for m in fake.bot_messages("generale") if m.custom_ids())
    (appeal,) = [i for i in nudge.custom_ids() if i.startswith("rete:appeal:")]
    for who, user in users(fake).items():
        await rete.idle()
        before = dump(rete.db_path)
        it = await fake.click(user, nudge.id, appeal)
        reply = await it.reply()
        assert reply.ephemeral, who
        assert reply.content == texts.APPEAL_NOT_AUTHOR, who
        await rete.idle()
        assert dump(rete.db_path) == before, who
    it = await fake.click(author, nudge.id, appeal)
    assert await it.modal()  # the author may appeal: the note's form opens
