"""Italian request forms generated from infinitives: inflection and clitics."""

from __future__ import annotations

import pytest

from bot.policy import italian


@pytest.mark.parametrize(
    ("verb", "forms"),
    [
        (
            "fare",
            {
                "mi fai",
                "me lo fai",
                "mi fate",
                "mi faresti",
                "mi fareste",
                "fammi",
                "fatemi",
                "fammelo",
                "fatemelo",
                "farmi",
                "farmelo",
            },
        ),
        ("rifare", {"mi rifai", "rifammi", "rifatemi", "rifarmi"}),
        (
            "scrivere",
            {
                "mi scrivi",
                "me la scrivi",
                "mi scrivete",
                "mi scriveresti",
                "scrivimi",
                "scrivetemi",
                "scrivimela",
                "scrivermi",
                "scrivermelo",
            },
        ),
        ("creare", {"mi crei", "mi create", "mi creeresti", "creami", "createmi", "crearmi"}),
        ("gestire", {"mi gestisci", "mi gestite", "mi gestiresti", "gestiscimi", "gestirmi"}),
        ("aprire", {"mi apri", "aprimi", "aprirmi"}),
        ("pubblicare", {"mi pubblichi", "mi pubblicheresti", "pubblicami", "pubblicarmi"}),
        ("lanciare", {"mi lanci", "mi lanceresti"}),
        ("tradurre", {"mi traduci", "mi traducete", "mi tradurresti", "traducimi", "tradurmi"}),
        ("buttare giù", {"me la butti giù", "mi buttate giù", "buttami giù", "buttarmi giù"}),
    ],
)
def test_second_person_forms(verb: str, forms: set[str]) -> None:
    assert forms <= set(italian.second_person(verb))


@pytest.mark.parametrize(
    ("verb", "forms"),
    [
        ("fare", {"mi fa", "me lo fa", "mi farebbe", "mi faccia", "mi facesse"}),
        ("scrivere", {"mi scrive", "me lo scrive", "mi scriverebbe", "mi scriva", "mi scrivesse"}),
        ("gestire", {"mi gestisce", "mi gestisca", "mi gestirebbe"}),
        ("analizzare", {"mi analizza", "mi analizzasse"}),
    ],
)
def test_third_person_forms(verb: str, forms: set[str]) -> None:
    assert forms <= set(italian.third_person(verb))


def test_second_person_forms_are_not_third_person() -> None:
    assert "mi fa" not in italian.second_person("fare")
    assert "mi scrive" not in italian.second_person("scrivere")


def test_infinitives_with_an_object() -> None:
    assert {"fare", "farlo", "farla", "farli"} <= set(italian.infinitives("fare"))


@pytest.mark.parametrize("verb", ["logo", "gratis", "fa"])
def test_a_non_verb_is_refused(verb: str) -> None:
    with pytest.raises(ValueError, match="infinito"):
        italian.conjugate(verb)
