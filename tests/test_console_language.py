"""The issue's check: `rete --lang en console` and `rete --lang en --help` show no Italian outside
quoted content, and in Italian no English outside quoted content and technical names.

A scripted console session (every command's usage and help, a member's flagged message, answers,
excerpts, every moderator flow, and wrong input) and the help of every `rete` command are read in
each language. What is quoted is left out first: what the member typed, the academy's corpus
(FAQ and articles, quoted as they are), the policy file (rule names, word lists and the examples
in its descriptions), the command names and keywords. What remains must hold none of the other
language's function words and none of its catalogued texts.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import i18n, texts
from bot.cli import _argparse_speaks_the_language, build_parser
from bot.config import Settings
from bot.console.app import CHANNELS, ROLES, Session, build_registry, open_session
from bot.core import Core
from tests.knowledge.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
FLAGGED = "Ciao a tutti! Mi fai gratis il logo per il mio sito? Non ho budget"
FAQ_QUESTION, FAQ_ANSWER = "Come mi iscrivo?", "Dalla pagina corsi."
SCRIPT = (
    "/help",
    "/review",
    "/policy",
    "/faq",
    "/knowledge",
    "/articles",
    "/as mod",
    "/setup review-channel moderazione",
    "/as member",
    FLAGGED,
    "/ask quanto costa il percorso completo?",
    "/ask come si scrive un buon titolo?",
    "/excerpt metodo pomodoro",
    "/appeal 1 era a pagamento",
    "/vote 1 up",
    "/review pending",
    "/as mod",
    "/review pending",
    "/review case 1",
    "/review claim 1",
    "/review confirm 1 cancela",
    "/review confirm 1 delete timeout 1h",
    "/review stats",
    "/review dismiss 1",
    "/ask quanto costa il percorso completo? --explain",
    "/policy test mi fai gratis il logo?",
    "/policy rules",
    "/policy allow",
    "/policy shadow gratis on",
    "/policy weight gratis 0.2",
    "/policy threshold 1.1",
    "/policy exempt channel domande on",
    "/policy add prova 0.5 logo + gratis",
    "/policy remove prova",
    "/policy backtest",
    "/policy learn",
    "/policy history",
    "/faq list",
    f"/faq add {FAQ_QUESTION} || {FAQ_ANSWER}",
    "/faq unanswered",
    "/faq dismiss 1",
    "/faq edit nope",
    "/faq export",
    f"/faq edit faq-come-mi-iscrivo {FAQ_QUESTION} || Dalla pagina dei corsi.",
    "/faq history",
    "/faq history faq-come-mi-iscrivo",
    "/faq restore 1",
    "/faq restore x",
    "/answers on",
    "/answers off",
    "/setup",
    "/channel domande",
    "/channel nope",
    "/as nessuno",
    "/lang xx",
    "/boh",
    "/vote x",
    "/appeal",
    "/articles feed",
    "/knowledge import",
    "/policy weight",
    "/faq attach",
    "/quit",
)
# Words that say which language a text is in: articles, prepositions, pronouns, auxiliaries.
FUNCTION_WORDS: dict[i18n.Lang, frozenset[str]] = {
    "it": frozenset((
        "il", "lo", "gli", "di", "da", "del", "della", "dei", "delle", "degli", "dello", "che",
        "non", "con", "una", "uno", "sono", "è", "hai", "ho", "questo", "questa", "nel", "nella",
        "alla", "alle", "al", "dal", "dalla", "sul", "sulla", "anche", "già", "più", "ma", "se",
        "tra", "fra", "cosa", "quando", "dove", "perché", "oppure", "ancora", "tutti", "nessun",
        "nessuna", "nessuno", "ogni", "puoi", "può", "qui",
    )),
    "en": frozenset((
        "the", "and", "of", "to", "is", "are", "with", "your", "you", "this", "that", "not",
        "for", "was", "has", "have", "been", "from", "which", "will", "can", "there", "their",
        "they", "these", "those", "what", "when", "where", "who", "would", "could", "should",
        "be", "an", "or", "by", "at", "if", "it's", "don't", "i'm", "its",
    )),
}  # fmt: skip
# Separators between the parts of a line: a quoted part is one of them.
_PARTS = re.compile(r"\s+[—·•|]\s+|:\s+|[()\[\]«»\"“”]|\*\*|`|\s+-\s+|\n")
# Technical names: commands (/faq), ids with a dash, a plus or an underscore (faq-costi-corsi,
# richiesta+gratis, senza_risposta), options (--explain), URLs, paths, #channels and @users.
_TECHNICAL = re.compile(r"(?:https?://|\.\./|[/#@]|--)\S*|\S*[-+_:]\S*[a-z]\S*")


def _flat(text: str) -> str:
    """Words and punctuation only: no whitespace runs, no Markdown emphasis, no bullets."""
    return " ".join(text.replace("*", "").replace("_", " ").split()).strip(" •")


def quoted_pool() -> str:
    """Everything the console may quote as it is: the corpus, the policy file, what is typed."""
    texts = [
        path.read_text(encoding="utf-8") for path in sorted(CORPUS.rglob("*")) if path.is_file()
    ]
    texts.append((ROOT / "bot/policy/default_policy.yaml").read_text(encoding="utf-8"))
    texts.extend(SCRIPT)
    for lang in i18n.LANGUAGES:  # the default rules' descriptions, as each language shows them
        for key, entry in i18n.catalog(lang).items():
            if key[0] == i18n.POLICY_CONTEXT and isinstance(entry, str):
                texts.append(entry)
    return "\x00".join(_flat(t) for t in texts)


def unquoted(line: str, pool: str) -> str:
    """A line without its quoted parts (a whole line, or a part between separators, found in
    the pool) and without technical names."""

    def quoted(text: str) -> bool:
        flat = _flat(text).removesuffix("…")  # a quote cut short ends with an ellipsis
        return len(flat) > 3 and flat in pool

    if quoted(line):
        return ""
    kept = [part for part in _PARTS.split(line) if part.strip() and not quoted(part)]
    return _TECHNICAL.sub(" ", " ".join(kept))


def _keywords() -> frozenset[str]:
    """Command names and keywords the console accepts (in both languages, whatever its own)."""
    words = set(CHANNELS) | set(ROLES)
    for name in build_registry().commands:
        words.update(name.split())
    words.update(
        [
            "on",
            "off",
            "up",
            "down",
            "su",
            "giù",
            "mod",
            "member",
            "all",
            "tutte",
            "shared",
            "condivise",
            "accept",
        ]
    )
    return frozenset(words)


def _forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def catalogued_foreign(lang: i18n.Lang) -> list[re.Pattern[str]]:
    """The other language's catalogued texts of two words or more that `lang` has not."""
    other: i18n.Lang = "en" if lang == "it" else "it"
    mine = "\x00".join(f for e in i18n.catalog(lang).values() for f in _forms(e))
    out = []
    for key, entry in i18n.catalog(other).items():
        if key[0] in i18n.ENGLISH_ID_CONTEXTS or key[0] == i18n.SLASH_CONTEXT:
            continue
        own = _forms(i18n.catalog(lang).get(key, ()))
        for form in _forms(entry):
            pieces = [p for p in re.split(r"\{[^{}]*\}|%\([a-z_]+\)[sd]", _flat(form)) if p]
            words = [w for w in " ".join(pieces).split() if w.isalpha()]
            if form in own or len(words) < 2:
                continue
            piece = max(pieces, key=len).strip()
            if len(piece.split()) >= 2 and piece not in mine:
                out.append(re.compile(r"(?<!\w)" + re.escape(piece) + r"(?!\w)"))
    return out


