"""The dashboard's settings page and the knowledge page's feeds, sync and import: each form's
happy path, its bad input (a clear error, nothing changed), no permission and no CSRF token."""

from __future__ import annotations

import html
import re
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.core import Core
from bot.knowledge.models import UPLOAD_MAX_BYTES
from bot.web.app import REQUEST_MAX_BYTES
from tests.knowledge.test_feeds_cli import Feed
from tests.knowledge.test_ingest import ARTICLE, FAQ, WXR
from tests.web.conftest import GUILD, MODERATOR, Web, make_web, open_case

SETTINGS = f"/g/{GUILD}/settings"
KNOWLEDGE = f"/g/{GUILD}/knowledge"


@pytest.fixture
def feed() -> Iterator[Feed]:
    server = Feed()  # a feed served on 127.0.0.1, as the knowledge tests serve theirs
    yield server
    server.close()


@pytest.fixture
async def outsider(core: Core) -> AsyncIterator[tuple[TestClient, str]]:
    """Logged in, with a valid CSRF token, but not allowed to moderate the server."""
    dashboard, links = make_web(core, user_id=MODERATOR + 1)
    async with TestClient(TestServer(dashboard.app())) as client:
        await client.get(f"/login/once?token={links.issue()}")
        page = await (await client.get("/")).text()
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page
        yield client, found.group(1)


def upload(csrf: str, name: str, data: bytes | str) -> FormData:
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", data.encode() if isinstance(data, str) else data, filename=name)
    return form


async def shown(response_text: str) -> str:
    return html.unescape(response_text)


# --- settings --------------------------------------------------------------------------------


async def test_the_settings_page_shows_the_settings_with_channel_names(
    core: Core, web: Web
) -> None:
    await core.review.update_settings(GUILD, review_channel_id=12)
    await core.knowledge.set_answer_channel(GUILD, 11, enabled=True)
    await web.login()
    page = await (await web.client.get(SETTINGS)).text()
    assert f'href="{SETTINGS}"' in page  # the header's link
    assert 'name="review_channel" inputmode="numeric" maxlength="30" value="12"' in page
    assert "#moderazione" in page
    assert "#domande" in page  # the answer channel, by name
    assert '<option value="reply" selected>' in page


async def test_settings_are_saved_as_setup_saves_them(core: Core, web: Web) -> None:
    csrf = await web.login()
    form = {
        "csrf": csrf,
        "review_channel": "12",
        "nudge_mode": "dm",
        "retention_days": "30",
        "language": "en",
    }
    response = await web.client.post(SETTINGS, data=form, allow_redirects=False)
    assert response.status == 303
    settings = await core.review.settings(GUILD)
    assert (settings.review_channel_id, settings.nudge_mode) == (12, "dm")
    assert (settings.retention_days, settings.language) == (30, "en")
    page = await (await web.client.get(response.headers["Location"])).text()
    assert "Settings saved." in page  # the server's language now: the page follows it
    same = await web.client.post(SETTINGS, data=form)
    assert "Nothing changed." in await same.text()


async def test_the_language_goes_through_the_front_end_s_setter(core: Core) -> None:
    """With Discord the bot keeps each server's language in memory: the dashboard changes it
    through the bot's setter, not behind its back."""
    told: list[tuple[int, str]] = []

    async def set_language(guild_id: int, lang: str) -> None:
        told.append((guild_id, lang))
        await core.review.update_settings(guild_id, language=lang)

    dashboard, links = make_web(core)
    dashboard.set_language = set_language
    async with TestClient(TestServer(dashboard.app())) as client:
        await client.get(f"/login/once?token={links.issue()}")
        page = await (await client.get(SETTINGS)).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        data = {"csrf": csrf.group(1), "nudge_mode": "reply", "retention_days": "90"}
        response = await client.post(SETTINGS, data={**data, "language": "en"})
        assert response.status == 200
    assert told == [(GUILD, "en")]
    assert (await core.review.settings(GUILD)).language == "en"


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("review_channel", "generale", "canale di revisione: «generale» non è un id di Discord"),
        ("review_channel", "999", "canale di revisione: nessun canale 999 in questo server."),
        ("nudge_mode", "urla", "Promemoria: «urla» sconosciuto."),
        ("retention_days", "0", str(texts.SETUP_RETENTION_RANGE)),
        ("retention_days", "3651", str(texts.SETUP_RETENTION_RANGE)),
        ("retention_days", "tanti", str(texts.SETUP_RETENTION_RANGE)),
        ("language", "fr", "Lingua: «fr» sconosciuta."),
    ],
)
async def test_bad_settings_are_refused_in_words_and_nothing_is_saved(
    core: Core, web: Web, field: str, value: str, said: str
) -> None:
    csrf = await web.login()
    before = await core.review.settings(GUILD)
    good = {"review_channel": "12", "nudge_mode": "off", "retention_days": "7", "language": "en"}
    response = await web.client.post(SETTINGS, data={**good, field: value, "csrf": csrf})
    assert response.status == 400
    body = await shown(await response.text())
    assert said in body
    assert f'value="{value}"' in await response.text() or field in ("nudge_mode", "language")
    assert await core.review.settings(GUILD) == before


