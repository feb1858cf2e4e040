"""Reading each source format, and refusing malformed ones with the file and the problem named."""

# ruff: noqa: E501  (feeds and exports below are real documents, one element a line)

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeImportError, ingest
from bot.knowledge.markup import markdown_blocks, passages, strip_boilerplate, text_blocks
from tests.knowledge.conftest import CORPUS

ARTICLE = """---
title: "Scrivere titoli: guida pratica"
slug: "scrivere-titoli"
url: "https://blog.example.it/scrivere-titoli/"
author: "Anna Rossi"
date: 2024-03-05
tags: ["scrittura", "titoli"]
---

Un buon titolo promette qualcosa di **preciso** e lo mantiene. Leggi la [guida](https://x.it/).

## Lunghezza

Sotto i 60 caratteri il titolo resta intero nei risultati di ricerca. Oltre, viene tagliato.

## Tre formule

Le formule che usiamo più spesso:

- il numero: "7 errori da evitare";
- la domanda: "Perché il tuo blog non cresce?";
- la promessa: "Impara a scrivere titoli in 10 minuti".
"""

FAQ = """
- id: "faq-parcheggio"
  question: "Dove si parcheggia per il meetup?"
  variants: ["C'è un parcheggio vicino?"]
  answer: "Nel cortile interno, gratis per i partecipanti."
- id: "faq-wifi"
  question: "C'è il wifi in aula?"
  answer: "Sì, la password è sulla lavagna."
  links: ["https://academy.example.it/aula"]
"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Blog</title><link>https://blog.example.it/</link>
<item><title>Calendario editoriale in 5 passi</title>
<link>https://blog.example.it/calendario-5-passi/</link><guid>post-101</guid>
<pubDate>Tue, 05 Mar 2024 10:00:00 +0100</pubDate><author>redazione@blog.example.it (Luca Bianchi)</author>
<category>pianificazione</category>
<description><![CDATA[<p>Il calendario editoriale si costruisce partendo dagli obiettivi.</p><p>Poi si scelgono le rubriche.</p>]]></description>
</item></channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>urn:blog</id>
<updated>2024-03-05T10:00:00Z</updated>
<entry><title>Podcast: scegliere il microfono</title><id>urn:post:7</id>
<link href="https://blog.example.it/podcast-microfono/"/><updated>2024-03-01T09:00:00Z</updated>
<author><name>Sara Neri</name></author>
<content type="html">&lt;h2&gt;Dinamico o condensatore&lt;/h2&gt;&lt;p&gt;Il dinamico perdona le stanze non trattate.&lt;/p&gt;</content>
</entry></feed>
"""

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Blog</title>
<wp:author><wp:author_login>mrossi</wp:author_login><wp:author_display_name>Mario Rossi</wp:author_display_name></wp:author>
<item><title>Newsletter: il doppio opt-in</title><link>https://blog.example.it/doppio-opt-in/</link>
<guid isPermaLink="false">https://blog.example.it/?p=42</guid><dc:creator>mrossi</dc:creator>
<content:encoded><![CDATA[Il doppio opt-in chiede una conferma via email.

Così la lista resta pulita e i tassi di apertura sono veri.]]></content:encoded>
<wp:post_date>2023-11-16 09:30:00</wp:post_date><wp:post_name>doppio-opt-in</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="post_tag" nicename="newsletter">newsletter</category>
</item>
<item><title>Bozza segreta</title><content:encoded><![CDATA[<p>Non pubblicare.</p>]]></content:encoded>
<wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>logo.png</title><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type></item>
</channel></rss>
"""

HTML_PAGE = """<!doctype html><html><head><title>Il network | Blog</title>
<meta property="og:title" content="Fare rete tra professionisti">
<link rel="canonical" href="https://blog.example.it/fare-rete/">
<meta name="author" content="Giulia Verdi">
<meta property="article:published_time" content="2015-02-10T08:00:00+00:00"></head>
<body><nav class="menu"><a href="/">Home</a><a href="/blog">Blog</a></nav>
<article><h1>Fare rete tra professionisti</h1>
<div class="entry-content"><p>Fare rete significa scambiarsi competenze, non lavoro gratis.</p>
<h2>Insegnare a pescare</h2><p>La condivisione è «ti insegno a pescare», non «ti regalo un pesce».</p>
<div class="sharedaddy"><h3>Condividi:</h3><a>Facebook</a><a>WhatsApp</a></div>
</div></article>
<div id="jp-relatedposts"><h3>Articoli correlati</h3><p>Un altro articolo qualsiasi</p></div>
<div id="comments" class="comments-area"><h3>Lascia un commento</h3>
<form><p>Il tuo indirizzo email non sarà pubblicato.</p></form></div>
<footer class="site-footer">© Blog</footer></body></html>
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_markdown_front_matter_and_passages(tmp_path: Path) -> None:
    batch = ingest.load_sources([write(tmp_path, "a.md", ARTICLE)])
    (article,) = batch.articles
    assert (article.slug, article.title, article.author) == (
        "scrivere-titoli",
        "Scrivere titoli: guida pratica",
        "Anna Rossi",
    )
    assert article.url == "https://blog.example.it/scrivere-titoli/"
    assert article.date == "2024-03-05"
    assert article.tags == ("scrittura", "titoli")
    headings = [p.heading for p in article.passages]
    assert headings[0] is None
    assert "Tre formule" in headings
    text = "\n".join(p.text for p in article.passages)
    assert "**" not in text
    assert "](" not in text
    assert "#" not in text
    assert "qualcosa di preciso" in text
    assert "Leggi la guida." in text
    formulas = next(p for p in article.passages if p.heading == "Tre formule")
    assert formulas.text.startswith("Le formule che usiamo più spesso:")  # the list keeps its lead
    assert "• la domanda" in formulas.text


