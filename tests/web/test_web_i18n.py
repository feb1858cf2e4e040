"""The dashboard in Italian and in English: every page reads in the request's language (the
switch's cookie, else the browser's Accept-Language, else the server's language), with no
catalogued text of the other language left outside quoted content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from bot import i18n
from bot.core import Core
from tests.web.conftest import GUILD, MODERATOR, Web, open_case

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9,it;q=0.5"}
ITALIAN = {"Accept-Language": "it-IT,it;q=0.9,en;q=0.8"}
HEADERS = {"en": ENGLISH, "it": ITALIAN}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]|%[sd]")


class _Visible(HTMLParser):
    """The text a person reads on a page (and the labels a screen reader says), leaving out
    what is quoted as it was written: elements marked translate="no" (members' messages, FAQ
    entries, rule names, audit details), elements in another language than the page's (lang),
    form fields' contents, scripts."""

    _VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})
    _SKIP = frozenset({"textarea", "script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[bool] = []  # for each open element: is its content skipped
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        skipped = bool(self._stack and self._stack[-1])
        skipped = skipped or values.get("translate") == "no" or tag in self._SKIP
        # An element in another language says so (the switch's "English" on an Italian page).
        skipped = skipped or values.get("lang", self.lang) != self.lang
        if not skipped:
            for name in ("aria-label", "title", "alt", "placeholder"):
                if values.get(name):
                    self.parts.append(str(values[name]))
        if tag not in self._VOID:
            self._stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self._stack and self._stack[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _pattern(text: str) -> re.Pattern[str] | None:
    """A catalogued text as a regular expression (its placeholders match anything), or None
    when its own words are too few to say which language it is in."""
    pieces = _PLACEHOLDER.split(" ".join(text.split()))
    if sum(c.isalpha() for c in "".join(pieces)) < 2:
        return None
    body = "[^\x00]+?".join(re.escape(p) for p in pieces)
    start = r"\b" if text[:1].isalnum() else ""
    end = r"\b" if text[-1:].isalnum() else ""
    return re.compile(start + body + end)


def _longest(text: str) -> str:
    """The longest piece of a text between its placeholders (a quick test before the regex)."""
    return max(_PLACEHOLDER.split(" ".join(text.split())), key=len)


def foreign_texts(lang: i18n.Lang) -> list[tuple[str, re.Pattern[str]]]:
    """The other language's catalogued texts that would be out of place in `lang`: those that
    differ between the languages and are no part of any text of `lang` itself ("link" is
    Italian and English)."""
    other: i18n.Lang = "en" if lang == "it" else "it"
    mine = "\x00".join(form for entry in i18n.catalog(lang).values() for form in _forms(entry))
    theirs = i18n.catalog(other)
    out = []
    for key, entry in theirs.items():
        own = i18n.catalog(lang).get(key)
        for form in _forms(entry):
            if own is not None and form in _forms(own):
                continue  # the same words in both languages ("Policy", "FAQ", "timeout")
            pattern = _pattern(form)
            if pattern is not None and not (_longest(form) in mine and pattern.search(mine)):
                out.append((form, pattern))
    return out


@pytest.fixture(scope="module")
def foreign() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    return {lang: foreign_texts(lang) for lang in i18n.LANGUAGES}


async def _data(core: Core) -> dict[str, int]:
    """A server with something on every page: open and decided cases, an FAQ entry that
    answered and got a 👎, a question without an answer."""
    open_one = await open_case(core, message_id=40)
    decided = await open_case(core, message_id=41, author_id=300)
    await core.review.confirm(GUILD, decided.case_id, MODERATOR, decided.created_at + 1)
    await core.review.appeal(decided.case_id, 300, "Non chiedevo gratis", decided.created_at + 2)
    learning = core.knowledge.learning
    await core.knowledge.add_faq(
        GUILD,
        "Quanto costa il percorso completo?",
        "Trovi i prezzi nella pagina corsi.",
        author_id=MODERATOR,
    )
    asked = await learning.ask("Quanto costa il percorso completo?", GUILD, author_id=300)
    if asked.answer_id is not None:
        await learning.vote(GUILD, asked.answer_id, 301, helpful=False)
    await learning.ask("come si pota un bonsai di ulivo?", GUILD, author_id=300)
    return {"open": open_one.case_id, "decided": decided.case_id}


async def _pages(web: Web, lang: i18n.Lang, cases: dict[str, int]) -> Iterator[tuple[str, str]]:
    headers = HEADERS[lang]
    web.client.session.cookie_jar.clear()
    login = await web.client.get("/login", headers=headers)
    pages = [("/login", await login.text())]
    csrf = await web.login()
    gets = [
        "/",
        f"/g/{GUILD}/queue",
        f"/g/{GUILD}/queue?status=all",
        f"/g/{GUILD}/queue?status=nope&channel=abc&from=ieri",
        f"/g/{GUILD}/queue/rows",
        f"/g/{GUILD}/case/{cases['open']}",
        f"/g/{GUILD}/case/{cases['decided']}",
        f"/g/{GUILD}/case/99999",
        f"/g/{GUILD}/policy",
        f"/g/{GUILD}/knowledge",
        f"/g/{GUILD}/stats",
        f"/g/{GUILD}/settings",
    ]
    for path in gets:
        response = await web.client.get(path, headers=headers)
        pages.append((path, await response.text()))
    policy = f"/g/{GUILD}/policy"
    yaml = (await (await web.client.get(f"{policy}/export")).text()).replace(
        "threshold: 1.0", "threshold: 1.3", 1
    )
    posts = [
        (f"{policy}/test", {"text": "mi fai gratis il logo?"}),
        (f"{policy}/preview", {"yaml": yaml}),
        (f"{policy}/preview", {"yaml": "threshold: -3\nrules: 7\n"}),
        (
            f"/g/{GUILD}/settings",
            {"review_channel": "abc", "nudge_mode": "x", "retention_days": "0", "language": "fr"},
        ),
        (f"/g/{GUILD}/settings/learn", {"action": "preview"}),  # too few decisions
        (f"/g/{GUILD}/settings/answers", {"channel": "404", "state": "on"}),
        (f"/g/{GUILD}/knowledge/feeds", {"action": "follow", "url": "ftp://blog.example.it"}),
        (f"/g/{GUILD}/knowledge/import", {}),  # no file chosen
    ]
    for path, data in posts:
        response = await web.client.post(path, data={**data, "csrf": csrf}, headers=headers)
        pages.append((path, await response.text()))
    refused = await web.client.post(f"/g/{GUILD}/case/{cases['open']}", headers=headers)
    pages.append(("a POST without CSRF token", await refused.text()))
    return iter(pages)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
async def test_every_page_reads_in_the_requested_language(
    core: Core, web: Web, lang: i18n.Lang, foreign: dict[str, list[tuple[str, re.Pattern[str]]]]
) -> None:
    cases = await _data(core)
    seen = 0
    for path, html in await _pages(web, lang, cases):
        if not path.endswith("/rows"):  # the queue's rows alone are a fragment for htmx
            assert f'<html lang="{lang}">' in html, path
        else:
            html = f'<html lang="{lang}">{html}</html>'
        text = visible_text(html)
        found = sorted(
            {
                form
                for form, pattern in foreign[lang]
                if _longest(form) in text and pattern.search(text)
            }
        )
        assert found == [], f"{path}: {found}"
        seen += 1
    assert seen == 22


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("it", ("Coda di revisione", "Prendo io", "elimina il messaggio", "1 caso")),
        ("en", ("Review queue", "I'll take it", "delete the message", "1 case")),
    ],
)
async def test_the_queue_in_each_language(
    core: Core, web: Web, lang: i18n.Lang, words: tuple[str, ...]
) -> None:
    await open_case(core, message_id=50)
    await web.login()
    body = await (await web.client.get(f"/g/{GUILD}/queue", headers=HEADERS[lang])).text()
    for word in words:
        assert word in body


@pytest.mark.parametrize(
    ("lang", "header"),
    [("it", "giorno,casi"), ("en", "day,cases")],
)
async def test_csv_headers_are_in_the_requested_language(
    core: Core, web: Web, lang: i18n.Lang, header: str
) -> None:
    await open_case(core, message_id=51)
    await web.login()
    response = await web.client.get(f"/g/{GUILD}/stats/flags.csv", headers=HEADERS[lang])
    assert (await response.text()).splitlines()[0] == header


async def test_the_switch_keeps_the_choice_over_the_browser_and_the_server(
    core: Core, web: Web
) -> None:
    await web.login()
    queue = f"/g/{GUILD}/queue"
    page = await (await web.client.get(queue, headers=ITALIAN)).text()
    assert '<a href="/lang/en?next=%2Fg%2F1%2Fqueue"' in page  # the switch, back to this page
    switched = await web.client.get(f"/lang/en?next={queue}", allow_redirects=False)
    assert switched.status == 303
    assert switched.headers["Location"] == queue
    cookie = switched.cookies["rete_lang"]
    assert cookie.value == "en"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # The choice wins over an Italian browser and over the server's Italian.
    page = await (await web.client.get(queue, headers=ITALIAN)).text()
    assert '<html lang="en">' in page
    assert "Review queue" in page
    await web.client.get("/lang/it")
    page = await (await web.client.get(queue, headers=ENGLISH)).text()
    assert '<html lang="it">' in page
    assert "Coda di revisione" in page


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "\\\\evil"])
async def test_the_switch_goes_back_only_to_the_dashboard(web: Web, target: str) -> None:
    response = await web.client.get("/lang/en", params={"next": target}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/"


async def test_an_unknown_language_is_not_found(web: Web) -> None:
    response = await web.client.get("/lang/de", allow_redirects=False)
    assert response.status == 404
    assert "rete_lang" not in response.cookies


@pytest.mark.parametrize(
    ("browser", "server", "lang"),
    [
        (None, "it", "it"),
        (None, "en", "en"),
        ("de-DE,de;q=0.9", "en", "en"),  # neither Italian nor English: the server's
        ("de-DE,de;q=0.9", "it", "it"),
        ("en-US,en;q=0.9", "it", "en"),  # the browser's wins over the server's
        ("it-IT", "en", "it"),
        ("de,en;q=0.5,it;q=0.8", "en", "it"),  # by quality, not by order
    ],
)
async def test_without_a_choice_the_browser_then_the_server(
    core: Core, web: Web, browser: str | None, server: i18n.Lang, lang: i18n.Lang
) -> None:
    await core.review.update_settings(GUILD, language=server)
    await web.login()
    headers = {"Accept-Language": browser} if browser else {}
    page = await (await web.client.get(f"/g/{GUILD}/policy", headers=headers)).text()
    assert f'<html lang="{lang}">' in page


async def test_a_flash_message_reads_in_the_language_of_the_decision(core: Core, web: Web) -> None:
    case = await open_case(core, message_id=52)
    csrf = await web.login()
    response = await web.client.post(
        f"/g/{GUILD}/case/{case.case_id}",
        data={"action": "dismiss", "csrf": csrf},
        headers=ENGLISH,
    )
    body = await response.text()
    assert f"Case #{case.case_id}: dismissed." in body


def test_the_scan_sees_only_what_is_not_quoted() -> None:
    html = (
        '<html lang="en"><body><p>Hello <b>there</b></p><blockquote translate="no">'
        "<mark>Caso</mark> quoted</blockquote><textarea>typed</textarea>"
        '<button aria-label="Ripristina la versione 3">x</button><br><p>after</p></body></html>'
    )
    assert visible_text(html) == "Hello there Ripristina la versione 3 x after"
    italian = dict(foreign_texts("en"))
    assert any(p.search("Ripristina la versione 3") for p in italian.values())
    assert not any(p.search("Hello there x after") for p in italian.values())


@pytest.mark.parametrize(
    ("headers", "text"),
    [({}, "Questa pagina non esiste."), (ENGLISH, "This page does not exist.")],
)
async def test_a_missing_page_is_answered_in_the_readers_language(
    web: Web, headers: dict[str, str], text: str
) -> None:
    for path in ("/nope", f"/g/{GUILD}/stats/nope.csv"):
        await web.login()
        response = await web.client.get(path, headers=headers)
        assert response.status == 404, path
        body = await response.text()
        assert text in body, path
        assert "Not Found" not in body, path


async def test_a_method_a_page_does_not_take_is_answered_in_the_readers_language(
    web: Web,
) -> None:
    response = await web.client.get("/logout", headers=ENGLISH)  # a form posts it
    assert response.status == 405
    assert "POST" in response.headers["Allow"]
    assert "This page does not take this request." in await response.text()