async def test_settings_without_permission_or_csrf_change_nothing(
    core: Core, web: Web, outsider: tuple[TestClient, str]
) -> None:
    client, token = outsider
    data = {"review_channel": "12", "nudge_mode": "dm", "retention_days": "30", "language": "en"}
    before = await core.review.settings(GUILD)
    assert (await client.get(SETTINGS)).status == 403
    for path, extra in (
        (SETTINGS, data),
        (f"{SETTINGS}/answers", {"channel": "11", "state": "on"}),
        (f"{SETTINGS}/learn", {"action": "preview"}),
    ):
        refused = await client.post(path, data={**extra, "csrf": token})
        assert refused.status == 403, path
        assert "Gestire i messaggi" in await refused.text()
        await web.login()
        no_token = await web.client.post(path, data=extra)
        assert no_token.status == 403, path
        assert "CSRF" in await no_token.text()
    assert await core.review.settings(GUILD) == before
    assert await core.knowledge.answer_channels(GUILD) == frozenset()


async def test_answer_channels_are_added_and_removed(core: Core, web: Web) -> None:
    csrf = await web.login()
    added = await web.client.post(
        f"{SETTINGS}/answers", data={"csrf": csrf, "channel": "11", "state": "on"}
    )
    assert added.status == 200
    body = await shown(await added.text())
    assert texts.KB_ANSWER_CHANNEL_ON.format(channel="#domande") in body
    assert await core.knowledge.answer_channels(GUILD) == frozenset({11})
    removed = await web.client.post(
        f"{SETTINGS}/answers", data={"csrf": csrf, "channel": "11", "state": "off"}
    )
    assert texts.KB_ANSWER_CHANNEL_OFF.format(channel="#domande") in await shown(
        await removed.text()
    )
    assert await core.knowledge.answer_channels(GUILD) == frozenset()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"channel": "domande", "state": "on"}, "canale: «domande» non è un id di Discord"),
        ({"channel": "404", "state": "on"}, "canale: nessun canale 404 in questo server."),
        ({"channel": "", "state": "on"}, "Scrivi l'id del canale."),
        ({"channel": "11", "state": "forse"}, "Azione sconosciuta."),
    ],
)
async def test_a_bad_answer_channel_is_refused(
    core: Core, web: Web, data: dict[str, str], said: str
) -> None:
    csrf = await web.login()
    response = await web.client.post(f"{SETTINGS}/answers", data={**data, "csrf": csrf})
    assert response.status == 400
    assert said in await shown(await response.text())
    assert await core.knowledge.answer_channels(GUILD) == frozenset()


async def _decide_twelve(core: Core) -> None:
    """Six requests confirmed and six others dismissed: enough to learn from (as the console's
    test of /policy learn)."""
    asks = ["qualcuno mi fa il logo gratis? non ho budget"] * 6
    asks += ["mi scrivete la bio gratis? non ho budget"] * 6
    for n, text in enumerate(asks):
        case = await open_case(core, text, message_id=100 + n, author_id=300 + n)
        if n < 6:
            await core.review.confirm(GUILD, case.case_id, MODERATOR, time.time())
        else:
            await core.review.dismiss(GUILD, case.case_id, MODERATOR, time.time())


async def test_learning_weights_shows_what_would_change_then_applies_it(
    core: Core, web: Web
) -> None:
    await _decide_twelve(core)
    csrf = await web.login()
    version = core.policy.version(GUILD)
    preview = await web.client.post(f"{SETTINGS}/learn", data={"csrf": csrf, "action": "preview"})
    assert preview.status == 200
    body = await shown(await preview.text())
    assert "12 esempi (6 da segnalare, 6 no)" in body
    assert "«Applica questi pesi»" in body
    assert core.policy.version(GUILD) == version  # nothing applied by looking
    key = re.search(r'name="key" value="([0-9a-f]+)"', await preview.text())
    assert key
    forged = await web.client.post(
        f"{SETTINGS}/learn", data={"csrf": csrf, "action": "apply", "key": "0" * 32}
    )
    assert forged.status == 409
    assert core.policy.version(GUILD) == version
    applied = await web.client.post(
        f"{SETTINGS}/learn",
        data={"csrf": csrf, "action": "apply", "key": key.group(1)},
        allow_redirects=False,
    )
    assert applied.status == 303
    assert core.policy.version(GUILD) == version + 1
    page = await shown(await (await web.client.get(applied.headers["Location"])).text())
    assert f"policy v{version + 1}" in page
    history = await core.policy.history(GUILD)
    assert (history[0].action, history[0].actor_id) == ("learn", MODERATOR)
    assert not (
        await core.policy.evaluate(GUILD, "mi scrivete la bio gratis? non ho budget")
    ).flagged