def test_markdown_slug_defaults_to_the_file_name(tmp_path: Path) -> None:
    text = '---\ntitle: "Senza slug"\n---\n\nUn paragrafo di testo.\n'
    (article,) = ingest.load_sources([write(tmp_path, "Il mio Articolo.md", text)]).articles
    assert article.slug == "il-mio-articolo"


def test_faq_yaml_keeps_ids_as_given(tmp_path: Path) -> None:
    faqs = ingest.load_sources([write(tmp_path, "faq.yaml", FAQ)]).faqs
    assert [f.key for f in faqs] == ["faq-parcheggio", "faq-wifi"]
    assert [f.source for f in faqs] == ["faq-parcheggio", "faq-wifi"]
    assert faqs[0].variants == ("C'è un parcheggio vicino?",)
    assert faqs[1].links == ("https://academy.example.it/aula",)


def test_rss_feed_file(tmp_path: Path) -> None:
    (article,) = ingest.load_sources([write(tmp_path, "feed.rss", RSS)]).articles
    assert article.slug == "calendario-5-passi"
    assert article.guid == "post-101"
    assert article.date == "2024-03-05"
    assert article.tags == ("pianificazione",)
    assert [p.text for p in article.passages] == [
        "Il calendario editoriale si costruisce partendo dagli obiettivi.\n\n"
        "Poi si scelgono le rubriche."
    ]


def test_atom_feed_detected_by_content(tmp_path: Path) -> None:
    (article,) = ingest.load_sources([write(tmp_path, "feed.xml", ATOM)]).articles
    assert (article.slug, article.author, article.date) == (
        "podcast-microfono",
        "Sara Neri",
        "2024-03-01",
    )
    assert article.passages[0].heading == "Dinamico o condensatore"


def test_wordpress_export_takes_published_posts_only(tmp_path: Path) -> None:
    batch = ingest.load_sources([write(tmp_path, "export.xml", WXR)])
    (article,) = batch.articles
    assert (article.slug, article.author, article.date) == (
        "doppio-opt-in",
        "Mario Rossi",
        "2023-11-16",
    )
    assert article.guid == "https://blog.example.it/?p=42"
    assert article.tags == ("newsletter",)
    # WordPress stores paragraphs as blank-line-separated text, without <p>.
    assert article.passages[0].text.count("\n\n") == 1


def test_html_page_without_furniture(tmp_path: Path) -> None:
    (article,) = ingest.load_sources([write(tmp_path, "fare-rete.html", HTML_PAGE)]).articles
    assert article.title == "Fare rete tra professionisti"
    assert article.url == "https://blog.example.it/fare-rete/"
    assert (article.slug, article.author, article.date) == (
        "fare-rete",
        "Giulia Verdi",
        "2015-02-10",
    )
    text = "\n".join(p.text for p in article.passages)
    assert "ti insegno a pescare" in text
    for furniture in (
        "Condividi",
        "WhatsApp",
        "correlati",
        "Lascia un commento",
        "indirizzo email",
        "Home",
    ):
        assert furniture not in text


def test_raw_blog_page_from_the_shared_corpus() -> None:
    path = CORPUS / "raw" / "sepulveda-viaggio-sognatori-networking.txt"
    if not path.exists():
        pytest.skip("shared corpus missing")
    (article,) = ingest.load_sources([path]).articles
    assert article.slug == "sepulveda-viaggio-sognatori-networking"
    assert article.title == "Ispirazioni social – L’importanza del network"
    text = "\n".join(p.text for p in article.passages)
    assert "ti insegno a pescare" in text
    for boilerplate in (
        "Lascia un commento",
        "indirizzo email",
        "campi obbligatori",
        "cosa ne pensi",
    ):
        assert boilerplate not in text
    assert "Il network ti insegna a condividere" in {p.heading for p in article.passages}


