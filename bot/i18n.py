"""Italian and English: the current language, per task, and the gettext catalogs it reads.

The language is a context variable (as Red-DiscordBot's contextual locale): each interaction,
channel post, console or CLI run sets it, and every message object (`Msg`) looks its text up in
the catalog of the language current where it is *used*, not where it was defined (Django's
gettext_lazy). Catalogs are gettext .po files under bot/locale, read with Babel at first use;
`scripts/i18n.py` extracts the message ids and updates them.
"""

from __future__ import annotations

import contextlib
import gettext as gettext_module
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path
from typing import Final, Literal, Self, SupportsIndex, TypeGuard

from babel.messages.pofile import read_po

Lang = Literal["it", "en"]
LANGUAGES: Final[tuple[Lang, ...]] = ("it", "en")
DEFAULT_LANG: Final[Lang] = "it"
LOCALE_DIR: Final = Path(__file__).parent / "locale"
DOMAIN: Final = "rete"
# The context of the strings Discord shows for slash commands (descriptions, choices).
SLASH_CONTEXT: Final = "slash"
# The context of the console's command usages and descriptions (bot/console/app.py's Registry).
CONSOLE_CONTEXT: Final = "console"
# The context of the `rete` command line's help and messages (bot/cli).
CLI_CONTEXT: Final = "cli"
# The context of the web dashboard's pages (bot/web/templates) and its Python's texts (bot/web).
WEB_CONTEXT: Final = "web"
# argparse's own words (usage, options, its errors): ids in English, argparse's language.
ARGPARSE_CONTEXT: Final = "argparse"
ARGPARSE_MESSAGES: Final[tuple[str, ...]] = (
    "usage: ",
    "positional arguments",
    "options",
    "show this help message and exit",
    "show program's version number and exit",
    "argument %(argument_name)s: %(message)s",
    "unrecognized arguments: %s",
    "the following arguments are required: %s",
    "%(prog)s: error: %(message)s\n",
    "invalid choice: %(value)r (choose from %(choices)s)",
    "invalid %(type)s value: %(value)r",
    "expected one argument",
    "expected at least one argument",
    "ambiguous option: %(option)s could match %(matches)s",
    "not allowed with argument %s",
    "ignored explicit argument %r",
    "one of the arguments %s is required",
)
# The default policy's rule descriptions (bot/policy/default_policy.yaml, written in English):
# shown in the reader's language; a description a moderator wrote is shown as written.
POLICY_CONTEXT: Final = "policy-rule"
# The catalogs whose ids are in English rather than in Italian.
ENGLISH_ID_CONTEXTS: Final = frozenset({ARGPARSE_CONTEXT, POLICY_CONTEXT})

_current: ContextVar[Lang] = ContextVar("rete_lang", default=DEFAULT_LANG)


def is_lang(value: object) -> TypeGuard[Lang]:
    return value in LANGUAGES


def current() -> Lang:
    """The language of what is being written now (Italian unless something chose English)."""
    return _current.get()


def activate(lang: Lang) -> Token[Lang]:
    """Make `lang` current in this task (and in the tasks it starts from now on)."""
    return _current.set(lang)


def reset(token: Token[Lang]) -> None:
    _current.reset(token)


