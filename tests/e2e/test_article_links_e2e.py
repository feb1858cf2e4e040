"""Article links in embeds, end to end: relative links from feeds, WordPress exports and pages
are made absolute at import (or dropped), and an older database holding a relative link still
gets /ask and /excerpt answered. The fake Discord refuses embed links as Discord does (50035
URL_TYPE_INVALID_SCHEME), so a relative link would fail the reply."""

from __future__ import annotations

from typing import Any

from bot.knowledge.markup import Passage
from bot.knowledge.models import ArticleDoc, Batch
from tests.e2e.harness import ReteHarness
from tests.fakediscord import FakeDiscord
from tests.fakediscord import rules as discord_rules

TEXT = (
    "Il calendario editoriale della redazione di quartiere raccoglie le uscite del mese: "
    "ogni lunedì si decide chi scrive la rubrica sulle biciclette cargo e chi la rassegna "
    "delle botteghe storiche."
)

FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Quartiere</title><link>https://quartiere.example.it/</link>
<item><title>Biciclette cargo in redazione</title><link>/rubriche/biciclette-cargo/</link>
<description>{TEXT}</description></item>
<item><title>Botteghe storiche del rione</title><link>javascript:alert(1)</link>
<description>Le botteghe storiche del rione raccontate dai loro titolari, una per settimana,
con le foto dei banconi di legno e delle insegne dipinte a mano.</description></item>
</channel></rss>""".encode()

WXR = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Quartiere</title><link>https://wp.quartiere.example.it/blog/</link>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>Mercato contadino</title><link>mercato-contadino/</link>
<wp:post_name>mercato-contadino</wp:post_name><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status>
<content:encoded><![CDATA[<p>Il mercato contadino del sabato porta in piazza formaggi di
malga, miele di castagno e pane cotto a legna dalle valli vicine.</p>]]></content:encoded>
</item></channel></rss>"""

PAGE = b"""<!doctype html><html><head><title>Orti urbani</title>
<link rel="canonical" href="/orti-urbani/"></head><body><article><h1>Orti urbani</h1>
<p>Gli orti urbani del parco nord assegnano le parcelle ogni primavera: la graduatoria premia
chi coltiva con le scuole del quartiere e chi cura le aiuole comuni.</p></article></body></html>"""


def embed_of(reply: Any) -> dict[str, Any]:
    (embed,) = reply.embeds
    return dict(embed)


def refused_for_scheme(fake: FakeDiscord) -> list[str]:
    return [
        v.detail
        for v in fake.violations
        if any(p.code == "URL_TYPE_INVALID_SCHEME" for p in v.call.problems)
    ]


async def test_the_fake_refuses_a_relative_embed_link_as_discord_does() -> None:
    embed = {"title": "x", "url": "/rubriche/biciclette-cargo/"}
    problems = discord_rules.check_message({"embeds": [embed]})
    assert [(p.where, p.code) for p in problems] == [("embeds.0.url", "URL_TYPE_INVALID_SCHEME")]
    for good in ("https://a.example/x", "http://a.example", "attachment://logo.png"):
        assert discord_rules.check_message({"embeds": [{"title": "x", "url": good}]}) == []
    author = {"title": "x", "author": {"name": "a", "url": "mailto:a@b.c"}}
    assert discord_rules.check_message({"embeds": [author]})[0].code == "URL_TYPE_INVALID_SCHEME"


async def test_relative_feed_links_are_made_absolute(rete: ReteHarness, fake: FakeDiscord) -> None:
    guild = fake.guild.id
    await rete.core.knowledge.import_file("quartiere.xml", FEED, guild)
    it = await fake.slash(
        fake.regular, "excerpt", {"query": "biciclette cargo", "article": "biciclette-cargo"}
    )
    embed = embed_of(await it.reply())
    assert embed["url"] == "https://quartiere.example.it/rubriche/biciclette-cargo/"
    # A javascript: link cannot be made an http(s) address: the article stays, without link.
    it = await fake.slash(fake.regular, "excerpt", {"query": "botteghe", "article": "Botteghe"})
    embed = embed_of(await it.reply())
    assert "url" not in embed
    assert embed["title"] == "Botteghe storiche del rione"
    assert refused_for_scheme(fake) == []


async def test_wordpress_and_page_links_are_made_absolute(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    guild = fake.guild.id
    await rete.core.knowledge.import_file("export.xml", WXR, guild)
    batch = await rete.core.knowledge._in_thread(
        _page_batch, "https://orti.example.it/notizie/orti.html"
    )
    await rete.core.knowledge.write(batch, guild)
    it = await fake.slash(
        fake.regular, "excerpt", {"query": "formaggi", "article": "mercato-contadino"}
    )
    assert embed_of(await it.reply())["url"] == (
        "https://wp.quartiere.example.it/blog/mercato-contadino/"
    )
    it = await fake.slash(fake.regular, "excerpt", {"query": "parcelle", "article": "Orti urbani"})
    assert embed_of(await it.reply())["url"] == "https://orti.example.it/orti-urbani/"


def _page_batch(url: str) -> Batch:
    from bot.knowledge import ingest

    return ingest.parse_bytes(url, PAGE, url=url)


async def test_an_article_stored_with_a_relative_link_still_answers(
    rete: ReteHarness, fake: FakeDiscord
) -> None:
    # What an older Rete stored: the link exactly as the feed had it.
    legacy = ArticleDoc(
        slug="calendario-redazione",
        title="Il calendario della redazione",
        passages=(Passage(None, TEXT),),
        url="/rubriche/calendario/",
        origin="vecchio-feed.xml",
    )
    await rete.core.knowledge.write(Batch(articles=(legacy,)), fake.guild.id)
    it = await fake.slash(
        fake.regular, "excerpt", {"query": "rubrica", "article": "calendario-redazione"}
    )
    embed = embed_of(await it.reply())
    assert "url" not in embed
    assert all("/rubriche/" not in f["value"] for f in embed.get("fields", []))

    it = await fake.slash(
        fake.regular,
        "ask",
        {"question": "chi scrive la rubrica sulle biciclette cargo nel calendario editoriale?"},
    )
    reply = await it.reply()
    embed = embed_of(reply)
    assert embed["title"].startswith("Il calendario della redazione")
    assert "url" not in embed
    assert refused_for_scheme(fake) == []
