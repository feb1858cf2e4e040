"""Hostile input: arbitrary text through the normaliser and the policy, hostile files through the
policy and knowledge imports. No crash, work bounded by the input's size, a clear error, and a
rejected import leaves the database as it was."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.core import Core
from bot.errors import UserFacingError
from bot.policy import compile_policy, default_policy, evaluate, normalize
from tests.reliability.helpers import dump

GUILD = 4242
ACTOR = 7

# What members actually paste: emoji joined by ZWJ, right-to-left overrides, combining marks
# piled on letters (zalgo), invisible characters, fullwidth and mathematical letters.
ZWJ_FAMILY = "👩\u200d👩\u200d👧\u200d👦"
RTL = "\u202egratis\u202c \u2067logo\u2069"
ZALGO = "g\u0336\u0317r\u0334\u031ba\u0335\u0320t\u0337i\u0338s" + "\u0300\u0301\u0302" * 50
tricky = st.sampled_from(
    [
        ZWJ_FAMILY,
        RTL,
        ZALGO,
        "\u200b",
        "\ufeff",
        "ｇｒａｔｉｓ",
        "𝐠𝐫𝐚𝐭𝐢𝐬",
        "g r a t i s",
        "\x00",
        "\r\n",
    ]
)
# Hypothesis' own text strategy reaches every code point class (surrogates excluded by str).
member_text = st.lists(st.one_of(st.text(max_size=200), tricky), max_size=40).map("".join)

COMPILED = compile_policy(default_policy())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(member_text)
def test_normaliser_and_policy_take_any_text(text: str) -> None:
    norm = normalize(text)
    # Bounded work: what the matcher scans grows with the message, never beyond a few times it.
    assert len(norm.text) <= 4 * len(text) + 16
    verdict = evaluate(COMPILED, text, norm=norm)
    assert math.isfinite(verdict.score)  # negative weights exist: finite is the promise
    for hit in verdict.hits:  # what the review post highlights lies inside the message
        for start, end in hit.spans:
            assert 0 <= start <= end <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        ("Mi fai gratis il logo? " * 200)[:4000],
        (ZWJ_FAMILY * 400)[:4000],
        (RTL * 300)[:4000],
        ZALGO * 20,
        "a" * 4000,
        " ".join("g r a t i s" for _ in range(300)),
        "'" * 4000,
        '"' * 1999 + "gratis" + '"' * 1995,
    ],
    ids=["repeated-ask", "zwj", "rtl", "zalgo", "one-word", "spaced", "quotes", "quoted"],
)
def test_4000_character_messages(text: str) -> None:
    verdict = evaluate(COMPILED, text)
    assert math.isfinite(verdict.score)


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    core = await Core.open(Settings(db_path=tmp_path / "rete.db"))
    await core.ensure_guild(GUILD, "Accademia")
    try:
        yield core
    finally:
        await core.close()


def _deep(depth: int) -> str:
    return "rules:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(depth))


YAML_BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    + "rules: *i\n"
)
HOSTILE_POLICIES = {
    "not-yaml": "rules: [unclosed\n  - : :",
    "yaml-bomb": YAML_BOMB,
    "deep-nesting": _deep(5000),
    "deep-flow": "rules: " + "[" * 5000 + "]" * 5000,
    "python-tag": "rules: !!python/object/apply:os.system ['true']\n",
    # As large as a policy may be (POLICY_TEXT_MAX_BYTES, 256 KB), all rules.
    "huge": ("rules:\n" + "".join(f"  r{i}:\n    any: [parola{i}]\n" for i in range(9000)))[
        : 256 * 1024
    ],
    "wrong-types": "threshold: molto\nrules: 42\nlists: [1, 2]\n",
    "empty": "",
    "nul": "\x00\x00rules:\x00",
}


@pytest.mark.parametrize("text", HOSTILE_POLICIES.values(), ids=HOSTILE_POLICIES.keys())
async def test_a_hostile_policy_file_is_refused_and_changes_nothing(
    core: Core, tmp_path: Path, text: str
) -> None:
    before = dump(tmp_path / "rete.db")
    version = core.policy.version(GUILD)
    with pytest.raises(UserFacingError) as refused:
        await core.policy.import_yaml(GUILD, text, ACTOR)
    assert str(refused.value)  # says something a moderator can read
    assert len(str(refused.value)) < 2000
    assert dump(tmp_path / "rete.db") == before
    assert core.policy.version(GUILD) == version


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>&xxe;</title><wp:post_type>post</wp:post_type></item></channel></rss>"""
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i + 1, (b"&lol%d;" % i if i else b"&lol;") * 10)
        for i in range(9)
    )
    + b']><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
    b"<title>&lol9;</title></item></channel></rss>"
)
HOSTILE_FILES = {
    "wxr-xxe": ("export.xml", XXE),
    "wxr-billion-laughs": ("export.xml", LAUGHS),
    "wxr-truncated": (
        "export.xml",
        b'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><chan',
    ),
    "feed-garbage": ("feed.xml", b"<?xml version='1.0'?><rss><<<>>>\xff\xfe"),
    "faq-invalid-utf8": ("faq.yaml", b"- q: ciao\n  a: \xff\xfe\xfa"),
    "faq-yaml-bomb": ("faq.yaml", YAML_BOMB.encode()),
    "faq-deep": ("faq.yaml", ("- " + "[" * 5000 + "]" * 5000).encode()),
    "markdown-invalid-utf8": ("articolo.md", b"# Titolo\n\n\xc3\x28 testo"),
    # As large as /faq import takes (cogs/knowledge.py FAQ_FILE_MAX_BYTES, 1 MB).
    "html-1mb-nested": ("pagina.html", b"<html><body>" + b"<div>" * 200_000 + b"</body></html>"),
    "faq-1mb-binary": ("faq.yaml", bytes(range(256)) * 4_000),
    "text-10mb-binary": ("dati.txt", bytes(range(256)) * 41_000),
}


@pytest.mark.parametrize(("name", "data"), HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
async def test_a_hostile_knowledge_file_is_refused_and_changes_nothing(
    core: Core, tmp_path: Path, name: str, data: bytes
) -> None:
    before = dump(tmp_path / "rete.db")
    refused: UserFacingError | None = None
    try:
        report = await core.knowledge.import_file(name, data, GUILD)
    except UserFacingError as exc:
        refused = exc
    if refused is not None:
        assert str(refused)
        assert dump(tmp_path / "rete.db") == before
        return
    # Accepted: then it must not have smuggled in what the attack aimed at.
    after = "\n".join(dump(tmp_path / "rete.db"))
    assert "root:" not in after  # no /etc/passwd through an external entity
    assert "lollollol" not in after  # no entity expansion
    assert report is not None