@contextlib.contextmanager
def using(lang: Lang) -> Iterator[None]:
    """`with using("en"): ...`: `lang` is current inside the block, the old one after."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def parse_lang(value: str | None) -> Lang | None:
    """ "it", "it_IT.UTF-8", "en-GB", "en_US" → it/en; anything else (or nothing) → None."""
    if not value:
        return None
    head = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return head if is_lang(head) else None


def from_environment(env: Mapping[str, str], override: str | None = None) -> Lang:
    """The console's and CLI's language: `--lang`, else RETE_LANG, else the terminal's locale
    (LC_ALL, LC_MESSAGES, LANG, in POSIX's order), else Italian."""
    for value in (override, env.get("RETE_LANG"), env.get("LC_ALL"), env.get("LC_MESSAGES")):
        lang = parse_lang(value)
        if lang is not None:
            return lang
    return parse_lang(env.get("LANG")) or DEFAULT_LANG


def from_accept_language(header: str | None) -> Lang | None:
    """A browser's Accept-Language ("en-GB,en;q=0.9,it;q=0.8") → the first of Rete's languages
    it prefers (by q, then by order), or None when it names neither Italian nor English."""
    ranked: list[tuple[float, int, Lang]] = []
    for position, part in enumerate((header or "").split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = parse_lang(tag)
        if lang is not None and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


def for_member(locale: str | None, guild_lang: Lang | None) -> Lang:
    """An interaction's language: the member's client if Italian or English, else the server's
    (Italian unless a moderator chose English with /setup language)."""
    return parse_lang(locale) or guild_lang or DEFAULT_LANG


# --- catalogs --------------------------------------------------------------------------------

Entry = str | tuple[str, ...]


def catalog_path(lang: Lang) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog(lang: Lang) -> Mapping[tuple[str | None, str], Entry]:
    """(context, msgid) → translation (a tuple of forms for a plural), untranslated ones left
    out; read once per process."""
    return _load(lang)[0]


@cache
def _load(lang: Lang) -> tuple[Mapping[tuple[str | None, str], Entry], Callable[[int], int]]:
    with catalog_path(lang).open("rb") as po:
        parsed = read_po(po, locale=lang, domain=DOMAIN)
    # The catalog's own Plural-Forms (CLDR's, from Babel): Italian has a form for millions.
    plural = gettext_module.c2py(parsed.plural_expr)
    entries: dict[tuple[str | None, str], Entry] = {}
    for message in parsed:
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        if not msgid or message.fuzzy:
            continue
        string = message.string
        if isinstance(string, tuple | list):
            if all(string):
                entries[(message.context, msgid)] = tuple(string)
        elif string:
            entries[(message.context, msgid)] = string
    return entries, plural


def plural_index(lang: Lang, n: int) -> int:
    """Which of the catalog's plural forms a count takes (the Plural-Forms header)."""
    return _load(lang)[1](n)


def gettext(msgid: str, context: str | None = None, lang: Lang | None = None) -> str:
    found = catalog(lang or current()).get((context, msgid))
    if isinstance(found, str):
        return found
    return msgid


def ngettext(
    singular: str, plural: str, n: int, context: str | None = None, lang: Lang | None = None
) -> str:
    lang = lang or current()
    index = plural_index(lang, n)
    found = catalog(lang).get((context, singular))
    if isinstance(found, tuple) and index < len(found):
        return found[index]
    return singular if n == 1 else plural


def rule_description(text: str) -> str:
    """A policy rule's description in the current language, when it is one of the default
    policy's (the catalogs know those); any other as written."""
    return gettext(text, POLICY_CONTEXT)


class Msg(str):
    """A message id (its Italian text) that reads as the current language's text.

    A `str` subclass so that every existing `texts.X` keeps its type, and one that reads as
    the current language wherever its characters are read through it: `str(m)`, `f"{m}"`,
    `"%s" % m`, `m.format(...)`, `m + "x"`, `"x" + m`, `m * 2`, `len(m)`, slicing, iteration,
    `"x" in m` and every str method (`m.upper()`, `m.split()`, `", ".join` with m as the
    separator…) use the translation (`_TRANSLATED` below). Equality and hashing stay on the id,
    so a Msg is the same key in every language. What Python reads below the methods still gets
    the id: a Msg as an item of `str.join`, written to a stream, dumped to JSON; pass `str(m)`
    there (tests/test_i18n.py scans the code for a Msg put into a join raw).
    """

    context: str | None

    def __new__(cls, msgid: str, context: str | None = None) -> Self:
        self = super().__new__(cls, msgid)
        self.context = context
        return self

    @property
    def msgid(self) -> str:
        return str.__str__(self)

    def text(self, lang: Lang | None = None) -> str:
        return gettext(self.msgid, self.context, lang)

    def __str__(self) -> str:
        return self.text()

    def __format__(self, spec: str) -> str:
        return format(self.text(), spec)

    def format(self, *args: object, **kwargs: object) -> str:
        return self.text().format(*args, **kwargs)

    def __getitem__(self, key: SupportsIndex | slice) -> str:
        return self.text()[key]

    def __add__(self, other: str) -> str:
        return self.text() + str(other)

    def __radd__(self, other: str) -> str:
        return str(other) + self.text()

    def __mod__(self, values: object) -> str:
        return self.text() % values

    def __rmod__(self, template: str) -> str:
        return str(template) % self.text()


def _translated(name: str) -> Callable[..., object]:
    method = getattr(str, name)

    def call(self: Msg, *args: object, **kwargs: object) -> object:
        return method(self.text(), *args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = method.__doc__
    return call


# The str methods that read a Msg's characters: each reads the current language's text. (Not
# __eq__, __hash__ and the comparisons: those stay on the id.)
_TRANSLATED: Final = (
    "__len__", "__iter__", "__contains__", "__mul__", "__rmul__",
    "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find",
    "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit",
    "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper",
    "join", "ljust", "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace",
    "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines",
    "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
)  # fmt: skip
for _name in _TRANSLATED:
    setattr(Msg, _name, _translated(_name))


class Plural(Msg):
    """A message with a count: `format(**kw)` picks the form for kw[count] (ngettext)."""

    plural: str
    count_key: str

    def __new__(
        cls, singular: str, plural: str = "", context: str | None = None, *, count: str = "n"
    ) -> Self:
        self = super().__new__(cls, singular, context)
        self.plural = plural
        self.count_key = count
        return self

    def form(self, n: int, lang: Lang | None = None) -> str:
        return ngettext(self.msgid, self.plural, n, self.context, lang)

    def format(self, *args: object, **kwargs: object) -> str:
        n = kwargs[self.count_key]
        if not isinstance(n, int):
            raise TypeError(f"{self.count_key} must be an int")
        return self.form(n).format(*args, **kwargs)


def name_messages(namespace: dict[str, object]) -> None:
    """Give every Msg in a texts module its constant's name as gettext context (msgctxt):
    two constants with the same Italian text may read differently in English."""
    for name, value in namespace.items():
        if isinstance(value, Msg) and value.context is None:
            value.context = name
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, Msg) and item.context is None:
                    item.context = f"{name}.{key}"