async def test_weights_seen_before_a_new_decision_are_not_applied(core: Core, web: Web) -> None:
    await _decide_twelve(core)
    csrf = await web.login()
    preview = await web.client.post(f"{SETTINGS}/learn", data={"csrf": csrf, "action": "preview"})
    key = re.search(r'name="key" value="([0-9a-f]+)"', await preview.text())
    assert key
    late = await open_case(core, "fammi il sito gratis, non ho budget", message_id=999)
    await core.review.confirm(GUILD, late.case_id, MODERATOR + 5, time.time())
    version = core.policy.version(GUILD)
    stale = await web.client.post(
        f"{SETTINGS}/learn", data={"csrf": csrf, "action": "apply", "key": key.group(1)}
    )
    assert stale.status == 409
    body = await shown(await stale.text())
    assert "cambiate nel frattempo" in body
    assert "13 esempi (7 da segnalare, 6 no)" in body  # the new proposal, to review
    assert core.policy.version(GUILD) == version


async def test_learning_with_too_few_decisions_says_so(core: Core, web: Web) -> None:
    csrf = await web.login()
    version = core.policy.version(GUILD)
    response = await web.client.post(f"{SETTINGS}/learn", data={"csrf": csrf, "action": "preview"})
    assert response.status == 400
    assert "almeno" in await shown(await response.text())
    assert core.policy.version(GUILD) == version


# --- knowledge: feeds, sync, import ------------------------------------------------------------


async def test_a_feed_is_followed_synced_and_unfollowed(core: Core, web: Web, feed: Feed) -> None:
    csrf = await web.login()
    followed = await web.client.post(
        f"{KNOWLEDGE}/feeds",
        data={"csrf": csrf, "action": "follow", "url": feed.url, "channel": "10"},
        allow_redirects=False,
    )
    assert followed.status == 303
    assert await core.knowledge.feeds(GUILD) == [(feed.url, 10)]
    page = await shown(await (await web.client.get(followed.headers["Location"])).text())
    assert texts.KB_FEED_FOLLOWED.format(url=feed.url, channel="#generale") in page
    assert "articoli 1 nuovi" in page  # the import's report
    assert "Calendario editoriale in 5 passi" in page  # the article, listed
    synced = await web.client.post(f"{KNOWLEDGE}/sync", data={"csrf": csrf})
    assert synced.status == 200
    assert "articoli 0 nuovi, 0 aggiornati, 1 invariati" in await shown(await synced.text())
    gone = await web.client.post(
        f"{KNOWLEDGE}/feeds", data={"csrf": csrf, "action": "unfollow", "url": feed.url}
    )
    assert texts.KB_FEED_UNFOLLOWED.format(url=feed.url) in await shown(await gone.text())
    assert await core.knowledge.feeds(GUILD) == []
    again = await web.client.post(
        f"{KNOWLEDGE}/feeds", data={"csrf": csrf, "action": "unfollow", "url": feed.url}
    )
    assert texts.KB_FEED_NOT_FOUND.format(url=feed.url) in await shown(await again.text())


@pytest.mark.parametrize(
    ("url", "channel", "said"),
    [
        ("ftp://blog.example.it/feed", "", str(texts.KB_FEED_NOT_HTTP)),
        ("", "", "Scrivi l'indirizzo del feed."),
        ("https://" + "x" * 500, "", "L'indirizzo del feed supera 500 caratteri."),
        ("FEED", "777", "canale degli annunci: nessun canale 777 in questo server."),
    ],
)
async def test_a_bad_feed_is_refused_and_not_followed(
    core: Core, web: Web, feed: Feed, url: str, channel: str, said: str
) -> None:
    csrf = await web.login()
    url = feed.url if url == "FEED" else url
    response = await web.client.post(
        f"{KNOWLEDGE}/feeds",
        data={"csrf": csrf, "action": "follow", "url": url, "channel": channel},
    )
    assert response.status == 400
    assert said in await shown(await response.text())
    assert await core.knowledge.feeds(GUILD) == []


async def test_a_feed_that_cannot_be_read_is_refused(core: Core, web: Web, feed: Feed) -> None:
    feed.status = 500
    csrf = await web.login()
    response = await web.client.post(
        f"{KNOWLEDGE}/feeds", data={"csrf": csrf, "action": "follow", "url": feed.url}
    )
    assert response.status == 400
    assert feed.url in await shown(await response.text())
    assert await core.knowledge.feeds(GUILD) == []