def foreign_words(text: str, lang: i18n.Lang, keywords: frozenset[str]) -> list[str]:
    other: i18n.Lang = "en" if lang == "it" else "it"
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())
    return sorted({w for w in words if w in FUNCTION_WORDS[other] and w not in keywords})


async def _session_lines(tmp_path: Path, lang: i18n.Lang) -> list[str]:
    core = await Core.open(Settings(db_path=tmp_path / f"{lang}.db", knowledge_sources=(CORPUS,)))
    try:
        await core.knowledge.start()
        with i18n.using(lang):
            session: Session = await open_session(core)
            lines = [str(texts.CONSOLE_BANNER)]
            for typed in SCRIPT:
                lines.extend(await session.handle(typed))
        return lines
    finally:
        await core.close()


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:  # argparse keeps its subcommands here
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _parsers(sub)


def cli_help(lang: i18n.Lang) -> list[str]:
    """`rete --lang LANG --help`, and `rete COMMAND --help` of every command."""
    with i18n.using(lang), _argparse_speaks_the_language():
        return [p.format_help() for p in _parsers(build_parser())]


def _problems(lines: list[str], lang: i18n.Lang) -> list[str]:
    pool = quoted_pool()
    keywords = _keywords()
    catalogued = catalogued_foreign(lang)
    problems = []
    for line in lines:
        for row in str(line).splitlines():
            left = unquoted(row, pool)
            found = foreign_words(left, lang, keywords)
            found += [p.pattern for p in catalogued if p.search(left)]
            if found:
                problems.append(f"{row!r}: {found}")
    return problems


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is missing")


