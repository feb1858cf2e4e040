"""Privacy: a whole session logged at DEBUG shows neither the token nor what members wrote."""

from __future__ import annotations

import logging

import pytest

from bot.logs import PAYLOAD_LOGGERS, set_levels
from tests.e2e.harness import ReteHarness
from tests.e2e.test_moderation_e2e import case_of, configure, flag, post_id
from tests.fakediscord import FakeDiscord, routes

# Distinctive texts: if any of them reaches a log line, the assertion names it.
FLAGGED = "Mi fai gratis il logo zebrato per la mia cartoleria? Non ho budget"
EDITED = "Mi fai gratis il logo zebrato e anche il sito della cartoleria? Non ho budget"
CLEAN = "Oggi ho finalmente pubblicato l'articolo sulle cartolerie vintage"
QUESTION = "Come si sceglie un hosting per il blog della cartoleria?"


async def test_a_full_session_logs_no_token_and_no_message_text(
    rete: ReteHarness, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    # RETE_LOG_LEVEL=DEBUG, as `rete` sets it up: the most talkative configuration there is.
    caplog.set_level(logging.DEBUG)
    set_levels("DEBUG")
    await configure(fake)
    message_id, post = await flag(fake, fake.regular, FLAGGED)
    await fake.send_message("generale", fake.regular, CLEAN)
    await fake.edit_message(message_id, EDITED)
    it = await fake.slash(fake.regular, "ask", {"question": QUESTION})
    await it.reply()
    case_id = case_of(fake, post_id(post))
    member_click = await fake.click(fake.regular, post_id(post), f"rete:review:confirm:{case_id}")
    await member_click.response()
    click = await fake.click(fake.moderator, post_id(post), f"rete:review:dismiss:{case_id}")
    await click.response()
    await rete.restart()
    await fake.send_message("generale", fake.regular, CLEAN)
    await fake.delete_message(message_id)
    await rete.idle()

    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert len(caplog.records) >= 5  # the session did log: the test is looking at something
    assert fake.token not in logged
    for text in (FLAGGED, EDITED, CLEAN, QUESTION):
        assert text not in logged
        # Nor a telling fragment of it (a log line that cut the text would still leak it).
        assert text[8:40] not in logged
    assert "zebrato" not in logged
    assert fake.calls_to(*routes.SEND_MESSAGE)  # and the bot did act on what it read


@pytest.fixture(autouse=True)
def _restore_levels() -> object:
    saved = {name: logging.getLogger(name).level for name in ("", *PAYLOAD_LOGGERS)}
    yield None
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)