async def test_sync_without_sources_says_how_to_add_one(web: Web) -> None:
    csrf = await web.login()
    response = await web.client.post(f"{KNOWLEDGE}/sync", data={"csrf": csrf})
    assert response.status == 200
    assert str(texts.KB_SYNC_NO_SOURCES) in await shown(await response.text())


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("scrivere-titoli.md", ARTICLE, "Scrivere titoli: guida pratica"),
        ("faq.yaml", FAQ, "Dove si parcheggia per il meetup?"),
        ("export.xml", WXR, "Newsletter: il doppio opt-in"),
    ],
)
async def test_an_uploaded_file_is_imported_into_the_server(
    core: Core, web: Web, name: str, content: str, found: str
) -> None:
    csrf = await web.login()
    response = await web.client.post(f"{KNOWLEDGE}/import", data=upload(csrf, name, content))
    assert response.status == 200
    body = await shown(await response.text())
    assert "Importazione completata" in body
    assert found in body
    titles = [a.title for a in await core.knowledge.articles(GUILD)]
    questions = [f.question for f in await core.knowledge.faq_entries(GUILD, include_shared=False)]
    assert found in titles + questions
    assert found not in [a.title for a in await core.knowledge.articles(GUILD + 1)]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("faq.yaml", "- id: a\n  question: q?\n", "'answer' manca"),
        ("a.md", "title: senza front matter\n\ntesto", "manca il front matter YAML"),
        ("programma.exe", "MZ", "Importa un articolo Markdown (.md)"),
        ("faq.yaml", "x" * (UPLOAD_MAX_BYTES + 1), "Il file supera 1000 kB"),
    ],
)
async def test_a_bad_upload_gets_a_clear_error_and_writes_nothing(
    core: Core, web: Web, name: str, content: str, said: str
) -> None:
    csrf = await web.login()
    response = await web.client.post(f"{KNOWLEDGE}/import", data=upload(csrf, name, content))
    assert response.status == 400
    assert said in await shown(await response.text())
    assert await core.knowledge.articles(GUILD) == []
    assert await core.knowledge.faq_entries(GUILD, include_shared=False) == []


async def test_an_upload_larger_than_any_form_is_refused_in_words(core: Core, web: Web) -> None:
    csrf = await web.login()
    huge = upload(csrf, "faq.yaml", b"x" * (REQUEST_MAX_BYTES + 1))
    response = await web.client.post(f"{KNOWLEDGE}/import", data=huge)
    assert response.status == 413
    assert "Richiesta troppo grande" in await shown(await response.text())
    assert await core.knowledge.faq_entries(GUILD, include_shared=False) == []


async def test_no_file_chosen_is_said(web: Web) -> None:
    csrf = await web.login()
    response = await web.client.post(f"{KNOWLEDGE}/import", data={"csrf": csrf})
    assert response.status == 400
    assert "Scegli un file da importare." in await shown(await response.text())


async def test_knowledge_changes_without_permission_or_csrf_change_nothing(
    core: Core, web: Web, outsider: tuple[TestClient, str], feed: Feed
) -> None:
    client, token = outsider
    await web.login()
    for path, data in (
        (f"{KNOWLEDGE}/feeds", {"action": "follow", "url": feed.url}),
        (f"{KNOWLEDGE}/sync", {}),
    ):
        refused = await client.post(path, data={**data, "csrf": token})
        assert refused.status == 403, path
        no_token = await web.client.post(path, data=data)
        assert no_token.status == 403, path
    refused = await client.post(f"{KNOWLEDGE}/import", data=upload(token, "faq.yaml", FAQ))
    assert refused.status == 403
    form = FormData()
    form.add_field("file", FAQ.encode(), filename="faq.yaml")
    no_token = await web.client.post(f"{KNOWLEDGE}/import", data=form)
    assert no_token.status == 403
    assert await core.knowledge.feeds(GUILD) == []
    assert await core.knowledge.faq_entries(GUILD, include_shared=False) == []


async def test_without_channel_names_channels_are_taken_and_shown_by_id(core: Core) -> None:
    from bot.permissions import ConsoleModerator

    dashboard, links = make_web(core)
    dashboard.permissions = ConsoleModerator(GUILD, MODERATOR)  # knows no channel names
    async with TestClient(TestServer(dashboard.app())) as client:
        await client.get(f"/login/once?token={links.issue()}")
        page = await (await client.get(SETTINGS)).text()
        assert 'list="channels"' not in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        added = await client.post(
            f"{SETTINGS}/answers", data={"csrf": csrf.group(1), "channel": "555", "state": "on"}
        )
        assert added.status == 200
        assert texts.KB_ANSWER_CHANNEL_ON.format(channel="555") in await shown(await added.text())
    assert await core.knowledge.answer_channels(GUILD) == frozenset({555})
