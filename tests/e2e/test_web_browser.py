"""The web dashboard in real Chromium (Playwright), against the real bot process (`python -m
bot run` with RETE_WEB_PORT) and the fake Discord: OAuth2 login, the queue, a confirmation on the
web seen in the review post, a dismissal in Discord seen on the page, a policy edit used by
/policy test, the IT/EN switch, 403 for a member without Manage Messages, hostile text inert,
CSRF refused, a language set on the settings page followed by the review posts, an article
uploaded on the knowledge page quoted by /excerpt.

Chromium is Debian's (/usr/bin/chromium), never a browser Playwright downloads. Without it these
tests skip, saying why; with RETE_REQUIRE_BROWSER=1 (set by .ci/run) they fail instead.
Screenshots of each page go to RETE_SCREENSHOTS (default: the test's tmp dir).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import i18n, texts
from tests.e2e.harness import ReteProcess, set_review_channel
from tests.fakediscord import FakeDiscord, routes
from tests.fakediscord.oauth import CLIENT_SECRET
from tests.fakediscord.server import Call
from tests.knowledge.test_ingest import ARTICLE

CHROMIUM = Path(os.environ.get("RETE_CHROMIUM", "/usr/bin/chromium"))
FLAGGED = "Ciao a tutti! Mi fai gratis il logo per il mio sito? Non ho budget"
FLAGGED_AGAIN = "Qualcuno mi fa gratis un logo e il sito per la mia attività? Non ho budget"
HOSTILE = (
    "Mi fai gratis il sito? <script>alert(1)</script> <img src=x onerror=alert(2)> "
    "[clicca qui](https://evil.example) \u202eotisiv"
)
WAIT_MS = 15_000


def _browser_or_skip() -> Any:
    required = os.environ.get("RETE_REQUIRE_BROWSER") == "1"
    problem = None
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        problem = "playwright is not installed (pip install -e '.[dev]')"
    if problem is None and not CHROMIUM.exists():
        problem = f"Chromium is not at {CHROMIUM} (apt-get install chromium chromium-driver)"
    if problem is not None:
        if required:
            pytest.fail(f"RETE_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    return async_playwright


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("RETE_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def browser(fake: FakeDiscord) -> AsyncIterator[Any]:
    """Chromium, closed before the fake Discord checks that nothing is left running."""
    async_playwright = _browser_or_skip()
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            await launched.close()


class Site:
    def __init__(self, base: str, process: ReteProcess, fake: FakeDiscord) -> None:
        self.base = base
        self.process = process
        self.fake = fake

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def guild(self) -> int:
        return self.fake.guild.id


@pytest.fixture
async def site(rete_process: ReteProcess, fake: FakeDiscord) -> Site:
    """The bot process serving the dashboard; commands synced by the owner; /setup done."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    rete_process.extra_env.update(
        RETE_WEB_PORT=str(port),
        RETE_WEB_SECRET="x" * 40,
        RETE_WEB_CLIENT_SECRET=CLIENT_SECRET,
        RETE_WEB_PUBLIC_URL=base,
    )
    await rete_process.start(wait="connected")
    await rete_process.wait_for_line("web dashboard on", timeout=20)
    await rete_process.wait_for_line("ready as", timeout=20)
    await fake.send_message("generale", fake.owner, f"<@{fake.bot_user.id}> sync")
    await fake.wait_for(*routes.SYNC_GUILD, timeout=10)
    await set_review_channel(fake)
    return Site(base, rete_process, fake)


async def login(browser: Any, site: Site, who: Any, shots: Path | None = None) -> Any:
    """A new browser context logged in through the OAuth2 flow as `who`; returns its page."""
    site.fake.oauth.user = who
    # An Italian browser (Accept-Language): the dashboard reads in it until the switch is used.
    context = await browser.new_context(viewport={"width": 1100, "height": 900}, locale="it-IT")
    page = await context.new_page()
    await page.goto(site.url("/login"))
    if shots is not None:
        await page.screenshot(path=str(shots / "login.png"))
    await page.get_by_role("link", name="Accedi con Discord").click()
    await page.wait_for_url(site.url("/"))
    if shots is not None:
        await page.screenshot(path=str(shots / "servers.png"))
    return page


async def flag(fake: FakeDiscord, text: str) -> tuple[int, int]:
    """A member's flagged message: (its id, the review post's id)."""
    mark = fake.mark()
    message_id = await fake.send_message("generale", fake.regular, text)
    review = fake.channel("moderazione").id
    post = await fake.wait_for(
        *routes.SEND_MESSAGE,
        where=lambda c: c.param("channel_id") == review,
        since=mark,
        timeout=10,
    )
    return message_id, int(post.response["id"])


def case_of(fake: FakeDiscord, post_id: int) -> int:
    ids = fake.messages[post_id].custom_ids()
    return int(next(i for i in ids if i.startswith("rete:review:confirm:")).rsplit(":", 1)[1])


