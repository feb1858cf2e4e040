"""Feeds fetched from a loopback server, and the `rete` commands of the knowledge base."""

# ruff: noqa: E501  (feeds and exports below are real documents, one element a line)

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge import KnowledgeImportError, KnowledgeService
from tests.knowledge.conftest import CORPUS
from tests.knowledge.test_ingest import RSS

SECOND_ITEM = """<item><title>Newsletter: l'oggetto giusto</title>
<link>https://blog.example.it/oggetto-newsletter/</link><guid>post-102</guid>
<description><![CDATA[<p>L'oggetto della newsletter deve promettere un beneficio concreto.</p>]]></description>
</item></channel>"""


class Feed:
    """A loopback HTTP server serving one feed whose body a test can change."""

    def __init__(self) -> None:
        self.body = RSS.encode()
        self.status = 200
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(feed.status)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                self.wfile.write(feed.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed.xml"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def feed() -> Iterator[Feed]:
    server = Feed()
    yield server
    server.close()


async def test_follow_then_poll_announces_only_new_articles(
    service: KnowledgeService, feed: Feed
) -> None:
    report = await service.follow_feed(4, feed.url, 44)
    assert report.articles_added == 1
    assert await service.poll_feeds() == []  # nothing new since following
    feed.body = RSS.replace("</channel>", SECOND_ITEM).encode()
    (news,) = await service.poll_feeds()
    assert (news.guild_id, news.channel_id) == (4, 44)
    assert [a.slug for a in news.articles] == ["oggetto-newsletter"]
    assert await service.poll_feeds() == []
    answer = await service.ask("cosa deve promettere l'oggetto della newsletter?", 4)
    assert answer is not None
    assert answer.source == "article:oggetto-newsletter"
    assert await service.ask("cosa deve promettere l'oggetto della newsletter?", 5) is None
    assert await service.unfollow_feed(4, feed.url)
    assert await service.feeds(4) == []


async def test_a_broken_feed_url_is_reported_and_skipped_by_the_poll(
    service: KnowledgeService, feed: Feed
) -> None:
    await service.follow_feed(4, feed.url, None)
    feed.status = 500
    with pytest.raises(KnowledgeImportError, match=r"127\.0\.0\.1"):
        await service.import_sources([feed.url], 4)
    assert await service.poll_feeds() == []  # logged, not raised


def test_cli_import_ask_jsonl_and_excerpt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus missing")
    monkeypatch.delenv("RETE_KNOWLEDGE_SOURCES", raising=False)
    db = tmp_path / "cli.db"
    env = tmp_path / "none.env"
    assert main(["--env-file", str(env), "knowledge", "import", "--db", str(db), str(CORPUS)]) == 0
    assert "FAQ 40 nuove" in capsys.readouterr().out

    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": "a", "text": "quanto costa il percorso completo?"}\n'
        '{"id": "b", "text": "chi ha vinto il derby ieri sera?"}\n\n'
        '{"id": 3, "text": "cos\'è un lead magnet?"}\n',
        "utf-8",
    )
    assert main(["--env-file", str(env), "ask", "--db", str(db), "--jsonl", str(questions)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", 3]
    assert all(set(line) == {"id", "source", "score", "text", "suggestions"} for line in lines)
    assert all(len(line["suggestions"]) <= 3 for line in lines)
    assert lines[1]["suggestions"] == []  # nothing near a football match
    assert lines[0]["source"] == "faq-costi-corsi"
    assert "590" in lines[0]["text"]
    assert lines[1]["source"] is None
    assert lines[1]["text"] is None
    assert lines[2]["source"] == "article:newsletter-email-marketing"
    assert all(0.0 <= line["score"] <= 1.0 for line in lines)

    assert main(["--env-file", str(env), "ask", "--db", str(db), "quanto costa il corso?"]) == 0
    assert "faq-costi-corsi" in capsys.readouterr().out
    explain = ["--env-file", str(env), "ask", "--db", str(db), "--explain"]
    assert main([*explain, "quanto costa il percorso completo?"]) == 0
    out = capsys.readouterr().out
    assert "Parole della domanda trovate nella fonte:" in out
    assert "percorso" in out
    assert "FAQ della community" in out
    assert main([*explain, "--jsonl", str(questions)]) == 0
    why = json.loads(capsys.readouterr().out.splitlines()[0])["why"]
    assert why["source"] == "faq-costi-corsi"
    assert why["kind"] == "faq"
    assert "percorso" in why["matched"]
    assert set(why["features"]) >= {"copertura", "margine", "esempio"}
    assert main(["--env-file", str(env), "excerpt", "--db", str(db), "metodo pomodoro"]) == 0
    assert "25 minuti" in capsys.readouterr().out


def test_cli_import_error_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "faq.yaml"
    bad.write_text("- id: x\n  question: senza risposta?\n", "utf-8")
    db = tmp_path / "cli.db"
    code = main(
        ["--env-file", str(tmp_path / "none.env"), "knowledge", "import", "--db", str(db), str(bad)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert str(bad) in err
    assert "'answer' manca" in err
