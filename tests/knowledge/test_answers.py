"""Answering over the academy's corpus: ranking, abstention, excerpts, auto-answers, the FAQ.

The ranking cases are our own questions (tests/knowledge/data/questions.jsonl), written from
the corpus, never from ../shared/eval: that set measures the engine, this one guards it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import limits
from bot.knowledge import KnowledgeError, KnowledgeService
from bot.knowledge.service import ANSWER_THRESHOLD
from bot.knowledge.text import analyse_query, fold, index_terms, looks_like_question
from tests.knowledge.conftest import DATA, Clock

OWN = [json.loads(line) for line in (DATA / "questions.jsonl").read_text("utf-8").splitlines()]
ANSWERABLE = [q for q in OWN if q["expect"]]
UNANSWERABLE = [q for q in OWN if not q["expect"]]


async def test_our_questions_top1_and_abstention(corpus: KnowledgeService) -> None:
    right = [
        q["id"]
        for q in ANSWERABLE
        if (a := await corpus.ask(q["text"])) and a.source in q["expect"]
    ]
    abstained = [q["id"] for q in UNANSWERABLE if await corpus.ask(q["text"]) is None]
    # 0.85 before issue 12, when these questions were also the confidence's only fit; now they
    # are asked without themselves as examples and the fit is mostly other writers'
    assert len(right) / len(ANSWERABLE) >= 0.8
    assert len(abstained) / len(UNANSWERABLE) >= 0.75


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("quanto costa il percorso completo?", "faq-costi-corsi"),
        ("Quanto costa il Percorso Completo???", "faq-costi-corsi"),  # case, punctuation
        ("quanto costa il percorso completo", "faq-costi-corsi"),
        ("perche non vedo tutti i canali", "faq-verifica-accesso-discord"),  # no accent
        ("cos'è il metodo pomodoro?", "article:blocco-dello-scrittore"),
        ("quali sono le 3 angolazioni per fotografare il cibo?", "article:fotografia-food-blogger"),
        (
            "tre angolazioni per fotografare il cibo",
            "article:fotografia-food-blogger",
        ),  # number word
        ("where can I watch the live recordings?", "faq-registrazioni-live"),  # English
        ("cosa sono i core web vitals?", "article:velocita-del-sito"),
        ("come si fa la keyword research gratis?", "article:keyword-research-guida-pratica"),
        # the sentence before the question only sets the scene
        pytest.param(
            "scrivo di seo e keyword research da anni. come si diventa mentor?",
            "faq-diventare-mentor",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known (issue 12): the context sentence's SEO words make the keyword "
                "research article win: the classifier of labelled questions reads the whole "
                "message (weighing the context less, or leaving it out, lowered the other "
                "writers' sets left out)",
            ),
        ),
        # what something is: the article explains it, a FAQ only mentions it
        ("che cosa sono i backlink?", "article:guest-posting-link-building"),
        ("cosa sono le keyword?", "article:keyword-research-guida-pratica"),
        # "submit" → proporre, which the FAQ writes "propongo"
        ("how can I submit a guest post to your blog?", "faq-proporre-guest-post"),
        # behaviour to report, in the moderators' words
        ("un utente mi manda messaggi offensivi, a chi lo dico?", "faq-segnalare-messaggio"),
    ],
)
async def test_ranking_cases(corpus: KnowledgeService, question: str, source: str) -> None:
    answer = await corpus.ask(question)
    assert answer is not None, question
    assert answer.source == source
    assert ANSWER_THRESHOLD <= answer.score <= 1.0


@pytest.mark.parametrize(
    "question",
    [
        "qual è la formazione della juventus stasera?",
        "mi passi la ricetta della lasagna?",
        "come si ripara una lavatrice che perde acqua?",
        "what's the weather like in Rome?",
        "",
        "???",
    ],
)
async def test_abstains_off_topic(corpus: KnowledgeService, question: str) -> None:
    assert await corpus.ask(question) is None


async def test_lookup_keeps_the_best_candidate_when_abstaining(corpus: KnowledgeService) -> None:
    found = await corpus.lookup("come si ripara una lavatrice che perde acqua?")
    assert found.answer() is None
    assert found.best is None or found.best.score < ANSWER_THRESHOLD


async def test_answer_carries_article_metadata(corpus: KnowledgeService) -> None:
    answer = await corpus.ask("quanti hashtag usare su instagram?")
    assert answer is not None
    assert answer.source == "article:instagram-algoritmo-reels"
    assert answer.title.startswith("Instagram nel 2023")
    assert " — " in answer.title
    assert answer.url == "https://blog.example.it/instagram-algoritmo-reels/"
    assert answer.author
    assert answer.date
    assert len(answer.date) == 10
    assert not answer.text.lstrip().startswith("#")


async def test_when_unsure_it_suggests_likely_sources_never_an_answer(
    corpus: KnowledgeService,
) -> None:
    question = "come faccio il piano editoriale per tiktok e pinterest insieme a mio cugino"
    found = await corpus.reply(question)
    if found.answer is None:
        assert 1 <= len(found.suggestions) <= 3
        assert len({s.source for s in found.suggestions}) == len(found.suggestions)
    off_topic = await corpus.reply("qual è la capitale dell'australia?")
    assert off_topic.answer is None
    assert off_topic.suggestions == ()


async def test_a_sure_answer_comes_without_suggestions(corpus: KnowledgeService) -> None:
    found = await corpus.reply("quanto costa il percorso completo?")
    assert found.answer is not None
    assert found.answer.source == "faq-costi-corsi"
    assert found.suggestions == ()
    assert found.why is not None
    assert found.why.source == "faq-costi-corsi"
    assert {"costo", "percorso"} <= set(found.why.matched)  # "quanto costa" reads as "costo"
    assert found.why.kind == "faq"
    assert found.why.confidence == found.answer.score


@pytest.mark.parametrize(
    ("question", "allowed"),
    [
        # Answered with a wrong source at 68-96 % before the confidence was refitted on other
        # writers: each must now answer with the right source or abstain.
        pytest.param(
            "come si scrive un buon articolo per il blog?",
            {
                None,
                "article:seo-on-page-per-blogger",
                "article:piano-editoriale-blog",
                "article:blocco-dello-scrittore",
            },
            marks=pytest.mark.xfail(
                strict=True,
                reason="known (issue 12): the FAQ on proposing a guest post to the academy's "
                "blog still wins this how-to question with high confidence",
            ),
        ),
        (
            "come si scrive un buon titolo?",
            {None, "article:copywriting-per-i-social", "article:seo-on-page-per-blogger"},
        ),
        ("quanto costa un logo?", {None}),
    ],
)
async def test_once_confidently_wrong_now_right_or_silent(
    corpus: KnowledgeService, question: str, allowed: set[str | None]
) -> None:
    answer = await corpus.ask(question)
    assert (answer.source if answer else None) in allowed


async def test_asking_someone_to_make_the_logo_finds_the_free_consultancy_faq(
    corpus: KnowledgeService,
) -> None:
    answer = await corpus.ask("posso chiedere a qualcuno di farmi il logo?")
    assert answer is not None
    assert answer.source == "faq-richiesta-consulenza-gratuita"


async def test_norm_entry_is_the_free_consultancy_faq(corpus: KnowledgeService) -> None:
    entry = await corpus.norm_entry(123)
    assert entry is not None
    assert entry.source in {"faq-richiesta-consulenza-gratuita", "faq-perche-niente-lavoro-gratis"}


# --- excerpts -------------------------------------------------------------------------------


@pytest.mark.parametrize("max_chars", [120, 300, 700, limits.EMBED_DESCRIPTION_MAX])
async def test_excerpt_is_trimmed_at_a_sentence_within_the_limit(
    corpus: KnowledgeService, max_chars: int
) -> None:
    excerpt = await corpus.excerpt(
        "sette tecniche contro il blocco dello scrittore", max_chars=max_chars
    )
    assert excerpt is not None
    assert excerpt.source == "article:blocco-dello-scrittore"
    assert len(excerpt.text) <= max_chars
    assert excerpt.text.endswith((".", "!", "?", "…", "»", ":", ";"))
    assert excerpt.author == "Chiara Locatelli"
    assert excerpt.date == "2023-01-17"
    assert excerpt.url == "https://blog.example.it/blocco-dello-scrittore/"


async def test_excerpt_in_a_chosen_article(corpus: KnowledgeService) -> None:
    excerpt = await corpus.excerpt("hashtag", "instagram-algoritmo-reels")
    assert excerpt is not None
    assert "hashtag" in excerpt.text.lower()
    by_title = await corpus.excerpt(
        "", "Velocità del sito: perché il tuo blog è lento e come sistemarlo"
    )
    assert by_title is not None
    assert by_title.slug == "velocita-del-sito"
    assert by_title.section is None  # no query: the article's opening
    with pytest.raises(KnowledgeError):
        await corpus.excerpt("x", "un-articolo-che-non-esiste")


async def test_excerpt_of_nothing_relevant(corpus: KnowledgeService) -> None:
    assert await corpus.excerpt("formazione della juventus") is None


async def test_title_choices(corpus: KnowledgeService) -> None:
    choices = await corpus.title_choices("")
    assert len(choices) == limits.AUTOCOMPLETE_CHOICES_MAX
    assert await corpus.title_choices("VELOCITA") == [
        ("velocita-del-sito", "Velocità del sito: perché il tuo blog è lento e come sistemarlo")
    ]
    assert await corpus.title_choices("zzzz") == []
    assert await corpus.title_choices("100%_") == []  # LIKE wildcards are escaped


# --- auto-answer ----------------------------------------------------------------------------


async def test_auto_answer_channel_question_cooldown(
    corpus: KnowledgeService, clock: Clock
) -> None:
    question = "quanto costa il percorso completo?"
    assert await corpus.auto_answer(1, 10, question, now=0.0) is None  # not an answer channel
    await corpus.set_answer_channel(1, 10, enabled=True)
    assert await corpus.auto_answer(1, 11, question, now=0.0) is None  # another channel
    assert await corpus.auto_answer(1, 10, "grazie a tutti, ottimo corso", now=0.0) is None
    first = await corpus.auto_answer(1, 10, question, now=1000.0)
    assert first is not None
    assert first.source == "faq-costi-corsi"
    cooldown = corpus.auto_answer_cooldown_s
    assert await corpus.auto_answer(1, 10, question, now=1000.0 + cooldown - 1) is None
    assert await corpus.auto_answer(1, 10, question, now=1000.0 + cooldown + 1) is not None
    await corpus.set_answer_channel(1, 10, enabled=False)  # the cache follows
    assert await corpus.auto_answer(1, 10, question, now=1e9) is None


async def test_auto_answer_stays_quiet_when_unsure(corpus: KnowledgeService) -> None:
    await corpus.set_answer_channel(1, 10, enabled=True)
    assert await corpus.auto_answer(1, 10, "chi ha vinto ieri sera il derby?", now=0.0) is None
    # An unsure answer does not start the cooldown.
    assert (
        await corpus.auto_answer(1, 10, "quanto costa il percorso completo?", now=1.0) is not None
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quanto costa il corso?", True),
        ("come si fa a entrare nel canale live", True),
        ("qualcuno sa dove trovo le registrazioni", True),
        ("how do I get a refund", True),
        ("grazie mille a tutti!", False),
        ("ok", False),
        ("ciao?", False),
        ("oggi ho pubblicato il mio primo articolo", False),
    ],
)
def test_looks_like_question(text: str, expected: bool) -> None:
    assert looks_like_question(text) is expected


# --- text analysis --------------------------------------------------------------------------


def test_analysis_folds_stems_and_drops_stop_words() -> None:
    assert fold("Perché CITTÀ ﬁne") == "perche citta fine"
    assert index_terms("Le registrazioni delle dirette") == index_terms("registrazione diretta")
    assert index_terms("quattro dimensioni") == index_terms("4 dimensioni")
    assert index_terms("il e di che") == []


def test_query_concepts_and_language() -> None:
    english = analyse_query("where can I watch the recording?")
    assert english.english
    recording = next(c for c in english.concepts if c.word == "recording")
    assert set(index_terms("registrazione")) <= recording.stems
    italian = analyse_query("la newsletter settimanale")
    assert not italian.english
    newsletter = next(c for c in italian.concepts if c.word == "newsletter")
    assert set(index_terms("email")) <= newsletter.stems
    assert analyse_query("il e di che").empty


# --- FAQ management and feedback ------------------------------------------------------------


async def test_faq_add_edit_remove_in_a_guild(corpus: KnowledgeService) -> None:
    entry = await corpus.add_faq(
        9,
        "Dove si parcheggia per il meetup?",
        "Nel cortile interno.",
        variants=["C'è un parcheggio?"],
    )
    assert entry.key == "faq-dove-si-parcheggia-per-il-meetup"
    assert entry.guild_id == 9
    again = await corpus.add_faq(9, "Dove si parcheggia per il meetup?", "Altra risposta.")
    assert again.key == entry.key + "-2"
    edited = await corpus.edit_faq(9, entry.key, answer="In via Roma, davanti all'aula.")
    assert edited.answer == "In via Roma, davanti all'aula."
    # two entries ask the same question, so Rete may be unsure which: the edited text is still
    # the best candidate, and the first source it offers
    found = await corpus.lookup("dove parcheggio per il meetup?", 9)
    assert found.best is not None
    assert "via Roma" in found.best.text
    await corpus.remove_faq(9, entry.key)
    await corpus.remove_faq(9, again.key)
    after = await corpus.ask("dove parcheggio per il meetup?", 9)
    assert after is None or not after.source.startswith("faq-dove-si-parcheggia")  # unindexed
    with pytest.raises(KnowledgeError, match="condivise"):
        await corpus.edit_faq(9, "faq-costi-corsi", answer="gratis!")
    with pytest.raises(KnowledgeError):
        await corpus.remove_faq(9, "faq-inesistente")
    with pytest.raises(KnowledgeError, match="link"):
        await corpus.add_faq(9, "Domanda valida?", "Risposta.", links=["non-un-link"])


async def test_faq_export_then_import_round_trip(service: KnowledgeService, tmp_path: Path) -> None:
    await service.add_faq(
        3, "C'è il wifi in aula?", "Sì, la password è sulla lavagna.", links=["https://x.it/a"]
    )
    exported = await service.export_faq(3)
    report = await service.import_file("faq.yaml", exported.encode(), 4)
    assert report.faqs_added == 1
    (copy,) = await service.faq_entries(4, include_shared=False)
    assert (copy.question, copy.links) == ("C'è il wifi in aula?", ("https://x.it/a",))
    with pytest.raises(KnowledgeError, match=r"faq\.yaml"):
        await service.import_file("faq.yaml", b"- id: x\n  question: q?\n", 4)


async def test_feedback_one_vote_per_member(service: KnowledgeService) -> None:
    await service.record_feedback(1, "faq-x", 100, True)
    await service.record_feedback(1, "faq-x", 101, False)
    await service.record_feedback(1, "faq-x", 100, False)  # changed their mind
    assert await service.feedback(1, "faq-x") == (0, 2)
    assert await service.feedback(2, "faq-x") == (0, 0)


def test_idioms_read_as_the_concept_they_ask_about() -> None:
    concepts = {c.word for c in analyse_query("ogni quanto devo aggiornare il blog?").concepts}
    assert "frequenza" in concepts
    assert "frequenza" in {c.word for c in analyse_query("how often should I post?").concepts}
    # in a document the idiom's own words stay, followed by the concept
    assert index_terms("quante volte") == [*index_terms("volte"), *index_terms("frequenza")]


def test_verb_forms_share_a_root() -> None:
    from bot.knowledge.ranking import root

    assert root("apro") == root("apre") == root("aprir") != ""
    assert root("pubblic") == root("pubblicar")
    assert root("seo") == ""  # too short to stand for a family


async def test_community_questions_prefer_the_faq(corpus: KnowledgeService) -> None:
    # "voi" asks about the academy itself: its FAQ, not the podcast article's hosting section
    answer = await corpus.ask("voi che hosting usate?")
    assert answer is not None
    assert answer.source == "faq-quale-hosting"


async def test_community_questions_rank_the_faq_first(
    corpus: KnowledgeService,
) -> None:
    found = await corpus.lookup("voi che hosting usate?")
    assert found.best is not None
    assert found.best.source == "faq-quale-hosting"


async def test_how_tos_rank_the_article(corpus: KnowledgeService) -> None:
    how_to = await corpus.ask("come si scrive un guest post per un altro blog?")
    assert how_to is not None
    assert how_to.source == "article:guest-posting-link-building"


async def test_abstains_on_near_miss_topics(corpus: KnowledgeService) -> None:
    # platforms and subjects next to the corpus' own, which it does not cover
    for question in ("come apro un negozio su shopify?", "come si crea un canale twitch?"):
        assert await corpus.ask(question) is None, question


# --- ranking mechanisms ---------------------------------------------------------------------


def test_sentences_around_the_question_are_context() -> None:
    concepts = {
        c.word: c for c in analyse_query("ho pagato il corso ieri. come divento mentor?").concepts
    }
    assert concepts["pagato"].context
    assert concepts["corso"].context
    assert not concepts["mentor"].context
    # a word said in both keeps its full weight
    both = analyse_query("ho un blog di ricette. che hosting usate per il blog?").concepts
    assert not next(c for c in both if c.word == "blog").context
    # without a question mark nothing is context; a dot inside a word does not end a sentence
    assert not any(c.context for c in analyse_query("ho un blog. cerco un hosting").concepts)
    assert not any(c.context for c in analyse_query("meglio wordpress.com o .org?").concepts)
    # a follow-up that opens with a question word asks too
    assert not any(c.context for c in analyse_query("dove scrivo? in quale canale").concepts)


def test_definition_questions_are_recognised() -> None:
    for text in ("cos'è il freewriting?", "cosa sono i backlink", "What is a lead magnet?"):
        assert analyse_query(text).definition, text
    for text in ("cosa serve per aprire un blog?", "come si scrive un titolo?"):
        assert not analyse_query(text).definition, text


def test_lexicon_reads_plurals_and_english_words() -> None:
    # Snowball stems "pareri" and "parere" apart: the other number still finds the synonyms
    pareri = analyse_query("vorrei dei pareri").concepts[0]
    assert set(index_terms("feedback")) <= pareri.stems
    # "user" is a member, not a form of "use"
    user = next(c for c in analyse_query("how do I report a user?").concepts if c.word == "user")
    assert set(index_terms("utente")) <= user.stems
    assert not set(index_terms("usare")) & user.stems


async def test_a_colour_in_a_design_question_is_not_about_roles(corpus: KnowledgeService) -> None:
    # The roles FAQ speaks of coloured names; colour names are not synonyms of each other or
    # of "colore", or every design question would be answered with the roles.
    answer = await corpus.ask("che colore uso per il bottone della newsletter, rosso o blu?")
    assert answer is None or answer.source != "faq-ruoli-server"


async def test_a_typo_inside_a_suffix_the_stemmer_cuts_is_corrected(
    corpus: KnowledgeService,
) -> None:
    # "regolamento" stems to "regol": the misspelt word's stem ("regolamnet") is far from every
    # known stem, but the word is one swapped or one extra letter away from a known word
    for question in ("dove trovo il regolamneto?", "dove trovo il regolammento?"):
        found = await corpus.lookup(question)
        assert found.best is not None, question
        assert found.best.source == "faq-regole-server", question
        assert not found.missing, question  # the misspelt word is found in the answer
