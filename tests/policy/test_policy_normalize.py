"""Normalisation: evasion undone, Italian kept, and the way back to the original's offsets."""

from __future__ import annotations

import pytest

from bot.policy.model import term_patterns
from bot.policy.normalize import normalize, normalize_words


def words(text: str) -> list[str]:
    return normalize(text).words


def variants(text: str) -> str:
    """Every segment of the matchable text (elongation variants included)."""
    return normalize(text).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # case and accents
        ("PERCHÉ Consulènza gràtis", ["perche", "consulenza", "gratis"]),
        ("Perche\u0301", ["perche"]),  # a decomposed accent
        # zero-width characters and joiners inside a word
        ("cons\u200bulenza gratu\u200bita", ["consulenza", "gratuita"]),
        ("gra\u200dtis \ufeffbudget bud\u2060get", ["gratis", "budget", "budget"]),
        ("gr\u00adatis", ["gratis"]),  # soft hyphen
        # an emoji ZWJ sequence is not a word and does not glue words together
        ("👩\u200d💻 ciao", ["ciao"]),
        ("ciao 👨\u200d👩\u200d👧 grazie", ["ciao", "grazie"]),
        # look-alikes
        ("grаtis", ["gratis"]),  # Cyrillic а
        ("grαtis", ["gratis"]),  # Greek alpha
        ("СОNSULENZA", ["consulenza"]),  # Cyrillic capitals
        ("ｇｒａｔｉｓ 𝐠𝐫𝐚𝐭𝐢𝐬 ⓖⓡⓐⓣⓘⓢ", ["gratis", "gratis", "gratis"]),
        # leetspeak inside or at the end of a word; real numbers stay numbers
        (
            "gr4tis c0nsulenza fr33 grat1s budg3t",
            ["gratis", "consulenza", "free", "gratis", "budget"],
        ),
        ("zer0 eur0", ["zero", "euro"]),
        # a clitic in leetspeak, and a digit ending a word whose letters were digits too
        ("m1 f4i il l0g0 gr4t1s?", ["mi", "fai", "il", "logo", "gratis"]),
        # zero is "none", not an amount: it stays 0
        ("budget 0 € o 0€, ne ho 10", ["budget", "0", "$", "o", "0$", "ne", "ho", "#"]),
        ("gr@tis", ["gratis"]),
        ("ci metti 5 minuti", ["ci", "metti", "#", "minuti"]),
        ("tra 1 e 2 giorni", ["tra", "#", "e", "#", "giorni"]),
        ("2k follower", ["2k", "follower"]),
        ("budget 500€ o €600", ["budget", "#$", "o", "#$"]),
        # spaced or dotted letters
        ("g r a t i s", ["gratis"]),
        ("g.r.a.t.i.s.", ["gratis"]),
        ("f.r.e.e pls", ["free", "pls"]),
        ("g-r-a-t-i-s", ["gratis"]),
        ("g r 4 t i s", ["gratis"]),
        ("e a", ["e", "a"]),  # two one-letter words are just words
        # Discord markdown
        ("||gratis|| ~~budget~~ `free` **logo**", ["gratis", "budget", "free", "logo"]),
        ("g*r*a*t*i*s", ["gratis"]),
        ("gr**at**is", ["gratis"]),
        # Italian double letters are kept
        ("fammi mettere", ["fammi", "mettere"]),
        # apostrophes and accents written as apostrophes are not quotations
        (
            "un'occhiata, cosi' e' meglio perche' si'",
            ["un", "occhiata", "cosi", "e", "meglio", "perche", "si"],
        ),
    ],
)
def test_normalised_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "contains"),
    [
        ("graaaatis", " gratis "),
        ("freeeee", " free "),
        ("logooooo gratissss", " logo gratis "),
        ("faaaammi", " fammi "),
    ],
)
def test_elongation_variants(text: str, contains: str) -> None:
    assert contains in variants(text)


def test_no_variants_without_elongation() -> None:
    assert "|" not in variants("fammi mettere il logo gratis")


@pytest.mark.parametrize(
    ("text", "own", "quoted"),
    [
        ("> mi fai il logo gratis?\nno grazie", ["no", "grazie"], "mi fai il logo gratis"),
        (">>> tutto quotato\nanche questo", [], "tutto quotato anche questo"),
        (
            'mi ha scritto "mi fai il logo gratis?" assurdo',
            ["mi", "ha", "scritto", "assurdo"],
            "mi fai il logo gratis",
        ),
        ("mia zia: «tanto lo fai dal telefono» 🙄", ["mia", "zia"], "tanto lo fai dal telefono"),
        (
            "mia madre: 'mi fai il logo per la sagra? tanto e' free per te' 💀",
            ["mia", "madre"],
            "mi fai il logo per la sagra tanto e free per te",
        ),
        # short quotations are titles or emphasis: still the writer's words
        ('un logo "gratis" per me?', ["un", "logo", "gratis", "per", "me"], ""),
        ("la 'gratuita' non esiste", ["la", "gratuita", "non", "esiste"], ""),
        # ">" inside a line is not a quotation
        ("prezzo > 100 euro", ["prezzo", "#", "euro"], ""),
    ],
)
def test_quotations_kept_apart(text: str, own: list[str], quoted: str) -> None:
    normalized = normalize(text)
    assert normalized.words == own
    assert normalized.quoted == quoted


@pytest.mark.parametrize(
    "text",
    [
        "Qualcuno mi fa il LOGO gr4tis?? 🙏",
        "cons\u200bulenza  gratu\u200bita\n\nper  favore",
        "g r a t i s logo",
        "ciao\u200d👍 ||gratis|| g.r.a.t.i.s. fine",
        "> citato\nmio testo qui",
        "graaaatis per il mio sitooo",
    ],
)
def test_every_word_maps_back_to_the_original(text: str) -> None:
    normalized = normalize(text)
    spans = normalized.word_spans()
    assert len(spans) == normalized.n_words
    for word, (start, end) in zip(normalized.words, spans, strict=True):
        piece = text[start:end]
        assert piece == piece.strip()  # no surrounding spaces or invisible characters
        assert normalize_words(piece) == [word]


def test_spans_of_spaced_letters_cover_them() -> None:
    text = "cerco chi mi scrive i testi g r a t i s oggi"
    normalized = normalize(text)
    index = normalized.words.index("gratis")
    start, end = normalized.word_spans()[index]
    assert text[start:end] == "g r a t i s"


def test_keywords_use_the_same_normalisation() -> None:
    assert normalize_words("Consulènza GRATUITA") == ["consulenza", "gratuita"]
    assert normalize_words("nn ho budget") == ["non", "ho", "budget"]  # abbreviations expanded
    assert normalize_words("ci metti # minuti") == ["ci", "metti", "#", "minuti"]


def test_spoken_forms_are_looked_for_but_never_rewrite_a_keyword() -> None:
    assert " me fai " in term_patterns("mi fai")  # "chi me fa 'na mano"
    assert " quarcuno mi fa " in term_patterns("qualcuno mi fa")
    assert term_patterns("me lo fai") == (" me lo fai ",)
    assert " budget # " in term_patterns("budget #")
    assert " budget 0 " not in term_patterns("budget #")  # "#" is any number but zero
