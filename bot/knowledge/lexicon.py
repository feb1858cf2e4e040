"""Word lists for search: stop words, chat shorthand, synonyms and an English→Italian glossary.

Everything here is written as plain, accent-folded words; `bot.knowledge.text` stems them once
at import. The lists describe the language of the domain (blogging, social media, the academy's
courses and server), not any particular question: a word belongs here because members use it.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


# Italian function words: articles, prepositions, pronouns, auxiliaries, fillers. Interrogatives
# (come, quando, dove…) are stop words for matching; `QUESTION_CUES` still reads them.
ITALIAN_STOP_WORDS = frozenset(
    _words(
        """
        a ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl
        dalla dalle di del dello dei degli dell degl della delle in nel nello nei negli nell
        negl nella nelle su sul sullo sui sugli sull sugl sulla sulle per tra fra contro io tu
        lui lei noi voi loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra
        nostri nostre vostro vostra vostri vostre mi ti ci vi lo la li le gli ne il un uno una
        ma ed se perche anche come dov dove che chi cui non piu quale quali qual quanto quanti
        quanta quante quello quelli quella quelle questo questi questa queste si tutto tutti
        tutta tutte a c e i l o ho hai ha abbiamo avete hanno abbia abbiate abbiano avro avrai
        avra avremo avrete avranno avrei avresti avrebbe avremmo avreste avrebbero avevo avevi
        aveva avevamo avevate avevano ebbi avesti ebbe avemmo aveste ebbero avessi avesse
        avessimo avessero avendo avuto avuta avuti avute sono sei siamo siete sia siate siano
        saro sarai sara saremo sarete saranno sarei saresti sarebbe saremmo sareste sarebbero
        ero eri era eravamo eravate erano fui fosti fu fummo foste furono fossi fosse fossimo
        fossero essendo faccio fai facciamo fanno faccia facciate facciano faro farai fara
        faremo farete faranno farei faresti farebbe faremmo fareste farebbero facevo facevi
        faceva facevamo facevate facevano feci facesti fece facemmo faceste fecero facessi
        facesse facessimo facessero facendo fare fatto sto stai sta stiamo stanno stia stiate
        stiano staro starai stara staremo starete staranno starei staresti starebbe staremmo
        stareste starebbero stavo stavi stava stavamo stavate stavano stetti stesti stette
        stemmo steste stettero stessi stesse stessimo stessero stando essere avere cosa cose cos
        quando po poi gia ancora adesso allora quindi pero oppure ovvero cioe tipo proprio
        davvero molto molti molta molte poco pochi tanto tanta tanti tante troppo sempre mai qui
        qua li la ecco solo soltanto qualche qualcosa qualcuno qualcuna ogni altro altra altri
        altre stesso stessa nessuno niente nulla sul via ciao salve buongiorno buonasera grazie
        raga ragazzi ragazze ragazzo ragazza gente amici scusate scusa scusami sapete sai
        sapreste sapresti qualcun vorrei volevo voglio vuoi potete potreste puoi posso possiamo
        devo dobbiamo devi deve dovrei dovrebbe bisogna riesco riesci ok okay boh beh be mah
        magari comunque insomma dunque infatti praticamente esattamente fatemi fammi ditemi
        dimmi dite dici detto dire chiedo chiedere domandina dubbio aiuto aiutatemi aiutarmi
        info informazione informazioni esiste esistono c ce vs etc ecc anzi invece pure mica
        neanche nemmeno neppure circa appena devono dovete dovresti dovremmo dovrebbero dovuto
        dovra dovranno possono potrei potrebbe potrebbero potremmo potresti potra potranno
        potuto vogliono volete vorresti vorremmo vorrebbe vuole vuol intendo intendi intende
        oggi ieri domani stamattina stamani stasera stanotte stamane prossimamente ultimamente
        recentemente tizio tizia roba robe cavolo caspita mannaggia tipa tipi sennò senno
        ehm uhm ehi hey ciaoo graziee regaz
        """
    )
)

# English function words, so English questions are matched on their content words only.
ENGLISH_STOP_WORDS = frozenset(
    _words(
        """
        a an the and or but if of to in on at by for with from into about as is are was were be
        been being am do does did doing done have has had having i me my mine we our ours you
        your yours he him his she her hers it its they them their theirs this that these those
        there here what which who whom whose when where why how can could should would will
        shall may might must not no yes so than too very just only also any some all each every
        more most much many such own same other another again still ever even out up down over
        under then once get got gets getting go goes going gone let lets please hi hello hey
        thanks thank anyone someone something anything need needs want wants wanted like d ll m
        re s t ve don doesn didn isn aren wasn weren won wouldn shouldn couldn can cant im ive
        id youre whats hows theres today tomorrow guys folks currently actually really
        """
    )
)

# Words that only one of the two languages uses, to tell an English question from an Italian one.
ENGLISH_MARKERS = frozenset(
    _words(
        """
        the is are was were be been does did have has had my your our their this that these
        those what which who when where why how can could should would will shall must not any
        some with from into about i me we you they it its there here do don doesn didn isn aren
        """
    )
)
ITALIAN_MARKERS = frozenset(
    _words(
        """
        il lo la gli le un una uno di del della dei delle che non per con come cosa quando dove
        perche quale quanto sono sei ho hai ha mi ti ci si nel nella sul sulla alla al ai posso
        devo serve qualcuno
        """
    )
)

# Chat shorthand and common misspellings, mapped to the word they stand for.
SHORTHAND = {
    "ke": "che",
    "k": "che",
    "xke": "perche",
    "xche": "perche",
    "perke": "perche",
    "x": "per",
    "cmq": "comunque",
    "nn": "non",
    "qlc": "qualche",
    "qlcs": "qualcosa",
    "qlcn": "qualcuno",
    "tt": "tutti",
    "sn": "sono",
    "msg": "messaggio",
    "dm": "messaggio privato",
    "pm": "messaggio privato",
    "pvt": "privato",
    "info": "informazioni",
    "prof": "docente",
    "smm": "social media manager",
    "sm": "social media",
    "ig": "instagram",
    "insta": "instagram",
    "fb": "facebook",
    "yt": "youtube",
    "ga": "analytics",
    "ga4": "analytics 4",
    "wp": "wordpress",
    "adv": "pubblicita",
    "nl": "newsletter",
    "kw": "keyword",
    "cta": "call to action",
    "pls": "per favore",
    "dv": "dove",
    "qnd": "quando",
    "ads": "inserzioni",
}

# Idioms that ask about one concept with function words only ("ogni quanto" = how often):
# read as that concept, in questions and in documents alike.
PHRASES = {
    "ogni quanto": "frequenza",
    "quanto spesso": "frequenza",
    "quante volte": "frequenza",
    "how often": "frequenza",
    "how many times": "frequenza",
    "a che ora": "orario",
    "a che ore": "orario",
    "what time": "orario",
    "quanto tempo": "durata tempo",
    "quanto dura": "durata",
    "how long": "durata",
    "quanto costa": "costo",
    "quanto costano": "costo",
    "how much": "costo",
    "quanto lungo": "lunghezza",
    "quanto lunga": "lunghezza",
    "quante parole": "lunghezza parole",
    "nome colorato": "ruoli colorati",
    "nomi colorati": "ruoli colorati",
    "tenere premuto": "clic",
    "lavoro gratis": "lavoro gratis consulenza",
    "fare rete": "networking rete",
    "dare del tu": "tono",
    "dare del lei": "tono",
    "dare del voi": "tono",
    "best time": "orario",
    "momento migliore": "orario",
    "mettere like": "interazioni",
    "ci mette una vita": "lento",
    "ci mette tanto": "lento",
    "a pagamento": "pagamento budget",
    "senza pagare": "gratis",
    "without paying": "gratis",
    "for free": "gratis",
}

# Number words, so "quattro dimensioni" and "4 dimensioni" meet.
NUMBER_WORDS = {
    "due": "2",
    "tre": "3",
    "quattro": "4",
    "cinque": "5",
    "sei": "6",
    "sette": "7",
    "otto": "8",
    "nove": "9",
    "dieci": "10",
    "undici": "11",
    "dodici": "12",
    "quindici": "15",
    "venti": "20",
    "trenta": "30",
    "quaranta": "40",
    "cinquanta": "50",
    "cento": "100",
    "mille": "1000",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "hundred": "100",
    "thousand": "1000",
}

# Words that mean the same thing to someone asking (each line is one group). Kept tight: a
# loose group makes every question look answerable.
SYNONYM_GROUPS = [
    "diretta dirette live",
    "registrazione registrazioni registrata replay",
    "newsletter email mail",
    "seo posizionamento posizionarsi indicizzazione",
    "foto fotografia fotografie immagine immagini",
    "prezzo prezzi costo costi costare costa spendere spesa",
    "post messaggio messaggi",
    "sconto sconti agevolazione agevolazioni promozione codice",
    "rimborso rimborsi restituzione ridare ridate",
    "attestato certificato certificazione",
    "regole regolamento",
    "fattura fatture ricevuta fatturazione",
    "articolo articoli post",
    "corso corsi percorso",
    "iscritti iscrizione abbonati",
    "rate rateale rateizzare",
    "guadagnare guadagno monetizzare soldi rendere",
    "cliente clienti committente",
    "tariffa tariffe compenso",
    "annuncio annunci offerta offerte",
    "ruolo ruoli colore colori colorati",
    "moderatore moderatori moderazione staff",
    "segnalare segnalazione segnala",
    "sito blog",
    "hashtag hashtags",
    "keyword parola parole chiave",
    "plugin estensione estensioni",
    "lungo lunghezza lunga",
    "frequenza spesso",
    "acconto anticipo",
    "copyright diritti licenza licenze",
    "raduno meetup incontro incontri",
    "scadenza scade scadere",
    "pagamento pagare pago",
    "caption didascalia",
    "podcast episodio episodi",
    "microfono microfoni",
    "gratis gratuito gratuita gratuiti gratuite",
    "consulenza consulenze favore",
    "freelance freelancer",
    "inserzione inserzioni sponsorizzata sponsorizzate campagna campagne",
    # The academy's own words and the ones members use for them.
    "live webinar streaming",
    "rivedere rivederla rivederle replay",
    "materiali dispense slide template modelli",
    "attestato diploma",
    "prezzo listino tariffario",
    "rate dilazionare rateizzazione",
    "rimborso recesso",
    "annullare disdire",
    "canale canali stanza",
    "presentazione presentarsi presentarmi",
    "verificare verifica sbloccare",
    "feedback parere opinione revisione",
    "segnalare reportare denunciare",
    "spam autopromozione pubblicita pubblicizzare promuovere",
    "assumere ingaggiare collaboratore",
    "disponibile disponibilita",
    "supporto assistenza helpdesk ticket",
    "accedere accesso login entrare",
    "dominio indirizzo",
    "cms piattaforma",
    "gdpr privacy",
    "tasse fiscale forfettario",
    "orario orari ora",
    "pubblicare postare",
    "mentor tutor",
    # Topics of the blog, in the words of someone asking about them.
    "storia storie racconto raccontare narrazione",
    "strumento strumenti tool software app",
    "velocita lentezza prestazioni performance pagespeed lighthouse lcp inp cls vitals",
    "tono stile",
    "statistiche metriche",
    "riutilizzare riciclare riadattare trasformare repurposing",
    "luce illuminazione",
    "angolazione inquadratura prospettiva",
    "lamentela critica critiche",
    "omaggio regalo",
    "preventivo stima",
    "contratto accordo",
    "calendario pianificazione",
    # Server and academy vocabulary as members write it.
    "nick nickname username",
    "lezione lezioni videolezione videolezioni",
    "password credenziali",
    "bannare bannato ban espulsione espellere",
    "vietato vietata vietati proibito consentito permesso ammesso",
    "scaricare download",
    "iscriversi iscrivermi iscrizione",
    # Blogging, SEO and social vocabulary.
    "hosting provider",
    "lento lenta lentezza rallentare rallenta veloce velocizzare caricamento",
    "peso pesante pesanti pesare alleggerire compressione comprimere",
    "costanza ritmo regolarita",
    "guest ospite",
    "programmare programmazione schedulare schedulazione",
    "carosello caroselli",
    "backlink link",
    "traffico visite visitatori",
    "follower seguaci",
    "commento commenti",
    "recensione recensioni",
    "diaframma apertura",
    # Irregular verbs whose forms Snowball leaves apart ("propongo" / "proporre").
    "proporre propongo proponi propone proponiamo proposta proposte",
    "scegliere scelgo scegli sceglie scelta",
    # Behaviour to report to the moderators.
    "inappropriato inappropriati offensivo offensivi offesa offese insulto insulti molestia "
    "molestie molestare volgare",
    "incarico incarichi commessa commesse",
]

# Words that address the community or the academy itself ("da voi", "qui", "sul server"): a
# question with one is about how things work here, which the FAQ answers, not the blog.
COMMUNITY_CUES = frozenset(
    _words(
        """
        voi vostro vostra vostri vostre qui qua server discord community communita gruppo
        academy accademia staff moderatori moderazione canale canali your here
        """
    )
)

# How a question asking what something is or means opens ("cos'è il freewriting?"): the blog's
# articles explain concepts, the FAQ says how things work. Accent-folded words, as `words` reads.
DEFINITION_OPENINGS = (
    "cos e",
    "cosa e",
    "che cos e",
    "che cosa e",
    "cosa sono",
    "che cosa sono",
    "cosa significa",
    "che significa",
    "cosa significano",
    "cosa vuol dire",
    "cosa vuole dire",
    "che vuol dire",
    "cosa si intende",
    "what is",
    "what are",
    "what does",
    "what s",
)

# English → Italian, for members who ask in English. Keys are English words (matched by their
# English stem), values the Italian words a blog post would use. Domain vocabulary only.
ENGLISH_GLOSSARY = {
    "account": "account profilo",
    "ad": "inserzione pubblicita",
    "ads": "inserzioni pubblicita",
    "advertise": "pubblicita sponsorizzare",
    "advertising": "pubblicita inserzioni",
    "advice": "consiglio",
    "affiliate": "affiliazione",
    "algorithm": "algoritmo",
    "allowed": "permesso consentito",
    "analytics": "analytics statistiche",
    "angle": "angolazione",
    "answer": "risposta rispondere",
    "apply": "candidatura candidarsi",
    "approach": "approccio metodo",
    "article": "articolo",
    "ask": "chiedere",
    "attach": "allegare",
    "audience": "pubblico",
    "author": "autore",
    "backup": "backup",
    "bad": "negativo",
    "banner": "banner",
    "begin": "iniziare",
    "beginner": "principianti",
    "best": "migliore meglio",
    "better": "meglio migliore",
    "bill": "fattura",
    "bio": "bio biografia",
    "blog": "blog",
    "book": "libro prenotare",
    "brand": "brand marchio",
    "budget": "budget",
    "build": "costruire",
    "business": "attivita azienda",
    "buy": "acquistare comprare acquisto",
    "calendar": "calendario",
    "call": "chiamata",
    "camera": "fotocamera",
    "cancel": "annullare",
    "caption": "didascalia caption",
    "certificate": "attestato certificato",
    "change": "cambiare",
    "channel": "canale",
    "charge": "chiedere tariffa",
    "cheap": "economico",
    "check": "controllare controllo",
    "choose": "scegliere",
    "click": "clic",
    "client": "cliente",
    "comment": "commento",
    "community": "community",
    "company": "azienda",
    "complaint": "lamentela critica",
    "contact": "contattare contatto",
    "content": "contenuto contenuti",
    "contract": "contratto",
    "copy": "testo copy",
    "copywriting": "copywriting",
    "cost": "costo costare prezzo",
    "course": "corso",
    "create": "creare",
    "crisis": "crisi",
    "customer": "cliente",
    "data": "dati",
    "day": "giorno",
    "deadline": "scadenza",
    "decide": "decidere",
    "delete": "cancellare eliminare",
    "deposit": "acconto",
    "description": "descrizione",
    "design": "design grafica",
    "discount": "sconto",
    "domain": "dominio",
    "download": "scaricare",
    "draft": "bozza",
    "earn": "guadagnare",
    "edit": "modificare montaggio",
    "email": "email",
    "engagement": "coinvolgimento interazioni",
    "engaged": "coinvolgimento coinvolta",
    "episode": "episodio",
    "event": "evento",
    "expire": "scadere scadenza",
    "fast": "veloce",
    "fee": "tariffa compenso",
    "feedback": "feedback parere",
    "find": "trovare",
    "follower": "follower",
    "food": "cibo food",
    "format": "formato",
    "free": "gratis gratuito",
    "freelance": "freelance",
    "freelancer": "freelance",
    "frequency": "frequenza",
    "good": "buono",
    "google": "google",
    "grow": "crescere",
    "growth": "crescita",
    "guest": "guest ospite",
    "guide": "guida",
    "hashtag": "hashtag",
    "headline": "titolo headline",
    "help": "aiuto",
    "hire": "assumere cercare",
    "holding": "holding attesa",
    "hosting": "hosting",
    "hour": "ora orario",
    "idea": "idea proposta",
    "image": "immagine",
    "improve": "migliorare",
    "install": "installare",
    "installment": "rate",
    "intent": "intento",
    "introduce": "presentare",
    "invoice": "fattura",
    "job": "lavoro",
    "join": "entrare iscriversi",
    "keyword": "keyword parola chiave",
    "learn": "imparare",
    "length": "lunghezza",
    "lesson": "lezione",
    "link": "link",
    "list": "lista elenco",
    "live": "live diretta",
    "load": "caricare caricamento",
    "logo": "logo",
    "long": "lungo",
    "make": "fare",
    "manager": "manager",
    "marketing": "marketing",
    "material": "materiali",
    "measure": "misurare",
    "meeting": "incontro",
    "meetup": "meetup incontro",
    "member": "membro",
    "mentor": "mentor",
    "message": "messaggio",
    "method": "metodo",
    "metric": "metrica",
    "microphone": "microfono",
    "minimum": "minimo",
    "miss": "perdere perso",
    "mistake": "errore",
    "moderator": "moderatore",
    "money": "soldi",
    "month": "mese",
    "negative": "negativo",
    "newsletter": "newsletter",
    "niche": "nicchia",
    "number": "numero",
    "offer": "offerta",
    "online": "online",
    "open": "aprire apertura",
    "optimize": "ottimizzare",
    "option": "scelta opzione",
    "organic": "organico",
    "page": "pagina",
    "paid": "pagato pagamento",
    "pay": "pagare pagamento",
    "payment": "pagamento",
    "people": "persone",
    "photo": "foto fotografia",
    "photograph": "fotografare fotografia",
    "picture": "foto immagine",
    "plan": "piano pianificare",
    "platform": "piattaforma",
    "plugin": "plugin",
    "podcast": "podcast",
    "policy": "policy informativa",
    "portfolio": "portfolio",
    "post": "post pubblicare",
    "price": "prezzo",
    "pricing": "prezzo tariffe",
    "privacy": "privacy",
    "profile": "profilo",
    "promote": "promuovere",
    "promotion": "promozione autopromozione",
    "propose": "proporre",
    "publish": "pubblicare",
    "quote": "preventivo",
    "rank": "posizionare",
    "ranking": "posizionamento",
    "rate": "tasso tariffa",
    "reach": "copertura",
    "read": "leggere",
    "reader": "lettore",
    "receipt": "ricevuta",
    "record": "registrare registrazione",
    "recording": "registrazione",
    "reel": "reel",
    "refund": "rimborso",
    "register": "registrarsi iscriversi",
    "reliable": "affidabile",
    "reply": "rispondere risposta",
    "report": "segnalare",
    "research": "ricerca",
    "respond": "rispondere",
    "response": "risposta",
    "result": "risultato",
    "retention": "conservazione",
    "review": "recensione revisione",
    "role": "ruolo",
    "rule": "regola",
    "schedule": "programmare calendario",
    "search": "ricerca cercare",
    "see": "vedere",
    "sell": "vendere",
    "send": "inviare",
    "seo": "seo",
    "server": "server",
    "service": "servizio",
    "session": "sessione",
    "share": "condividere",
    "short": "breve",
    "simple": "semplice",
    "site": "sito",
    "size": "dimensione peso",
    "slide": "slide",
    "slow": "lento",
    "small": "piccolo",
    "social": "social",
    "speed": "velocita",
    "sponsored": "sponsorizzato",
    "start": "iniziare aprire",
    "statement": "dichiarazione statement",
    "statistics": "statistiche",
    "story": "storia",
    "storytelling": "storytelling",
    "strategy": "strategia",
    "student": "studente",
    "submit": "proporre inviare",
    "subscriber": "iscritto",
    "support": "supporto assistenza",
    "tax": "tasse fiscale",
    "teach": "insegnare",
    "template": "modello template",
    "text": "testo",
    "theme": "tema",
    "time": "tempo",
    "title": "titolo",
    "tone": "tono",
    "tool": "strumento",
    "topic": "argomento",
    "traffic": "traffico",
    "university": "universita",
    "update": "aggiornamento",
    "user": "utente membro",
    "use": "usare",
    "verify": "verificare",
    "video": "video",
    "view": "visualizzazione",
    "visit": "visita",
    "voice": "voce",
    "watch": "guardare rivedere",
    "website": "sito",
    "week": "settimana",
    "word": "parola",
    "wordpress": "wordpress",
    "work": "lavorare lavoro",
    "write": "scrivere",
    "writer": "scrittore",
    "writing": "scrittura",
    "year": "anno",
    "yesterday": "ieri",
    "program": "percorso corso",
    "installments": "rate",
    "often": "spesso frequenza",
    "weight": "peso",
    "heavy": "pesante",
    "light": "luce",
    "hook": "hook gancio",
    "hourly": "oraria ore",
    "raise": "aumentare",
    "increase": "aumentare",
    "subtitles": "sottotitoli",
    "audio": "audio",
    "sound": "audio",
    "trend": "tendenza trend",
    "batch": "batch batching",
    "editorial": "editoriale",
    "equipment": "attrezzatura",
    "child": "figlio",
    "cache": "cache",
    "internal": "interni",
    "density": "density densita",
    "protagonist": "protagonista",
    "hero": "protagonista",
    "troll": "troll",
    "summary": "informazioni riepilogo",
    "connection": "collegamento",
    "subject": "oggetto",
    "welcome": "benvenuto",
    "sequence": "sequenza",
    "backlink": "backlink",
    "block": "blocco",
    "stuck": "blocco bloccato",
    "technique": "tecnica",
    "repurpose": "riutilizzare repurposing",
    "reuse": "riutilizzare",
    "bounce": "rimbalzo",
    "learning": "apprendimento",
    "phase": "fase",
    "objective": "obiettivo",
    "goal": "obiettivo",
    "test": "testare test",
    "recipe": "ricetta",
    "dish": "piatto",
    "rules": "regole",
    "channels": "canali",
    "notes": "note",
    "cover": "copertina",
    "access": "accesso accedere",
    "login": "accesso accedere",
    "password": "password",
    "username": "nome utente",
    "nickname": "nome",
    "color": "colore",
    "colour": "colore",
    "compress": "comprimere compressione",
    "loading": "caricamento",
    "harass": "segnalare",
    "spam": "spam",
    "ban": "espulsione",
    "promo": "autopromozione",
    "scheduling": "programmare",
    # General vocabulary of questions asked in English.
    "signal": "segnale segnali",
    "look": "guardare",
    "accept": "accettare",
    "recommend": "consigliare consiglio",
    "full": "completo",
    "include": "includere comprendere",
    "fix": "sistemare correggere",
    "set": "impostare configurare",
    "setup": "configurare",
    "tip": "consiglio",
    "way": "modo",
    "question": "domanda",
    "group": "gruppo",
    "name": "nome",
    "rename": "rinominare",
    "upload": "caricare",
    "file": "file",
    "phone": "telefono smartphone",
    "private": "privato",
    "colleague": "collega",
    "favor": "favore",
    "favour": "favore",
    "network": "rete networking",
    "lead": "contatto lead",
    "security": "sicurezza",
    "conversion": "conversione",
    "source": "fonte",
    "duration": "durata",
    "apology": "scuse",
    "conflict": "conflitto",
    "revision": "revisione",
    "external": "esterno esterni",
    "save": "salvare salvataggio",
    "important": "importante",
    "show": "mostrare",
    "keep": "mantenere",
    "stop": "smettere",
    "avoid": "evitare",
    "common": "comune",
    "error": "errore",
    "invite": "invitare invito",
    "leave": "lasciare",
    "remove": "rimuovere",
    "warning": "avviso",
    "language": "lingua",
    "italian": "italiano",
    "english": "inglese",
    "team": "team",
    "academy": "academy",
}

# What makes a chat message read as a question to the bot (beyond a question mark).
QUESTION_CUES = frozenset(
    _words(
        """
        come cosa cos che quale quali qual quando dove perche quanto quanti quanta quante chi
        posso possiamo puo si puoi potete devo dobbiamo serve servono conviene bisogna esiste c
        qualcuno sapete sai mi ci how what which when where why who can could should is are do
        does any
        """
    )
)

# What the community's "no free consultancy" norm is about, to find its FAQ entry or article.
NORM_QUERY = "richiesta di consulenza gratuita: chiedere lavoro gratis ai colleghi"

# Words that carry little of what a question is about (generic verbs, judgements): they still
# count, with WEAK_WORD_FACTOR of their weight, so they cannot decide between two answers.
CONTEXT_FACTOR = 0.6  # a word said around the question, not in it, weighs this much
WEAK_WORDS = frozenset(
    _words(
        """
        usare uso usa usi usato conviene convenire conviene dare do da dai dire dico dici dice
        detto mettere metto metti mette trovare trovo trovi trova vedere vedo vedi vede sapere
        so capire capisco funzionare funziona funzionano fare andare vado va prendere prendo
        tenere tengo bene male giusto giusta giusti buono buona buoni migliore migliori meglio
        vero vera primo prima nuovo nuova serve servono servire bisogno modo cosa volta volte
        tempo parte tipo caso esempio sempre ancora davvero tanto normale possibile
        """
    )
)
WEAK_WORD_FACTOR = 0.35
