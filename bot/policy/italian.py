"""Italian request forms of a verb: "scrivere" → mi scrivi, me lo scrivete, scrivimi, scrivermi…

A moderator lists infinitives; these functions expand them into the forms Italians use to ask
someone to do something *for them* (the clitic "mi"/"me lo" is what says "for me"). Regular
verbs of the three conjugations are derived from the infinitive; the few irregular ones that
matter (fare, dare, dire, stare, tradurre…) are listed. A multi-word verb keeps its tail:
"buttare giù" → "me lo butti giù", "buttami giù".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts

# Clitic clusters before a finite verb ("me lo fai") and after an imperative/infinitive ("fammelo").
PROCLITICS = ("mi", "me lo", "me la", "me li", "me le", "me ne")
ENCLITICS = ("mi", "melo", "mela", "meli", "mele", "mene")
OBJECT_ENCLITICS = ("", "lo", "la", "li", "le", "ne")

# -ire verbs that do not take -isc- (apro, not aprisco); every other -ire verb does.
_IRE_PLAIN = frozenset(
    {
        "aprire", "riaprire", "offrire", "seguire", "sentire", "coprire", "scoprire", "vestire",
        "servire", "dormire", "partire", "soffrire", "cucire", "bollire", "fuggire",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Forms:
    """The finite and non-finite forms a request uses."""

    second: tuple[str, ...]  # addressed to you: present and conditional, tu and voi
    third: tuple[str, ...]  # about someone: present, conditional, subjunctives (qualcuno mi…)
    imperative: tuple[str, ...]  # tu and voi, before an enclitic (scrivi-, scrivete-)
    infinitive: str  # apocopated, before an enclitic (scriver-)


_IRREGULAR: dict[str, Forms] = {
    "fare": Forms(
        ("fai", "fate", "faresti", "fareste"),
        ("fa", "farebbe", "faccia", "facesse"),
        ("fa", "fate"),
        "far",
    ),
    "dare": Forms(
        ("dai", "date", "daresti", "dareste"),
        ("da", "darebbe", "dia", "desse"),
        ("da", "date"),
        "dar",
    ),
    "dire": Forms(
        ("dici", "dite", "diresti", "direste"),
        ("dice", "direbbe", "dica", "dicesse"),
        ("di", "dite"),
        "dir",
    ),
    "stare": Forms(
        ("stai", "state", "staresti", "stareste"),
        ("sta", "starebbe", "stia", "stesse"),
        ("sta", "state"),
        "star",
    ),
}

# Monosyllabic imperatives double the clitic's consonant: fa' + mi → fammi, di' + lo → dillo.
_DOUBLING = frozenset({"fa", "da", "di", "sta", "va"})


def conjugate(infinitive: str) -> Forms:
    """The request forms of one Italian infinitive (a single word)."""
    verb = infinitive.strip().lower()
    for base, forms in _IRREGULAR.items():
        if verb.endswith(base) and (verb == base or verb[: -len(base)] in ("ri", "rif", "s")):
            prefix = verb[: -len(base)]
            return Forms(
                tuple(prefix + f for f in forms.second),
                tuple(prefix + f for f in forms.third),
                tuple(prefix + f for f in forms.imperative),
                prefix + forms.infinitive,
            )
    if verb.endswith("urre"):  # tradurre, produrre, ridurre
        stem = verb[:-4] + "uc"
        cond = verb[:-1]
        return Forms(
            (stem + "i", stem + "ete", cond + "esti", cond + "este"),
            (stem + "e", cond + "ebbe", stem + "a", stem + "esse"),
            (stem + "i", stem + "ete"),
            verb[:-2],
        )
    if verb.endswith("are"):
        stem = verb[:-3]
        future = stem
        second = stem + "i"
        if stem.endswith(("c", "g")):  # pubblicare → pubblichi, pubblicheresti
            future = stem + "h"
            second = stem + "hi"
        elif stem.endswith(("ci", "gi", "sci")):  # lanciare → lanci, lanceresti
            future = stem[:-1]
            second = stem
        elif stem.endswith("i"):  # copiare → copi
            second = stem
        return Forms(
            (second, stem + "ate", future + "eresti", future + "ereste"),
            (stem + "a", future + "erebbe", second, stem + "asse"),
            (stem + "a", stem + "ate"),
            stem + "ar",
        )
    if verb.endswith("ere"):
        stem = verb[:-3]
        return Forms(
            (stem + "i", stem + "ete", stem + "eresti", stem + "ereste"),
            (stem + "e", stem + "erebbe", stem + "a", stem + "esse"),
            (stem + "i", stem + "ete"),
            stem + "er",
        )
    if verb.endswith("ire"):
        stem = verb[:-3]
        isc = verb not in _IRE_PLAIN
        present2 = stem + ("isci" if isc else "i")
        return Forms(
            (present2, stem + "ite", stem + "iresti", stem + "ireste"),
            (
                stem + ("isce" if isc else "e"),
                stem + "irebbe",
                stem + ("isca" if isc else "a"),
                stem + "isse",
            ),
            (present2, stem + "ite"),
            stem + "ir",
        )
    raise ValueError(texts.POLICY_NOT_AN_INFINITIVE.format(verb=infinitive))


def _enclitic(base: str, clitic: str) -> str:
    if base in _DOUBLING or (len(base) > 2 and base[-2:] in _DOUBLING and base[:-2] == "ri"):
        return base + clitic[0] + clitic
    return base + clitic


def _split(verb: str) -> tuple[str, str]:
    head, _, tail = verb.strip().partition(" ")
    return head, (" " + tail.strip()) if tail.strip() else ""


def second_person(verb: str) -> list[str]:
    """Forms that ask *you* to do it for me: mi fai, me lo scrivete, fammi, potresti farmi…"""
    head, tail = _split(verb)
    forms = conjugate(head)
    out: list[str] = []
    for finite in forms.second:
        out.extend(f"{clitic} {finite}{tail}" for clitic in PROCLITICS)
    for imperative in forms.imperative:
        out.extend(_enclitic(imperative, c) + tail for c in ENCLITICS)
    out.extend(forms.infinitive + c + tail for c in ENCLITICS)
    return _unique(out)


def third_person(verb: str) -> list[str]:
    """Forms about a third person: (qualcuno) mi fa, me lo scrive, (che) mi faccia…"""
    head, tail = _split(verb)
    forms = conjugate(head)
    out: list[str] = []
    for finite in forms.third:
        out.extend(f"{clitic} {finite}{tail}" for clitic in PROCLITICS)
    return _unique(out)


def infinitives(verb: str) -> list[str]:
    """The bare infinitive and the infinitive with an object: fare, farlo, farla…"""
    head, tail = _split(verb)
    forms = conjugate(head)
    return _unique([head + tail] + [forms.infinitive + c + tail for c in OBJECT_ENCLITICS[1:]])


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