@pytest.mark.parametrize(
    "lines",
    [
        ["Condividi:", "Facebook", "WhatsApp"],
        ["Lascia un commento", "Nome *", "Email *", "Sito web", "Pubblica il commento"],
        ["Articoli correlati", "Un altro post"],
        ["Tag: seo, blog"],
    ],
)
def test_boilerplate_after_the_article_is_cut(lines: list[str]) -> None:
    body = "Il titolo\n\nUn paragrafo vero dell'articolo, con qualche frase.\n\n" + "\n\n".join(
        lines
    )
    kept = [b.text for b in strip_boilerplate(text_blocks(body))]
    assert "Un paragrafo vero dell'articolo, con qualche frase." in kept
    assert not set(lines) & set(kept)


def test_long_list_is_split_between_items() -> None:
    items = "\n".join(f"- voce numero {i}: " + "parola " * 30 for i in range(8))
    found = passages(markdown_blocks("Introduzione:\n\n" + items))
    assert len(found) > 1
    assert all(len(p.text) < 1200 for p in found)
    assert found[0].text.startswith("Introduzione:")


def test_directory_detects_formats_and_ignores_others(tmp_path: Path) -> None:
    write(tmp_path, "articoli/a.md", ARTICLE)
    write(tmp_path, "faq.yml", FAQ)
    write(tmp_path, "feeds/blog.rss", RSS)
    write(tmp_path, "README.md", "# not an article")
    write(tmp_path, "note.docx", "binary")
    write(tmp_path, ".hidden/x.md", "nope")
    batch = ingest.load_sources([tmp_path])
    assert {a.slug for a in batch.articles} == {"scrivere-titoli", "calendario-5-passi"}
    assert len(batch.faqs) == 2
    assert any("note.docx" in s for s in batch.skipped)


def test_the_shared_corpus_directory() -> None:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus missing")
    batch = ingest.load_sources([CORPUS])
    assert len(batch.articles) >= 25
    assert len(batch.faqs) >= 40
    assert all(f.key.startswith("faq-") for f in batch.faqs)


MALFORMED = [
    ("a.md", "title: senza front matter\n\ntesto", "manca il front matter YAML"),
    ("a.md", '---\ntitle: "x"\n\ntesto senza chiusura', "non è chiuso"),
    ("a.md", '---\ntitle: "x\nslug: [\n---\n\ntesto', "YAML non valido, riga"),
    ("a.md", "---\nslug: x\n---\n\ntesto", "non ha un titolo"),
    ("a.md", '---\ntitle: "x"\ndate: "ieri"\n---\n\ntesto', "date:"),
    ("a.md", '---\ntitle: "x"\nurl: "blog.it/x"\n---\n\ntesto', "non è un indirizzo http(s)"),
    ("a.md", '---\ntitle: "x"\n---\n', "testo dopo il front matter"),
    ("faq.yaml", "- id: a\n  question: q?\n", "'answer' manca"),
    ("faq.yaml", "- question: q?\n  answer: a\n", "manca 'id'"),
    (
        "faq.yaml",
        "- id: a\n  question: q?\n  answer: a\n- id: a\n  question: r?\n  answer: b\n",
        "usato due volte",
    ),
    (
        "faq.yaml",
        "- id: a\n  question: q?\n  answer: a\n  varinats: [x]\n",
        "campo sconosciuto 'varinats'",
    ),
    ("faq.yaml", "domanda: risposta\n", "non è un file di FAQ"),
    ("faq.yaml", "- id: a\n  question: [unclosed\n", "YAML non valido"),
    (
        "feed.rss",
        "<rss><channel><item><title>a</item></channel></rss>",
        "non è un feed ben formato",
    ),
    ("export.xml", WXR.replace("</channel>", ""), "XML non ben formato"),
    ("page.html", "<html><body><nav>Home</nav></body></html>", "testo di un articolo"),
    ("a.md", b"\xff\xfe\x00bad", "non è testo UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "problem"), MALFORMED)
def test_malformed_sources_name_the_file_and_the_problem(
    tmp_path: Path, name: str, content: str | bytes, problem: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    with pytest.raises(KnowledgeImportError) as caught:
        ingest.load_sources([path])
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_xml_bombs_are_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;">]><rss xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><item><title>&lol2;</title></item></channel></rss>"
    )
    with pytest.raises(KnowledgeImportError, match="rifiutato"):
        ingest.load_sources([write(tmp_path, "export.xml", bomb)])


def test_missing_source_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeImportError, match="file o cartella inesistente"):
        ingest.load_sources([tmp_path / "nope.md"])
    with pytest.raises(KnowledgeImportError, match="formato sconosciuto"):
        ingest.load_sources([write(tmp_path, "x.docx", "x")])


def test_the_same_slug_from_two_files_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "one/a.md", ARTICLE)
    write(tmp_path, "two/a.md", ARTICLE)
    with pytest.raises(KnowledgeImportError, match="usato anche da"):
        ingest.load_sources([tmp_path])
