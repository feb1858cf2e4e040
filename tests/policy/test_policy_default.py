"""The shipped default policy on messages written for these tests (not from the eval sets).

Each line is a case the policy must get right; the quality on labelled data is measured by
benchmarks/policy_quality.py, not asserted here.
"""

from __future__ import annotations

import pytest

from bot.policy import CompiledPolicy, evaluate

FREE_WORK_REQUESTS = [
    # Italian clitic and inflected request forms
    "ragazzi qualcuno mi disegna un logo per la mia pasticceria? non ho soldi adesso",
    "mi fareste la grafica per il volantino dell'evento? è per beneficenza",
    "potresti scrivermi tu la newsletter di domani? ti ripago con un caffè",
    "avrei bisogno di qualcuno che mi sistemi il sito wordpress, purtroppo non posso pagare",
    "fammi un logo dai, per te è una sciocchezza, ci metti 5 minuti",
    "me la fai tu la bio di instagram? tanto sei bravissima",
    "cerco qualcuno che mi faccia la strategia social gratis per il mio negozio",
    "mi impostate voi le campagne facebook? io non ci capisco niente, budget zero",
    "qualcuno mi traduce il sito in inglese gratuitamente?",
    "mi gestiresti la pagina instagram per un mese? in cambio ti faccio pubblicità",
    "vorrei che qualcuno mi scrivesse il business plan, gratis se possibile",
    "raga chi mi fa da copywriter per il lancio? nn posso pagare",
    "mi date una mano a scrivere la pagina about? intendo scriverla voi",
    "ehi, mi prepareresti tu il piano social per il lancio? dai che sei bravissima",
    "ci pensate voi al mio piano editoriale? io non ho tempo",
    "mi aiutereste con il sito? sono senza budget",
    "qualcuno che mi scriva le didascalie per tutto il mese? pagherei ma ora non posso",
    # English
    "could someone write the copy for my landing page? can't pay yet sorry",
    "need someone to design my youtube thumbnails, no budget atm",
    "yo can u guys do a quick logo for my channel? i'll give you a shoutout",
    # no verb at all, but a deliverable, someone asked and no payment
    "logo gratis qualcuno? 🙏",
    "mi serve una consulenza gratuita sulla strategia ig, chi c'è?",
    # evasion
    "qualcuno mi fa il l0go gr4tis?",
    "cerco chi mi scrive i testi del sito g r a t i s",
    "mi scrivete il comunicato stampa grаtis?",  # Cyrillic а
    "mi fareste una cons\u200bulenza gratu\u200bita?",
    "||mi fai il logo gratis?||",
    # a personalised consultancy: "explain it all / tell me exactly what to do" on my own case
    "mi spiegate tutto in privato sul mio caso? ho un e-commerce, cosa sbaglio?",
    "qualcuno mi dice esattamente cosa devo fare per il podcast? in call, punto per punto",
    # visibility, a tag or a meal as the payment
    "cerco illustratrice per le copertine del mio romanzo, compenso in visibilità sulle mie pagine",
    "mi rifai il logo? in cambio ti taggo in tutte le stories",
    "qualcuno mi sistema il sito? vi offro una pizza quando passate a Bologna",
    # payment put off, or conditional on the result
    "mi scriveresti le descrizioni dei prodotti? se funziona ti pago dal mese prossimo",
    # "dare un'occhiata" plus the fix, the money already spent, gratitude instead of pay
    "potresti dare un'occhiata al mio shop e sistemarmi le schede prodotto? abbiamo speso tutto",
    "chi mi scrive la newsletter di benvenuto? ve ne sarei grata, non ho budget",
    # issue 13's classes: evasion as a new user types it, regional speech with money denied,
    # payment put off, payment in kind, a contest whose product is the writer's deliverable
    "m1 f4i il l0g0 gr4t1s?",
    "regà chi me scrive 'na bio pe' la pagina? soldi nun ce ne stanno",
    "mi scrivete le caption di dicembre? vi pago appena monetizzo",
    "mi rifai il logo? ti pago in pizza",
    "concorso per i grafici: chi disegna il logo del mio podcast vince una menzione",
]

FINE = [
    "ragazzi come si fa un calendario editoriale? voglio imparare a farlo bene",
    "cerco un web designer per rifare il sito, budget 1200€, scrivetemi",
    "mi ha scritto un tizio chiedendomi di fargli il sito gratis, voi che fate?",
    "vi lascio qui il template gratuito del piano editoriale, usatelo pure",
    "offro una call gratuita di 15 minuti a chi vuole capire se la newsletter fa per lui",
    "mi fate sapere se il link del webinar funziona?",
    "che ne pensate del mio nuovo logo? l'ho fatto con canva",
    "c'è qualcuno che fa foto prodotto a milano? pago ovviamente",
    "non ho budget per la pubblicità, quali strategie organiche mi consigliate?",
    "mi fai un preventivo per la gestione dei social del mio bar?",
    "se qualcuno ha bisogno di una mano con le grafiche posso spiegare come uso figma",
    "ahah mi fai morire 😂",
    "chi mi fa compagnia in vocale mentre scrivo gli articoli?",
    "mi scrivi quando sei libera? così facciamo la call per il progetto",
    "potete dare un'occhiata al mio sito e dirmi se vi piace la home? il resto lo sistemo io",
    "mia zia: 'mi fai il logo per la sagra? tanto è gratis per te' 🙄",
    "> qualcuno mi fa il logo gratis?\nregola del server: queste richieste non si fanno",
    "can you guys recommend a tool to schedule posts for free?",
    "I'm looking for a freelance designer for my brand, paid project, DM me",
    "Free webinar tomorrow on personal branding, link in #events",
    # near misses of the categories above
    "mi spieghi tutto su come funziona il pixel di meta? voglio capire come usarlo",
    "offro consulenze personalizzate in privato, scrivetemi per il listino",
    "cerco grafico per copertina, pagamento 300€ più visibilità sul mio blog",
    "ieri cena offerta dal cliente dopo la consegna del sito, che soddisfazione",
    "date un'occhiata al mio nuovo articolo sul blog, che ne pensate?",
    "ho investito tutto nel corso di copywriting e ora sto scrivendo le mie prime newsletter",
    "mi ha chiesto di gestirgli il profilo e poi se va bene magari mi paga, voi accettereste?",
    # issue 13's false positives: whether a course is free, a job post with a salary
    "la masterclass di canva è gratuita per gli iscritti?",
    "cerchiamo un copywriter, RAL 30k, contratto a tempo indeterminato, scrivetemi",
]


@pytest.mark.parametrize("text", FREE_WORK_REQUESTS)
def test_free_work_requests_are_flagged(default_compiled: CompiledPolicy, text: str) -> None:
    verdict = evaluate(default_compiled, text)
    assert verdict.flagged, [(h.rule, h.weight) for h in verdict.hits]
    assert verdict.alert  # the default policy has no shadow rules


@pytest.mark.parametrize("text", FINE)
def test_other_messages_are_not(default_compiled: CompiledPolicy, text: str) -> None:
    verdict = evaluate(default_compiled, text)
    assert not verdict.flagged, [(h.rule, h.weight) for h in verdict.hits]
