"""Article links: made absolute against the source's base address, or dropped; and the one
helper that keeps a link out of an embed when Discord would refuse it."""

from __future__ import annotations

import pytest

from bot import limits
from bot.knowledge.ingest import absolute_url


@pytest.mark.parametrize(
    ("link", "base", "expected"),
    [
        ("/a/b/", "https://blog.example.it/", "https://blog.example.it/a/b/"),
        ("b.html", "https://blog.example.it/x/feed.xml", "https://blog.example.it/x/b.html"),
        ("https://other.example/p", "https://blog.example.it/", "https://other.example/p"),
        ("//cdn.example/p", "https://blog.example.it/", "https://cdn.example/p"),
        ("/a/", None, None),
        ("/a/", "/tmp/feed.xml", None),  # a file path is no base address
        ("javascript:alert(1)", "https://blog.example.it/", None),
        ("mailto:a@b.it", "https://blog.example.it/", None),
        ("ftp://files.example/a", None, None),
        ("  https://blog.example.it/a  ", None, "https://blog.example.it/a"),
        ("", "https://blog.example.it/", None),
        (None, "https://blog.example.it/", None),
        ("http://[::1", None, None),  # malformed: urlsplit refuses it
    ],
)
def test_absolute_url(link: str | None, base: str | None, expected: str | None) -> None:
    assert absolute_url(link, base) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://blog.example.it/a", "https://blog.example.it/a"),
        ("http://blog.example.it", "http://blog.example.it"),
        ("/rubriche/a/", None),
        ("rubriche/a", None),
        ("javascript:alert(1)", None),
        ("https:///a", None),
        ("https://blog.example.it/a b", None),
        ("", None),
        (None, None),
    ],
)
def test_embed_url(url: str | None, expected: str | None) -> None:
    assert limits.embed_url(url) == expected