def status_of(payload: dict[str, Any]) -> str:
    (embed,) = payload["embeds"]
    return str(next(f["value"] for f in embed["fields"] if f["name"] == texts.REVIEW_FIELD_STATUS))


async def test_moderate_a_case_on_the_web_and_in_discord(
    browser: Any, site: Site, fake: FakeDiscord, shots: Path
) -> None:
    page = await login(browser, site, fake.moderator, shots)
    assert fake.oauth.authorized[-1]["scope"] == "identify guilds"
    await page.get_by_role("link", name=fake.guild.name).click()
    message_id, post_id = await flag(fake, FLAGGED)
    case_id = case_of(fake, post_id)
    await page.goto(site.url(f"/g/{site.guild}/queue"))
    item = page.locator(f"#case-{case_id}")
    await item.locator("mark", has_text="gratis").wait_for(timeout=WAIT_MS)
    await page.screenshot(path=str(shots / "queue.png"), full_page=True)

    # Confirm on the web, deleting the message: the review post in Discord shows it.
    edits_since = fake.mark()
    await item.get_by_label("elimina il messaggio").check()
    await item.get_by_role("button", name="Conferma").click()
    await page.get_by_role("status").wait_for(timeout=WAIT_MS)

    def post_edited(call: Call) -> bool:
        return call.param("message_id") == post_id and call.status == 200

    edit = await fake.wait_for(*routes.EDIT_MESSAGE, where=post_edited, since=edits_since)
    assert str(fake.moderator.id) in status_of(edit.json)
    assert status_of(fake.messages[post_id].payload) == status_of(edit.json)
    await fake.wait_for(
        *routes.DELETE_MESSAGE,
        where=lambda c: c.param("message_id") == message_id,
        since=edits_since,
    )
    await page.goto(site.url(f"/g/{site.guild}/case/{case_id}"))
    await page.locator('td[data-action="delete_message"]').wait_for(timeout=WAIT_MS)
    await page.screenshot(path=str(shots / "case.png"), full_page=True)

    # Dismiss in Discord: the open queue page drops the case by itself (it polls its rows).
    _, second_post = await flag(fake, FLAGGED_AGAIN)
    second = case_of(fake, second_post)
    await page.goto(site.url(f"/g/{site.guild}/queue"))
    await page.locator(f"#case-{second}").wait_for(timeout=WAIT_MS)
    it = await fake.click(fake.moderator, second_post, f"rete:review:dismiss:{second}")
    await it.response()
    await page.locator(f"#case-{second}").wait_for(state="detached", timeout=WAIT_MS)

    # A hostile message renders inert: no dialog, no element from it, its text shown as text.
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    _, hostile_post = await flag(fake, HOSTILE)
    hostile = case_of(fake, hostile_post)
    await page.goto(site.url(f"/g/{site.guild}/case/{hostile}"))
    quote = page.locator("blockquote.message")
    await quote.wait_for(timeout=WAIT_MS)
    assert await quote.locator("script, img, a").count() == 0
    shown = await quote.text_content()
    assert shown is not None
    assert "<script>alert(1)</script>" in shown
    assert "<img src=x onerror=alert(2)>" in shown
    assert "[U+202E]otisiv" in shown
    assert await page.locator("script").count() == 1  # htmx, from /static
    assert dialogs == []

    # A POST without the CSRF token is refused, and changes nothing.
    refused = await page.request.post(
        site.url(f"/g/{site.guild}/case/{hostile}"), form={"action": "dismiss"}
    )
    assert refused.status == 403
    await page.reload()
    assert await page.locator("h1 .status").get_attribute("data-status") == "pending"
    await page.goto(site.url(f"/g/{site.guild}/stats"))
    await page.locator("svg.bars").first.wait_for(timeout=WAIT_MS)
    await page.screenshot(path=str(shots / "stats.png"), full_page=True)


