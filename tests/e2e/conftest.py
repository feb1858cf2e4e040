"""End-to-end fixtures: the real ReteBot and discord.py client against a fake Discord on loopback.

FIXTURES
  fake              FakeDiscord, started on 127.0.0.1 (random port). Teardown fails the test if
                    the bot hit a route the fake lacks (`fake.unmatched`), the fake crashed
                    (`fake.errors`), the bot broke a Discord rule (`fake.violations`) unless the
                    test called `fake.expect_violations()`, or a task/non-daemon thread was left.
  rete              ReteHarness: the real bot in process, logged in and ready (on_ready fired).
                    `rete.bot` (ReteBot), `rete.core` (Core), `await rete.restart()` (same DB,
                    same fake: what a deploy does), `await rete.stop()`, `rete.db_path`,
                    `await rete.idle()` (until no discord.py event handler is running). The
                    bot's command tree is installed in the fake as if synced.
  rete_extensions   Extra extensions for `rete` (default none). Override in a test module:
                        @pytest.fixture
                        def rete_extensions(): return ("tests.e2e.harness_ext",)
  rete_settings     Settings changes for `rete`, e.g. `{"owner_ids": frozenset({...})}`.
  rete_process      ReteProcess, NOT started: `await rete_process.start()` runs
                    `python -m bot run` with DISCORD_TOKEN / RETE_DISCORD_API_BASE /
                    RETE_DISCORD_GATEWAY / RETE_DB aimed at the fake (kept in this process) and
                    waits for the "ready as" log line; `.kill()` (kill -9), `.terminate()`
                    (SIGTERM → exit code), `.restart(kill=...)`, `.logs`. Commands are not
                    installed in the fake: sync them as the owner does (`@Rete sync`).
  db_path           The temporary SQLite file both variants use (kept across restarts).

THE FAKE (see tests/fakediscord/server.py for every signature)
  World: fake.guild (roles "@everyone", "Moderatori" = Manage Messages + Moderate Members,
  "Rete" = the bot, "Admin" = Administrator; channels "generale", "domande", "moderazione"
  (moderators only), "annunci"); users fake.owner (application owner, plain member),
  fake.admin (Admin, guild owner), fake.moderator (Moderatori), fake.regular (no role),
  fake.bot_user. More: fake.member(name, roles=[...], dms_open=True) -> FakeUser,
  fake.set_roles(user, [...]), fake.add_channel(name, overwrites=[...]),
  fake.join_guild(name), fake.upload(filename, bytes) -> attachment.
  Acting as members (each returns at once; wait for the bot's effects):
    await fake.send_message(channel, author, content, reply_to=None) -> message id
    await fake.edit_message(message_id, content); await fake.delete_message(message_id)
    await fake.send_dm(author, content) -> message id; await fake.react(message_id, user, "👍")
    await fake.slash(user, "name", {"option": value}, subcommand="sub", channel="generale")
    await fake.autocomplete(user, "name", {"option": "typed"}, focused="option")
    await fake.click(user, message_id, custom_id, values=None)
    await fake.submit_modal(user, opened_by_interaction, {"input_custom_id": "text"})
  The interaction helpers return a SentInteraction: `await it.response()` (the callback Call),
  `await it.reply()` (the StoredMessage the user sees, after a defer too), `it.followups(n)`,
  `await it.choices()`, `await it.modal()`.
  Observing the bot: fake.calls (every REST call: method, route template, path, params, json,
  files, at, status, response, pings), await fake.wait_for(method, route, where=..., since=...,
  timeout=5) -> Call (default `since`: the last event the test sent), fake.wait_for_all(...,
  count=n), fake.expect_no_call(...), fake.calls_to(...), tests.fakediscord.routes.* for the
  (method, route) pairs, fake.history(channel), fake.bot_messages(channel), fake.messages[id],
  fake.pinged() (calls that notified someone), fake.violations.
  The web dashboard's login (tests/fakediscord/oauth.py): set `fake.oauth.user = fake.moderator`
  (who approves at /oauth2/authorize; None refuses); the client secret is
  tests.fakediscord.oauth.CLIENT_SECRET; `fake.oauth.authorized` lists the authorize queries.
  Breaking things: fake.fail_next(method, route, times=1, status=429|500|502…, retry_after=…),
  fake.rate_limit(method, route, limit=5, per=5.0), await fake.drop_gateway(abort=False)
  (→ RESUME with replay), await fake.invalidate_session() (→ fresh IDENTIFY),
  await fake.request_reconnect() (op 7), fake.interaction_deadline = 0.2 (seconds),
  await fake.wait_gateway("RESUMED", since=fake.gateway_mark()).
  Waiting on state: `await eventually(lambda: ..., timeout=5)` from tests.e2e.harness.

GOTCHAS
  - `wait_for` looks from the last event the test sent: when two events each expect a call,
    pass `since=fake.mark()` taken before each, or a `where=` predicate.
  - The fake sends generous rate-limit headers by default (without any, discord.py sends one
    request at a time per route); `fake.rate_limit(...)` emulates Discord's real buckets.
  - `bot.is_ready()` stays True across a re-IDENTIFY: to see a new on_ready, take
    `waiter = rete.bot.wait_for("ready", timeout=5)` before the fault and `await waiter`.
  - `rete_process.start(wait="connected")` skips the product's 2 s guild_ready_timeout.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import (
    ReteHarness,
    ReteProcess,
    assert_nothing_left,
    harness_settings,
    pointed_at,
)
from tests.fakediscord import FakeDiscord

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "rete.db"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    threads_before = {t.ident for t in threading.enumerate() if t.ident is not None}
    server = FakeDiscord()
    await server.start()
    with pointed_at(server):
        yield server
    await server.stop()
    assert not server.errors, "the fake Discord crashed:\n" + "\n".join(server.errors)
    assert not server.unmatched, (
        "the bot called routes the fake lacks (add them to tests/fakediscord/rest.py): "
        + ", ".join(f"{c.method} {c.path}" for c in server.unmatched)
    )
    if not server.violations_expected:
        assert not server.violations, "the bot broke Discord's rules: " + "; ".join(
            f"{v.rule} ({v.call.method} {v.call.route}): {v.detail}" for v in server.violations
        )
    await assert_nothing_left(threads_before)


@pytest.fixture
def rete_extensions() -> tuple[str, ...]:
    return ()


@pytest.fixture
def rete_settings() -> dict[str, Any]:
    return {}


@pytest.fixture
async def rete(
    fake: FakeDiscord,
    db_path: Path,
    rete_extensions: tuple[str, ...],
    rete_settings: dict[str, Any],
) -> AsyncIterator[ReteHarness]:
    harness = ReteHarness(
        fake,
        db_path,
        extensions=rete_extensions,
        settings=harness_settings(fake, db_path, **rete_settings),
    )
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def rete_process(
    fake: FakeDiscord, db_path: Path, tmp_path: Path
) -> AsyncIterator[ReteProcess]:
    process = ReteProcess(fake, db_path, cwd=tmp_path / "cwd")
    try:
        yield process
    finally:
        await process.close()
