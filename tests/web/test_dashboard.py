"""The dashboard in process: login, permission, CSRF, escaping, decisions, policy, stats."""

from __future__ import annotations

import asyncio
import html
import re

import pytest

from bot import i18n
from bot.core import Core
from bot.review import CONFIRMED, DISMISSED, PENDING, CaseChange
from bot.web.app import audit_detail
from tests.web.conftest import GUILD, MODERATOR, Web, make_web, open_case

HOSTILE = (
    "Mi fai gratis il logo? <script>alert(1)</script> <img src=x onerror=alert(2)> "
    "[clicca qui](https://evil.example) \u202eotisiv"
)


async def test_without_a_session_pages_send_to_the_login(web: Web) -> None:
    response = await web.client.get(f"/g/{GUILD}/queue", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/login"


async def test_a_one_time_link_works_once(web: Web) -> None:
    token = web.links.issue()
    first = await web.client.get(f"/login/once?token={token}", allow_redirects=False)
    assert first.status == 303
    cookie = first.cookies["rete_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    web.client.session.cookie_jar.clear()
    second = await web.client.get(f"/login/once?token={token}", allow_redirects=False)
    assert second.status == 403
    assert "rete_session" not in second.cookies


async def test_someone_who_may_not_moderate_gets_403_and_nothing_else(core: Core) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    case = await open_case(core, message_id=5)
    dashboard, links = make_web(core, user_id=MODERATOR + 1)  # not the console's moderator
    async with TestClient(TestServer(dashboard.app())) as client:
        await client.get(f"/login/once?token={links.issue()}")
        for path in (f"/g/{GUILD}/queue", f"/g/{GUILD}/case/{case.case_id}", f"/g/{GUILD}/policy"):
            response = await client.get(path)
            assert response.status == 403, path
            body = await response.text()
            assert case.text is not None
            assert "gratis" not in body


async def test_only_the_queue_poll_may_rest_on_a_recent_permission(core: Core) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.permissions import ConsoleModerator
    from bot.web.app import POLL_PERMISSION_SECONDS

    asked: list[tuple[str, float]] = []
    path = ""

    class Recording(ConsoleModerator):
        async def can_moderate(self, guild_id: int, user_id: int, *, within: float = 0.0) -> bool:
            asked.append((path, within))
            return await super().can_moderate(guild_id, user_id)

    dashboard, links = make_web(core)
    dashboard.permissions = Recording(GUILD, MODERATOR)
    async with TestClient(TestServer(dashboard.app())) as client:
        await client.get(f"/login/once?token={links.issue()}")
        page = await (await client.get(f"/g/{GUILD}/queue")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        for path in ("/queue", "/queue/rows", "/policy", "/stats"):
            asked.clear()
            response = await client.get(f"/g/{GUILD}{path}")
            assert response.status == 200, path
            expected = POLL_PERMISSION_SECONDS if path == "/queue/rows" else 0.0
            assert asked == [(path, expected)], path
        path = "/policy/test"
        asked.clear()
        response = await client.post(
            f"/g/{GUILD}/policy/test", data={"csrf": csrf.group(1), "text": "ciao"}
        )
        assert response.status == 200
        assert asked == [(path, 0.0)]


async def test_logging_out_ends_a_copied_session_too(web: Web) -> None:
    csrf = await web.login()
    copied = web.client.session.cookie_jar.filter_cookies(web.client.make_url("/"))
    cookie = copied["rete_session"].value
    web.client.session.cookie_jar.clear()
    stolen = await web.client.get(
        f"/g/{GUILD}/queue", cookies={"rete_session": cookie}, allow_redirects=False
    )
    assert stolen.status == 200  # a copied cookie works until its owner logs out
    web.client.session.cookie_jar.clear()
    out = await web.client.post(
        "/logout", data={"csrf": csrf}, cookies={"rete_session": cookie}, allow_redirects=False
    )
    assert out.status == 303
    web.client.session.cookie_jar.clear()
    after = await web.client.get(
        f"/g/{GUILD}/queue", cookies={"rete_session": cookie}, allow_redirects=False
    )
    assert after.status == 303
    assert after.headers["Location"] == "/login"
    refused = await web.client.post(
        f"/g/{GUILD}/policy/test",
        data={"csrf": csrf, "text": "ciao"},
        cookies={"rete_session": cookie},
    )
    assert refused.status == 403  # nor can it change anything
    await web.login()  # a new login after the logout is a new session
    assert (await web.client.get(f"/g/{GUILD}/queue")).status == 200


async def test_every_answer_carries_a_strict_csp(web: Web) -> None:
    await web.login()
    response = await web.client.get(f"/g/{GUILD}/queue")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    body = await response.text()
    assert " style=" not in body
    assert "<script>" not in body.replace('<script src="/static/htmx.min.js" defer></script>', "")


async def test_a_hostile_message_renders_inert(core: Core, web: Web) -> None:
    case = await open_case(core, HOSTILE, message_id=6)
    await web.login()
    for path in (f"/g/{GUILD}/queue", f"/g/{GUILD}/case/{case.case_id}"):
        body = await (await web.client.get(path)).text()
        assert "<script>alert" not in body, path
        assert "<img src=x" not in body, path
        assert "<mark>gratis</mark>" in body  # the matched word, highlighted
        body = body.replace("<mark>", "").replace("</mark>", "")  # matches cut the text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "&lt;img src=x onerror=alert(2)&gt;" in body
        assert 'href="https://evil.example"' not in body
        assert "[U+202E]otisiv" in body
        assert "\u202e" not in body


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    core: Core, web: Web
) -> None:
    case = await open_case(core, message_id=7)
    await web.login()
    response = await web.client.post(
        f"/g/{GUILD}/case/{case.case_id}", data={"action": "dismiss"}, allow_redirects=False
    )
    assert response.status == 403
    wrong = await web.client.post(
        f"/g/{GUILD}/case/{case.case_id}",
        data={"action": "dismiss", "csrf": "forged"},
        allow_redirects=False,
    )
    assert wrong.status == 403
    stored = await core.review.get(GUILD, case.case_id)
    assert stored is not None
    assert stored.status == PENDING


async def test_confirm_on_the_web_is_the_core_decision_with_the_actor(core: Core, web: Web) -> None:
    case = await open_case(core, message_id=8)
    changes: list[CaseChange] = []

    async def listen(change: CaseChange) -> None:
        changes.append(change)

    core.review.subscribe(listen)
    csrf = await web.login()
    response = await web.client.post(
        f"/g/{GUILD}/case/{case.case_id}",
        data={"action": "confirm", "delete": "on", "timeout_s": "600", "csrf": csrf},
        allow_redirects=False,
    )
    assert response.status == 303
    shown = await (await web.client.get(response.headers["Location"])).text()
    assert f"Caso #{case.case_id}: confermato." in shown
    stored = await core.review.get(GUILD, case.case_id)
    assert stored is not None
    assert stored.status == CONFIRMED
    assert stored.decided_by == MODERATOR
    assert stored.decision is not None
    assert stored.decision.delete_message
    assert stored.decision.timeout_s == 600
    audit = await core.review.audit(GUILD, case.case_id)
    assert [(a.action, a.actor_id) for a in audit][-1] == (CONFIRMED, MODERATOR)
    assert [(c.case.case_id, c.action, c.origin, c.actor_id) for c in changes] == [
        (case.case_id, "confirm", "web", MODERATOR)
    ]


async def test_two_decisions_at_once_make_one(core: Core, web: Web) -> None:
    case = await open_case(core, message_id=9)
    csrf = await web.login()

    async def post(action: str) -> str:
        response = await web.client.post(
            f"/g/{GUILD}/case/{case.case_id}", data={"action": action, "csrf": csrf}
        )
        page = await response.text()
        return "late" if "un altro moderatore ha già deciso" in page else "applied"

    outcomes = await asyncio.gather(post("dismiss"), post("confirm"))
    assert sorted(outcomes) == ["applied", "late"]
    stored = await core.review.get(GUILD, case.case_id)
    assert stored is not None
    assert stored.status in (CONFIRMED, DISMISSED)


async def test_bad_input_gets_a_clear_error(core: Core, web: Web) -> None:
    case = await open_case(core, message_id=10)
    csrf = await web.login()
    response = await web.client.post(
        f"/g/{GUILD}/case/{case.case_id}",
        data={"action": "confirm", "timeout_s": "12345", "csrf": csrf},
    )
    assert response.status == 400
    assert "timeout" in (await response.text()).lower()
    body = await (await web.client.get(f"/g/{GUILD}/queue?from=ieri&member=mario")).text()
    assert "non è una data" in body
    assert "non è un id" in body
    stored = await core.review.get(GUILD, case.case_id)
    assert stored is not None
    assert stored.status == PENDING


async def test_the_queue_filters_newest_first_and_pages(core: Core, web: Web) -> None:
    for n in range(1, 56):
        await open_case(core, message_id=100 + n, author_id=400 + n % 2, channel_id=20 + n % 3)
    await web.login()
    body = await (await web.client.get(f"/g/{GUILD}/queue")).text()
    assert "55 casi · da #55 a #6<" in body
    first = body.index("Caso #55")
    assert first < body.index("Caso #54")
    assert "Caso #5<" not in body
    older = re.search(r'href="\?([^"]*before=6)" rel="next"', body)
    assert older, "a link to the older cases"
    assert 'rel="prev"' not in body
    page2 = await (await web.client.get(f"/g/{GUILD}/queue?{html.unescape(older.group(1))}")).text()
    assert "Caso #5<" in page2
    assert "Caso #55" not in page2
    assert 'rel="next"' not in page2
    back = re.search(r'href="\?([^"]*after=5)" rel="prev"', page2)
    assert back, "a link back to the newer cases"
    again = await (await web.client.get(f"/g/{GUILD}/queue?{html.unescape(back.group(1))}")).text()
    assert "da #55 a #6<" in again
    member = await (await web.client.get(f"/g/{GUILD}/queue?member=401")).text()
    assert "28 casi" in member
    channel = await (await web.client.get(f"/g/{GUILD}/queue?channel=20&member=401")).text()
    assert "9 casi" in channel
    rows = await (await web.client.get(f"/g/{GUILD}/queue/rows?status=dismissed")).text()
    assert rows.startswith('<section id="rows"')
    assert "0 casi" in rows


async def test_the_policy_test_box_explains_rule_by_rule(web: Web) -> None:
    csrf = await web.login()
    body = await (
        await web.client.post(
            f"/g/{GUILD}/policy/test", data={"text": "mi fai gratis il logo?", "csrf": csrf}
        )
    ).text()
    assert 'id="test-result"' in body
    assert "«gratis»" in body.replace("&#171;", "«").replace("&#187;", "»")


async def test_a_policy_edit_is_validated_diffed_and_applied_by_version(
    core: Core, web: Web
) -> None:
    csrf = await web.login()
    before = core.policy.version(GUILD)
    bad = await web.client.post(
        f"/g/{GUILD}/policy/preview", data={"yaml": "threshold: -3\nrules: 7\n", "csrf": csrf}
    )
    assert bad.status == 400
    assert "non è valida" in await bad.text()
    current = core.policy.export_yaml(GUILD)
    edited = current.replace("threshold: 1.0", "threshold: 1.5", 1)
    assert edited != current
    preview = await web.client.post(
        f"/g/{GUILD}/policy/preview", data={"yaml": edited, "csrf": csrf}
    )
    text = await preview.text()
    assert preview.status == 200
    assert "+threshold: 1.5" in text
    assert "-threshold: 1.0" in text
    assert core.policy.version(GUILD) == before  # nothing saved by a preview
    stale = await web.client.post(
        f"/g/{GUILD}/policy/apply",
        data={"yaml": edited, "base_version": str(before - 1), "csrf": csrf},
    )
    assert stale.status == 409
    applied = await web.client.post(
        f"/g/{GUILD}/policy/apply",
        data={"yaml": edited, "base_version": str(before), "csrf": csrf},
        allow_redirects=False,
    )
    assert applied.status == 303
    spec = core.policy.spec(GUILD)
    assert spec is not None
    assert spec.threshold == 1.5
    assert spec.version == before + 1
    history = await core.policy.history(GUILD)
    assert history[0].actor_id == MODERATOR
    export = await web.client.get(f"/g/{GUILD}/policy/export")
    assert "threshold: 1.5" in await export.text()


async def test_stats_draw_svg_and_give_csv(core: Core, web: Web) -> None:
    case = await open_case(core, message_id=11)
    await core.review.dismiss(GUILD, case.case_id, MODERATOR, case.created_at + 1)
    await web.login()
    body = await (await web.client.get(f"/g/{GUILD}/stats")).text()
    assert body.count('<svg role="img"') >= 3
    csv = await (await web.client.get(f"/g/{GUILD}/stats/decisions.csv")).text()
    lines = csv.splitlines()
    assert lines[0] == "regola,confermati,archiviati"
    assert any(line.endswith(",0,1") for line in lines[1:])
    missing = await web.client.get(f"/g/{GUILD}/stats/nope.csv")
    assert missing.status == 404


async def test_a_version_is_rolled_back_to_as_a_new_version(core: Core, web: Web) -> None:
    csrf = await web.login()
    first = core.policy.version(GUILD)
    current = core.policy.export_yaml(GUILD)
    await core.policy.import_yaml(
        GUILD, current.replace("threshold: 1.0", "threshold: 1.4", 1), MODERATOR
    )
    assert core.policy.spec(GUILD).threshold == 1.4  # type: ignore[union-attr]
    page = await (await web.client.get(f"/g/{GUILD}/policy")).text()
    assert f"Ripristina v{first}" in page
    done = await web.client.post(
        f"/g/{GUILD}/policy/rollback",
        data={"version": str(first), "csrf": csrf},
        allow_redirects=False,
    )
    assert done.status == 303
    spec = core.policy.spec(GUILD)
    assert spec is not None
    assert spec.threshold == 1.0
    assert spec.version == first + 2
    latest = (await core.policy.history(GUILD))[0]
    assert (latest.action, latest.actor_id, latest.detail) == (
        "rollback",
        MODERATOR,
        f"alla v{first}",
    )
    missing = await web.client.post(
        f"/g/{GUILD}/policy/rollback", data={"version": "999", "csrf": csrf}
    )
    assert missing.status == 400
    assert "non è stata conservata" in await missing.text()


async def test_faq_entries_are_added_edited_and_removed_with_discord_s_validation(
    core: Core, web: Web
) -> None:
    csrf = await web.login()
    too_long = await web.client.post(
        f"/g/{GUILD}/knowledge/faq",
        data={"question": "x" * 301, "answer": "risposta", "csrf": csrf},
    )
    assert too_long.status == 400
    assert "«domanda» ha 301 caratteri, al massimo 300" in await too_long.text()
    assert await core.knowledge.faq_entries(GUILD, include_shared=False) == []
    added = await web.client.post(
        f"/g/{GUILD}/knowledge/faq",
        data={
            "question": "Quanto costa il corso <b>base</b>?",
            "answer": "Costa 100 euro.",
            "variants": "prezzo del corso base\n\n",
            "csrf": csrf,
        },
        allow_redirects=False,
    )
    assert added.status == 303
    (entry,) = await core.knowledge.faq_entries(GUILD, include_shared=False)
    assert entry.variants == ("prezzo del corso base",)
    assert entry.origin  # the moderator is recorded as its author
    page = await (await web.client.get(f"/g/{GUILD}/knowledge")).text()
    assert "Quanto costa il corso &lt;b&gt;base&lt;/b&gt;?" in page
    edited = await web.client.post(
        f"/g/{GUILD}/knowledge/faq/{entry.key}",
        data={"action": "edit", "question": entry.question, "answer": "Ora 90.", "csrf": csrf},
        allow_redirects=False,
    )
    assert edited.status == 303
    changed = await core.knowledge.faq_entry(GUILD, entry.key)
    assert changed is not None
    assert changed.answer == "Ora 90."
    removed = await web.client.post(
        f"/g/{GUILD}/knowledge/faq/{entry.key}",
        data={"action": "delete", "csrf": csrf},
        allow_redirects=False,
    )
    assert removed.status == 303
    assert await core.knowledge.faq_entries(GUILD, include_shared=False) == []


async def test_a_faq_removed_on_the_web_is_listed_and_restored(core: Core, web: Web) -> None:
    csrf = await web.login()
    entry = await core.knowledge.add_faq(GUILD, "C'è il wifi in <b>aula</b>?", "Sì, chiedi.")
    removed = await web.client.post(
        f"/g/{GUILD}/knowledge/faq/{entry.key}",
        data={"action": "delete", "csrf": csrf},
        allow_redirects=False,
    )
    assert removed.status == 303
    (version,) = await core.knowledge.faq_history(GUILD)
    assert version.changed_by_id == MODERATOR  # who removed it, from the session
    page = await (await web.client.get(f"/g/{GUILD}/knowledge")).text()
    assert f'id="version-{version.version_id}"' in page
    assert "C&#39;è il wifi in &lt;b&gt;aula&lt;/b&gt;?" in page  # escaped, shown as written
    assert "<b>aula</b>" not in page
    refused = await web.client.post(f"/g/{GUILD}/knowledge/restore/{version.version_id}")
    assert refused.status == 403  # no CSRF token
    assert await core.knowledge.own_faq_entry(GUILD, entry.key) is None
    restored = await web.client.post(
        f"/g/{GUILD}/knowledge/restore/{version.version_id}",
        data={"csrf": csrf},
        allow_redirects=False,
    )
    assert restored.status == 303
    back = await core.knowledge.own_faq_entry(GUILD, entry.key)
    assert back is not None
    assert back.answer == "Sì, chiedi."
    unknown = await web.client.post(f"/g/{GUILD}/knowledge/restore/999999", data={"csrf": csrf})
    assert unknown.status == 400
    assert "999999" in await unknown.text()


async def test_unanswered_questions_are_listed_escaped_and_dismissed(core: Core, web: Web) -> None:
    asked = await core.knowledge.learning.ask(
        "<script>x</script> come si pota un bonsai di ulivo?", GUILD, author_id=300
    )
    assert asked.answer is None
    page = await core.knowledge.learning.unanswered(GUILD)
    (item,) = page.items
    csrf = await web.login()
    body = await (await web.client.get(f"/g/{GUILD}/knowledge")).text()
    assert "&lt;script&gt;x&lt;/script&gt; come si pota" in body
    assert "<script>x" not in body
    done = await web.client.post(
        f"/g/{GUILD}/knowledge/unanswered/{item.item_id}",
        data={"action": "dismiss", "csrf": csrf},
        allow_redirects=False,
    )
    assert done.status == 303
    assert (await core.knowledge.learning.unanswered(GUILD)).total == 0
    late = await web.client.post(
        f"/g/{GUILD}/knowledge/unanswered/{item.item_id}",
        data={"action": "dismiss", "csrf": csrf},
    )
    assert late.status == 200
    assert f"Domanda #{item.item_id}: già deciso da un altro moderatore." in await late.text()


async def test_a_message_in_a_link_made_elsewhere_is_not_shown(web: Web) -> None:
    await web.login()
    body = await (await web.client.get(f"/g/{GUILD}/queue?msg=Account+sospeso")).text()
    assert "Account sospeso" not in body


async def test_the_case_page_shows_the_audit_trail_the_appeal_and_earlier_cases(
    core: Core, web: Web
) -> None:
    earlier = await open_case(core, message_id=20, author_id=321)
    case = await open_case(core, message_id=21, author_id=321)
    other = await open_case(core, message_id=22, author_id=999)
    await core.review.confirm(GUILD, case.case_id, MODERATOR, case.created_at + 1)
    appealed = await core.review.appeal(
        case.case_id, 321, "Non chiedevo gratis <i>davvero</i>", case.created_at + 2
    )
    assert appealed.applied
    await web.login()
    body = await (await web.client.get(f"/g/{GUILD}/case/{case.case_id}")).text()
    assert "Non chiedevo gratis &lt;i&gt;davvero&lt;/i&gt;" in body
    trail = body[body.index("Cronologia") :]
    for action, said in (
        ("opened", "aperto"),
        ("confirmed", "confermato"),
        ("appealed", "ricorso"),
    ):
        assert f'<td data-action="{action}">{said}</td>' in trail, action
    assert f"<td>{MODERATOR}</td>" in trail
    # the details in words, not the JSON the store keeps
    assert f"<td>{len('Non chiedevo gratis <i>davvero</i>')} caratteri</td>" in trail
    assert "{&#34;" not in trail
    assert '{"' not in trail
    past = body[body.index("Casi precedenti") :]
    assert f"Caso #{earlier.case_id}<" in past
    assert f"Caso #{other.case_id}<" not in past
    missing = await web.client.get(f"/g/{GUILD}/case/99999")
    assert missing.status == 404


@pytest.mark.parametrize(
    ("lang", "detail", "said"),
    [
        (
            "it",
            '{"score": 2.6934, "signature": "x1", "reopened": true}',
            "punteggio 2.69, riaperto",
        ),
        ("en", '{"delete_message": true, "timeout_s": 3600}', "with the message to delete"),
        ("en", '{"ok": false, "seconds": 86400}', "failed, of 1 day"),
        ("it", '{"reopened": false, "timeout_s": 0}', ""),
        ("it", '{"new_key": 3}', "new_key: 3"),  # a key the page does not know yet, as stored
        ("it", "not json", "not json"),
    ],
)
def test_audit_details_are_put_into_words(lang: str, detail: str, said: str) -> None:
    with i18n.using(lang):
        assert audit_detail(detail).startswith(said) if said else audit_detail(detail) == ""