async def test_a_policy_edited_on_the_web_is_the_one_policy_test_uses(
    browser: Any, site: Site, fake: FakeDiscord, shots: Path
) -> None:
    page = await login(browser, site, fake.moderator)
    await page.goto(site.url(f"/g/{site.guild}/policy"))
    heading = await page.locator("h1").text_content()
    assert heading is not None
    before = int(heading.rsplit("v", 1)[1])
    editor = page.get_by_label("File della policy (YAML)")
    current = await editor.input_value()
    assert "threshold: 1.0" in current
    await editor.fill(current.replace("threshold: 1.0", "threshold: 1.3", 1))
    await page.get_by_role("button", name="Vedi differenze e backtest").click()
    await page.locator("pre.diff .add", has_text="threshold: 1.3").wait_for(timeout=WAIT_MS)
    await page.screenshot(path=str(shots / "policy.png"), full_page=True)
    await page.get_by_role("button", name="Applica questa policy").click()
    await page.get_by_role("status").wait_for(timeout=WAIT_MS)
    assert f"v{before + 1}" in (await page.locator("h1").text_content() or "")

    # The live test box on the web, and /policy test in Discord, use the new version.
    await page.get_by_label("Testo").fill("mi fai gratis il logo?")
    await page.get_by_role("button", name="Prova", exact=True).click()
    result = await page.locator("#test-result").text_content()
    assert result is not None
    assert f"policy v{before + 1}" in result
    it = await fake.slash(
        fake.moderator, "policy", {"text": "mi fai gratis il logo?"}, subcommand="test"
    )
    reply = await it.reply()
    said = reply.content + json.dumps(reply.embeds, ensure_ascii=False)
    assert f"policy v{before + 1}" in said
    assert "soglia 1.3" in said

    # The header's IT/EN switch: English on this page and the next ones, then Italian again.
    assert await page.locator("html").get_attribute("lang") == "it"
    await page.get_by_role("link", name="EN", exact=True).click()
    await page.get_by_role("heading", name="Rules").wait_for(timeout=WAIT_MS)
    assert await page.locator("html").get_attribute("lang") == "en"
    await page.get_by_role("link", name="Queue", exact=True).click()
    await page.get_by_role("heading", name="Review queue").wait_for(timeout=WAIT_MS)
    await page.screenshot(path=str(shots / "queue-en.png"), full_page=True)
    await page.get_by_role("link", name="IT", exact=True).click()
    await page.get_by_role("heading", name="Coda di revisione").wait_for(timeout=WAIT_MS)
    assert await page.locator("html").get_attribute("lang") == "it"


async def test_without_manage_messages_a_member_gets_403(
    browser: Any, site: Site, fake: FakeDiscord, shots: Path
) -> None:
    page = await login(browser, site, fake.regular)
    assert await page.locator("ul.guilds li").count() == 0
    response = await page.goto(site.url(f"/g/{site.guild}/queue"))
    assert response is not None
    assert response.status == 403
    # A moderator whose role is removed is refused on the next request, not at next login.
    moderator = await login(browser, site, fake.moderator)
    ok = await moderator.goto(site.url(f"/g/{site.guild}/knowledge"))
    assert ok is not None
    assert ok.status == 200
    await moderator.get_by_text("Nuova FAQ").click()
    await moderator.get_by_label("Domanda", exact=True).fill("Quanto costa il percorso completo?")
    await moderator.get_by_label("Risposta", exact=True).fill("Trovi i prezzi nella pagina corsi.")
    await moderator.get_by_role("button", name="Aggiungi").click()
    await moderator.get_by_role("status").wait_for(timeout=WAIT_MS)
    await moderator.screenshot(path=str(shots / "knowledge.png"), full_page=True)
    fake.set_roles(fake.moderator, [])
    refused = await moderator.goto(site.url(f"/g/{site.guild}/knowledge"))
    assert refused is not None
    assert refused.status == 403


async def test_settings_and_an_import_made_on_the_web_reach_discord(
    browser: Any, site: Site, fake: FakeDiscord, shots: Path
) -> None:
    page = await login(browser, site, fake.moderator)
    await page.goto(site.url(f"/g/{site.guild}/queue"))
    await page.get_by_role("link", name="Impostazioni", exact=True).click()
    await page.locator("#settings-form").get_by_text("#moderazione").wait_for(timeout=WAIT_MS)
    await page.get_by_label("Lingua dei messaggi nei canali").select_option("en")
    await page.get_by_role("button", name="Salva").click()
    await page.get_by_role("status").wait_for(timeout=WAIT_MS)
    await page.screenshot(path=str(shots / "settings.png"), full_page=True)

    # What Rete posts in the server's channels follows the language chosen on the web.
    _, post_id = await flag(fake, FLAGGED)
    (embed,) = fake.messages[post_id].payload["embeds"]
    with i18n.using("en"):
        status = str(texts.REVIEW_FIELD_STATUS)
    assert status != str(texts.REVIEW_FIELD_STATUS)
    assert status in [field["name"] for field in embed["fields"]]

    # An article uploaded on the knowledge page is what /excerpt quotes in Discord.
    await page.goto(site.url(f"/g/{site.guild}/knowledge"))
    await page.get_by_label("Un articolo Markdown").set_input_files(
        {"name": "scrivere-titoli.md", "mimeType": "text/markdown", "buffer": ARTICLE.encode()}
    )
    await page.get_by_role("button", name="Importa", exact=True).click()
    await page.get_by_role("status").wait_for(timeout=WAIT_MS)
    assert "Importazione completata" in (await page.get_by_role("status").text_content() or "")
    it = await fake.slash(
        fake.regular, "excerpt", {"query": "lunghezza del titolo", "article": "scrivere-titoli"}
    )
    reply = await it.reply()
    said = reply.content + json.dumps(reply.embeds, ensure_ascii=False)
    assert "Scrivere titoli: guida pratica" in said