@needs_corpus
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
async def test_the_console_speaks_one_language(tmp_path: Path, lang: i18n.Lang) -> None:
    lines = await _session_lines(tmp_path, lang)
    assert len(lines) > 150  # the help, the groups and every reply were read
    assert _problems(lines, lang) == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_command_line_help_speaks_one_language(lang: i18n.Lang) -> None:
    helps = cli_help(lang)
    assert len(helps) > 10  # rete, and each command's and action's help
    assert _problems(helps, lang) == []


@pytest.mark.parametrize(
    ("lang", "line", "found"),
    [
        ("en", "Case #1: confirmed by @moderator, message deleted.", False),
        ("en", "Case #1: confermato dal moderatore, il messaggio è eliminato.", True),
        ("en", "Rules: chiede-a-te (+0.91), richiesta+consegna (+0.95)", False),
        pytest.param(  # a FAQ title of the corpus, quoted as it is
            "en",
            "Why we ask: [Perché non si possono chiedere consulenze gratis nella community?]",
            False,
            marks=needs_corpus,
        ),
        ("en", "Not sure: Questo comando è riservato ai moderatori.", True),
        ("en", "Too few decisions (now: 1 esempi (1 da segnalare, 0 no)).", True),
        ("it", "Caso #1: confermato da @moderatrice · messaggio eliminato.", False),
        ("it", "Caso #1: the message was deleted by the moderator.", True),
        (
            "it",
            "Questo comando è riservato ai moderatori. This command is for moderators only.",
            True,
        ),
    ],
)
def test_the_check_finds_the_other_language(lang: i18n.Lang, line: str, found: bool) -> None:
    assert bool(_problems([line], lang)) is found


# --- the console's names and keywords, the FAQ export's header --------------------------------


@pytest.mark.parametrize(
    ("lang", "moderator", "member"),
    [("it", "moderatrice", "membro"), ("en", "moderator", "member")],
)
async def test_keywords_in_both_languages_names_in_the_active_one(
    tmp_path: Path, lang: i18n.Lang, moderator: str, member: str
) -> None:
    from bot.console.app import prompt

    core = await Core.open(Settings(db_path=tmp_path / "words.db"))
    try:
        with i18n.using(lang):
            session = await open_session(core)
            session.lang = lang
            assert prompt(session) == f"[{member} in #generale] > "
            for line in ("/as moderatrice", "/setup review-channel moderazione", "/as membro"):
                await session.handle(line)
            for _ in range(4):
                await session.handle(FLAGGED)
            assert await session.handle("/as moderator") == [
                texts.CONSOLE_ROLE.format(role=moderator)
            ]
            confirms = {
                1: "cancella",
                2: "delete timeout 2hours",
                3: "elimina timeout 1giorno",
                4: "remove timeout 1w",
            }
            for case_id, words in confirms.items():
                said = await session.handle(f"/review confirm {case_id} {words}")
                assert f"@{moderator}" in said[0]
        expected = {1: 0, 2: 7200, 3: 86_400, 4: 604_800}
        for case_id, seconds in expected.items():
            case = await core.review.get(1, case_id)
            assert case is not None
            assert case.decision is not None
            assert case.decision.delete_message, case_id
            assert case.decision.timeout_s == seconds, case_id
    finally:
        await core.close()


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
async def test_faq_export_says_what_it_holds_in_the_active_language(
    tmp_path: Path, lang: i18n.Lang
) -> None:
    import yaml

    core = await Core.open(Settings(db_path=tmp_path / "faq.db"))
    try:
        with i18n.using(lang):
            session = await open_session(core)
            session.lang = lang
            await session.handle("/as mod")
            await session.handle(f"/faq add {FAQ_QUESTION} || {FAQ_ANSWER}")
            for scope in ("tutte", "all", ""):
                out = "\n".join(await session.handle(f"/faq export {scope}".strip()))
                body = out[out.index("\n# ") + 1 :]
                assert body.startswith(f"# {texts.KB_FAQ_EXPORT_HEADER}\n")
                assert [e["question"] for e in yaml.safe_load(body)] == [FAQ_QUESTION]
        header = texts.KB_FAQ_EXPORT_HEADER.text(lang)
        assert header.startswith("FAQ esportate" if lang == "it" else "FAQ exported")
    finally:
        await core.close()
