"""Review post text: the flagged words in bold, nothing that pings or formats, within limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.review.render import ZWSP, duration, highlight, merge_spans, neutralise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ciao", "ciao"),
        ("@everyone aiuto", f"@{ZWSP}everyone aiuto"),
        ("@here", f"@{ZWSP}here"),
        ("<@123> e <@&45> in <#67>", f"<{ZWSP}@{ZWSP}123\\> e <{ZWSP}@{ZWSP}&45\\> in <\\#67\\>"),
        ("**grassetto** e __sotto__", r"\*\*grassetto\*\* e \_\_sotto\_\_"),
        ("||spoiler|| `code`", r"\|\|spoiler\|\| \`code\`"),
        ("[clicca](https://x.y)", r"\[clicca\](https://x.y)"),
        ("> citazione\n# titolo\n- punto", "\\> citazione\n\\# titolo\n\\- punto"),
        ("a\\b", "a\\\\b"),
    ],
)
def test_neutralise(raw: str, expected: str) -> None:
    assert neutralise(raw) == expected


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("mi fai il logo gratis", [(15, 21)], "mi fai il logo **gratis**"),
        ("mi fai il logo gratis", [(10, 14), (15, 21)], "mi fai il **logo** **gratis**"),
        ("gratis gratis", [(0, 6), (3, 10)], "**gratis gra**tis"),
        ("fammi *gratis*", [(6, 14)], r"fammi **\*gratis\***"),
        ("a  gratis ", [(1, 10)], "a  **gratis** "),
        ("@everyone gratis", [(0, 9)], f"**@{ZWSP}everyone** gratis"),
        ("testo", [(3, 99), (-5, 1)], "**t**es**to**"),
    ],
)
def test_highlight(text: str, spans: list[tuple[int, int]], expected: str) -> None:
    assert highlight(text, spans, 4000) == expected


def test_a_long_message_is_windowed_around_the_first_match() -> None:
    text = "bla " * 2000 + "fammi il logo gratis" + " bla" * 2000
    start = text.index("gratis")
    out = highlight(text, [(start, start + 6)], 1000)
    assert len(out) <= 1000
    assert "**gratis**" in out
    assert out.startswith("…")
    assert out.endswith("…")


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
    st.lists(st.tuples(st.integers(-10, 3100), st.integers(-10, 3100)), max_size=20),
    st.integers(20, 4096),
)
def test_highlight_fits_and_never_pings(
    text: str, spans: list[tuple[int, int]], limit: int
) -> None:
    out = highlight(text, spans, limit)
    assert len(out) <= limit
    assert "@everyone" not in out
    assert "@here" not in out
    assert "<@" not in out


def test_merge_spans() -> None:
    assert merge_spans([(5, 8), (0, 2), (1, 3), (8, 9), (20, 30)], 25) == [(0, 3), (5, 9), (20, 25)]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (600, "10 minuti"),
        (3600, "1 ora"),
        (7200, "2 ore"),
        (86_400, "1 giorno"),
        (604_800, "1 settimana"),
    ],
)
def test_duration(seconds: int, text: str) -> None:
    assert duration(seconds) == text
