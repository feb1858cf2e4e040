"""Every user-facing string, Italian first, in one place."""

from __future__ import annotations

CONSOLE_BANNER = (
    "Rete, console offline. Scrivi come un membro del server «Accademia (locale)»; "
    "i comandi iniziano con / (prova /help, Tab completa). /quit o Ctrl-D per uscire."
)
CONSOLE_ANSWER_COOLDOWN = (
    "(Nessuna risposta automatica: in #{channel} Rete ha già risposto meno di {cooldown} s fa "
    "e risponde da sola al massimo una volta ogni {cooldown} s per canale; di nuovo tra "
    "{left} s. Con /ask risponde subito.)"
)
CONSOLE_GROUP = "Comandi di /{group}:"
CONSOLE_BYE = "Ciao!"
CONSOLE_INTERRUPTED = "(interrotto)"
CLI_FILE_NOT_UTF8 = "il file non è testo UTF-8"
OFFLINE_HINT = (
    "Nessun DISCORD_TOKEN: avvio la console offline. Per collegarti a Discord metti il token "
    "del bot in .env (vedi .env.example) e lancia `rete run`."
)
CONSOLE_UNKNOWN_COMMAND = "Comando sconosciuto: {name}. Scrivi /help per l'elenco."
CONSOLE_NO_REACTION = "(Rete non reagisce a questo messaggio)"
CONSOLE_ROLE = "Ora scrivi come {role}."

HELP_TITLE = "Rete: la rete dell'Accademia"
HELP_INTRO = (
    "Ti insegno a pescare, non ti regalo un pesce. Rete risponde alle domande con le FAQ e gli "
    "articoli del blog, condivide estratti degli articoli e aiuta i moderatori a tenere la "
    "community un posto dove ci si scambia competenze, non lavoro gratis."
)

NOT_MODERATOR = "Questo comando è riservato ai moderatori."
NOT_IN_GUILD = "Questo comando funziona solo in un server."
NOT_OWNER = "Solo il proprietario del bot può farlo."
GENERIC_ERROR = "Qualcosa è andato storto. I moderatori possono trovare i dettagli nei log."
COOLDOWN = "Piano! Riprova tra {seconds:.0f} secondi."
NOT_CONFIGURED = (
    "Rete non è ancora configurata in questo server: un moderatore può usare /setup per "
    "scegliere il canale di revisione."
)

SYNC_DONE = "Comandi sincronizzati: {count} ({scope})."

# --- Review queue, nudges and /setup (issue 6) ----------------------------------------------

REVIEW_TITLE = "Caso #{case_id} · possibile richiesta di lavoro gratuito"
REVIEW_TITLE_SHADOW = "Caso #{case_id} · solo regole in prova (ombra)"
REVIEW_FIELD_AUTHOR = "Autore"
REVIEW_FIELD_CHANNEL = "Canale"
REVIEW_FIELD_LINK = "Messaggio"
REVIEW_JUMP = "[Vai al messaggio]({url})"
REVIEW_FIELD_SCORE = "Punteggio"
REVIEW_SCORE = "{score:.2f} (soglia {threshold:.2f})"
REVIEW_FIELD_RULES = "Regole"
REVIEW_FIELD_STATUS = "Stato"
REVIEW_FIELD_APPEAL = "Ricorso dell'autore"
REVIEW_FOOTER = "policy v{version} · caso #{case_id}"
REVIEW_TEXT_DELETED = "*Messaggio cancellato: il testo non è più conservato.*"
REVIEW_TEXT_PURGED = "*Testo rimosso alla fine del periodo di conservazione.*"
REVIEW_EDITED = "✏️ Il messaggio è stato modificato dopo la segnalazione."
REVIEW_NO_LONGER_FLAGGED = "✏️ Dopo la modifica il messaggio non supera più la soglia."
REVIEW_SHADOW_RULE = "{rule} (ombra)"

STATUS_PENDING = "🕓 Da rivedere"
STATUS_CLAIMED = "🙋 Preso in carico da {who}"
STATUS_CONFIRMED = "✅ Confermato da {who}"
STATUS_DISMISSED = "❎ Falso positivo secondo {who}"
STATUS_REOPENED = "🔁 Riaperto dopo il ricorso dell'autore"
STATUS_SHORT = {
    "pending": "da rivedere",
    "claimed": "preso in carico",
    "confirmed": "confermato",
    "dismissed": "falso positivo",
    "reopened": "riaperto",
}
ACTION_DELETED = "messaggio cancellato"
ACTION_TIMEOUT = "timeout di {duration}"
ACTION_FAILED = "⚠️ non riuscito: {what}"

DURATION_MINUTES = "{n} minuti"
DURATION_HOUR = "1 ora"
DURATION_HOURS = "{n} ore"
DURATION_DAY = "1 giorno"
DURATION_DAYS = "{n} giorni"
DURATION_WEEK = "1 settimana"

BUTTON_CLAIM = "Me ne occupo io"
BUTTON_CONFIRM = "Conferma"
BUTTON_DISMISS = "Falso positivo"
BUTTON_CONFIRM_WITH = "Conferma e…"
CHOOSE_ACTION = "Caso #{case_id}: confermo e poi?"
SELECT_CONFIRM_PLACEHOLDER = "Conferma e intervieni…"
SELECT_DELETE = "Conferma e cancella il messaggio"
SELECT_DELETE_TIMEOUT = "Cancella + timeout di {duration}"
SELECT_TIMEOUT_ONLY = "Solo timeout di {duration} (il messaggio resta)"

CASE_NOT_FOUND = "Non trovo il caso #{case_id} in questo server."
DECISION_TOO_LATE = "Troppo tardi: il caso #{case_id} è già {status}."
DECISION_DONE = "Caso #{case_id}: {status}."

NUDGE = (
    "Ciao! Qui vale una regola semplice: *ti insegno a pescare, non ti regalo un pesce*. "
    "Ci scambiamo competenze e consigli per imparare, ma non chiediamo ai colleghi lavoro o "
    "consulenze gratis. Chiedi pure *come si fa*: in tanti saranno felici di spiegartelo; "
    "se ti serve qualcuno che lo faccia per te, proponi un compenso. 🎣"
)
NUDGE_DM_CONTEXT = "A proposito del tuo messaggio in {channel}: {url}"
NUDGE_NORM_LINK = "Perché lo chiediamo: [{title}]({url})"
NUDGE_NORM_TITLE = "Perché lo chiediamo: «{title}» (prova /ask)"
BUTTON_APPEAL = "Non era una richiesta gratuita"
APPEAL_MODAL_TITLE = "Non era una richiesta gratuita"
APPEAL_LABEL = "Spiega in breve ai moderatori"
APPEAL_PLACEHOLDER = "Per esempio: offrivo un compenso, oppure chiedevo come imparare a farlo."
APPEAL_NOT_AUTHOR = "Solo chi ha scritto il messaggio può fare ricorso."
APPEAL_DONE = "Grazie! I moderatori rivedranno il caso con la tua nota."
APPEAL_ALREADY = "Hai già mandato una nota per questo messaggio: i moderatori la valuteranno."
APPEAL_DISMISSED = (
    "I moderatori hanno già stabilito che non era una richiesta gratuita. Tutto a posto!"
)
APPEAL_NOT_FOUND = "Questo caso non esiste più."

REVIEW_NOT_CONFIGURED = "⚠️ " + NOT_CONFIGURED
REVIEW_PENDING_TITLE = "Casi da rivedere: {count}"
REVIEW_PENDING_EMPTY = "Nessun caso da rivedere. 🎣"
REVIEW_PENDING_LINE = (
    "**#{case_id}** · {status} · <@{author}> in <#{channel}> · {score:.2f} · {rules}"
)
REVIEW_PENDING_SHADOW = "👻 solo regole in prova"
REVIEW_PENDING_MORE = "…e altri {count}. Usa /review case per aprirne uno."
REVIEW_CONFIRM_UNKNOWN_WORD = (
    "Parola sconosciuta «{word}»: dopo /review confirm N puoi scrivere solo {valid}. "
    "Nessuna decisione presa."
)
REVIEW_CONFIRM_BAD_TIMEOUT = (
    "Uso: /review confirm N [cancella] [timeout 10m|1h|1d|1w]. Nessuna decisione presa."
)
REVIEW_STATS_TITLE = "Revisione: come vanno le regole"
REVIEW_STATS_STATUS = "Da rivedere {open} · confermati {confirmed} · falsi positivi {dismissed}"
REVIEW_STATS_LINE = (
    "`{rule}` · casi {cases} · ✅ {confirmed} · ❎ {dismissed} · precisione {precision}"
)
REVIEW_STATS_EMPTY = "Ancora nessun caso: niente da misurare."
REVIEW_STATS_NOISIEST = "Le regole più rumorose"
REVIEW_STATS_NO_NOISE = "Nessun falso positivo finora."
REVIEW_STATS_RULES = "Precisione per regola (confermati / decisi)"

SETUP_TITLE = "Configurazione di Rete"
SETUP_NOT_SET = "non impostato"
SETUP_REVIEW_CHANNEL = "Canale di revisione: {value}"
SETUP_NUDGE = "Promemoria ai membri segnalati: {value}"
SETUP_RETENTION = (
    "Conservazione del testo dei casi chiusi e delle domande senza risposta: {days} giorni"
)
SETUP_EXEMPT_ROLES = "Ruoli esenti: {value}"
SETUP_EXEMPT_CHANNELS = "Canali esenti: {value}"
SETUP_ANSWER_CHANNELS = "Canali con risposte automatiche: {value}"
SETUP_NONE = "nessuno"
NUDGE_MODE_LABELS = {
    "off": "disattivati",
    "reply": "risposta sotto il messaggio",
    "dm": "messaggio privato",
}
SETUP_SAVED = "Fatto: {what}"
SETUP_RETENTION_RANGE = "La conservazione va da 1 a 3650 giorni."
SETUP_CHANNEL_NOT_TEXT = "Scegli un canale di testo in cui Rete può scrivere."
SETUP_CONFIGURED_HINT = "Rete è configurata: i casi arrivano in {channel}."

CONSOLE_CASE_POSTED = (
    "⚑ Caso #{case_id} inviato in #{channel} ai moderatori · {score:.2f} ≥ {threshold:.2f} · "
    "{rules}"
)
CONSOLE_CASE_UPDATED = "⚑ Caso #{case_id} aggiornato dopo la modifica ({status})"
CONSOLE_CASE_SHADOW = "👻 Caso #{case_id} registrato senza avvisi (solo regole in ombra: {rules})"
CONSOLE_CASE_NOT_CONFIGURED = (
    "⚑ Caso #{case_id} registrato, ma nessun canale di revisione: usa /setup review-channel"
)
CONSOLE_NUDGE = "↪ Rete risponde a {author} ({mode}): {text}"
CONSOLE_ANSWER = "💬 Rete risponde: {title} — {text} ({source})"
CONSOLE_DECIDED = "Caso #{case_id}: {status}."
APPEAL_REPLIES = {
    "reopened": APPEAL_DONE,
    "noted": APPEAL_DONE,
    "not_author": APPEAL_NOT_AUTHOR,
    "already": APPEAL_ALREADY,
    "dismissed": APPEAL_DISMISSED,
    "not_found": APPEAL_NOT_FOUND,
}

# /policy in Discord (the policy's own strings are in the policy section below)
POLCMD_TEST_TITLE = "Come Rete giudica questo messaggio"
POLCMD_RULE_SYNTAX = (
    "Parole: gruppi separati da +, parole dello stesso gruppo da virgole, @nome per una lista. "
    "Es.: «mi fai, fammi + logo, @consegne + gratis»."
)
POLCMD_EXPORTED = "La policy attuale (v{version}), da modificare e reimportare con /policy import."
POLCMD_FILE_TOO_BIG = "Il file è troppo grande (massimo {kb} KB)."
POLCMD_FILE_NOT_TEXT = "Il file deve essere testo YAML in UTF-8."
POLCMD_EXEMPT_TARGET = "Indica un ruolo oppure un canale."
POLCMD_EXEMPT_ON = "esente"
POLCMD_EXEMPT_OFF = "di nuovo controllato"
POLCMD_SHADOW_ON = "attiva (registra i casi senza avvisare)"
POLCMD_SHADOW_OFF = "disattivata"
POLCMD_BACKTEST_TITLE = "Backtest sui casi registrati: {source}"
POLCMD_BACKTEST_CURRENT = "la policy attuale (v{version})"
POLCMD_BACKTEST_UPLOADED = "la policy caricata"
POLCMD_BACKTEST_SUMMARY = (
    "Casi riesaminati: {total} (senza più testo, non riesaminabili: {skipped}).\n"
    "Cambierebbero: {changed}.\n"
    "Non più segnalati: {stop}, di cui falsi positivi evitati {fixed} e confermati persi {lost}.\n"
    "Segnalati ora ma non allora: {start}."
)
POLCMD_BACKTEST_LINE = "#{case_id} ({status}): {before} → {after}"
POLCMD_BACKTEST_EMPTY = "Nessun caso con il testo ancora conservato: niente da riesaminare."
POLCMD_ALERT = "segnalato"
POLCMD_NO_ALERT = "non segnalato"

# --- connecting to Discord (`rete run`) ----------------------------------------------------

LOGIN_REFUSED = (
    "Discord ha rifiutato il token (HTTP 401): controlla DISCORD_TOKEN nel Developer Portal "
    "(Bot → Reset Token)."
)
LOGIN_INTENTS_REQUIRED = (
    "Discord chiede di abilitare il Message Content Intent: Developer Portal → Bot → "
    "Privileged Gateway Intents."
)
LOGIN_HTTP_STATUS = (
    "Discord ha risposto con uno stato inatteso (HTTP {status}) al login: riprova più tardi "
    "o controlla RETE_DISCORD_API_BASE se l'hai impostato."
)
LOGIN_UNREACHABLE = "Non riesco a raggiungere Discord ({reason}): controlla la connessione."
LOGIN_TIMEOUT = "tempo scaduto"

# --- policy (keyword policy: validation, console, CLI) -----------------------------------------

POLICY_INVALID = "La policy non è valida, nessuna modifica applicata:"
POLICY_EXPORT_HEADER = (
    "# Policy di Rete esportata. Modificala e reimportala con `rete policy import FILE`\n"
    "# o chiedi a un moderatore. Il formato è spiegato in bot/policy/default_policy.yaml.\n"
)
POLICY_BAD_YAML = "il file non è YAML valido{where}"
POLICY_TOO_BIG = "la policy è troppo lunga (massimo {kb} KB)"
POLICY_NOT_A_MAPPING = "il file deve essere una mappa con threshold, allow, lists, rules"
POLICY_UNKNOWN_KEY = "{where}: chiave sconosciuta «{key}»"
POLICY_BAD_THRESHOLD = "threshold deve essere un numero maggiore di zero"
POLICY_BAD_IDS = "{key}: serve un elenco di id Discord (numeri)"
POLICY_NOT_A_LIST = "{where}: «{key}» deve essere un elenco"
POLICY_NOT_TEXT = "{where}: in «{key}» {item} non è una parola o una frase"
POLICY_ALLOW_PROBLEM = "allow «{term}»: {problem}"
POLICY_LISTS_NOT_MAPPING = "lists deve essere una mappa nome → parole"
POLICY_WHERE_LIST = "lista «{name}»"
POLICY_WHERE_RULE = "regola «{name}»"
POLICY_BAD_NAME = "{where}: il nome deve essere minuscolo, senza spazi (lettere, cifre, - _ . +)"
POLICY_LIST_BODY = "{where}: deve essere un elenco di parole o una mappa con terms/verbs"
POLICY_LIST_EMPTY = "{where}: è vuota"
POLICY_TERM_PROBLEM = "{where}: «{term}»: {problem}"
POLICY_TERM_EMPTY = "parola vuota"
POLICY_TERM_TOO_LONG = "troppo lunga (massimo {limit} caratteri)"
POLICY_TERM_WILDCARD = "il * va solo all'inizio o alla fine"
POLICY_TERM_NO_WORDS = "non contiene lettere o cifre"
POLICY_TERM_WILDCARD_SHORT = "con il * servono almeno {n} lettere"
POLICY_RULES_NOT_LIST = "rules deve essere un elenco di regole"
POLICY_TOO_MANY_RULES = "troppe regole (massimo {limit})"
POLICY_TOO_MANY_TERMS = "troppe parole: {n} (massimo {limit}, contando i verbi coniugati)"
POLICY_RULE_BODY = "regola n. {n}: deve essere una mappa con name, weight, any/all"
POLICY_RULE_NAME = "regola n. {n}: manca il nome (minuscolo, senza spazi)"
POLICY_RULE_DUPLICATE = "{where}: nome già usato da un'altra regola"
POLICY_RULE_WEIGHT = "{where}: weight deve essere un numero diverso da zero"
POLICY_RULE_ANY_ALL = "{where}: serve esattamente uno tra «any» e «all»"
POLICY_RULE_WITHIN = "{where}: within deve essere un numero di parole tra 1 e {limit}"
POLICY_RULE_SHADOW = "{where}: shadow deve essere true o false"
POLICY_RULE_EMPTY_GROUP = "{where}: un gruppo è vuoto"
POLICY_RULE_TOO_MANY_GROUPS = "{where}: troppi gruppi in «all» (massimo {limit})"
POLICY_RULE_WITHIN_ALONE = "{where}: within ha senso solo con «all» e almeno due gruppi"
POLICY_UNKNOWN_LIST = "{where}: la lista {item} non esiste"
POLICY_RULE_REQUIRES = "{where}: requires «{name}» deve essere una regola che viene prima"
POLICY_NO_SUCH_RULE = "Non c'è nessuna regola «{name}»."
POLICY_VERSION_NOT_KEPT = "La versione {version} della policy non è stata conservata."
POLICY_NO_SUCH_LIST = "Non c'è nessuna lista «{name}»."
POLICY_RULE_EXISTS = "Esiste già una regola «{name}»."
POLICY_RULE_IN_USE = "La regola «{name}» è richiesta da «{by}»: toglila prima da lì."
POLICY_LIST_IN_USE = "La lista «{name}» è usata dalla regola «{by}»."
POLICY_NOT_ALLOWED = "«{term}» non è nella allow-list."

POLICY_TEST_CLEAN = "Nessuna regola scatta (punteggio 0, soglia {threshold:g}, policy v{version})."
POLICY_TEST_RESULT = "{outcome}: punteggio {score:.2f} su soglia {threshold:g} (policy v{version})"
POLICY_TEST_FLAGGED = "SEGNALATO"
POLICY_TEST_SHADOW_ONLY = "SEGNALATO solo da regole in prova (shadow)"
POLICY_TEST_OK = "non segnalato"
POLICY_TEST_HIT = "  {sign}{weight:.2f} {rule}{shadow}: {matched}"
POLICY_SHADOW_MARK = " [shadow]"
POLICY_RULES_HEADER = "Regole (soglia {threshold:g}, policy v{version}):"
POLICY_RULE_LINE = "  {weight:+.2f} {name}{shadow} — {description}"
POLICY_THRESHOLD_SET = "Soglia impostata a {threshold:g} (policy v{version})."
POLICY_SHADOW_SET = "Regola «{name}»: shadow {state} (policy v{version})."
POLICY_WEIGHT_SET = "Regola «{name}»: peso {weight:+.2f} (policy v{version})."
POLICY_RULE_ADDED = "Regola «{name}» aggiunta (policy v{version})."
POLICY_RULE_REMOVED = "Regola «{name}» tolta (policy v{version})."
POLICY_ALLOW_ADDED = "«{term}» aggiunto alla allow-list (policy v{version})."
POLICY_ALLOW_REMOVED = "«{term}» tolto dalla allow-list (policy v{version})."
POLICY_ALLOW_HEADER = "Allow-list: {terms}"
POLICY_ALLOW_EMPTY = "La allow-list è vuota (aggiungi una frase con /policy allow add FRASE)."
POLICY_ALLOW_PAGE_HEADER = "Allow-list: {count} frasi (pagina {page} di {pages}):"
POLICY_ALLOW_NEXT = "Altre frasi: /policy allow pagina {page}"
POLCMD_ALLOW_NEXT = "Altre frasi: /policy allow page:{page}"
POLICY_EXEMPT_SET = "Esenzione {kind} {target}: {state} (policy v{version})."
POLICY_HISTORY_HEADER = "Ultime modifiche alla policy:"
POLICY_HISTORY_LINE = "  v{version} {at} da {actor}: {action} {detail}"
POLICY_HISTORY_EMPTY = "Nessuna modifica registrata."
POLICY_IMPORTED = "Policy importata: {rules} regole, {lists} liste (policy v{version})."
POLICY_EXPORTED_TO = "Policy v{version} scritta in {path}."
POLICY_IMPORT_SAME = (
    "Il file è identico alla policy attuale (v{version}): nessuna modifica, versione invariata."
)
POLICY_IMPORT_OLDER = (
    "Nota: il file era stato esportato dalla policy v{exported}, ma la policy attuale era la "
    "v{previous}: le modifiche fatte dopo la v{exported} sono state sostituite "
    "(vedi /policy history)."
)
POLICY_FLAGS_NOTHING = (
    "Questa policy non può segnalare nessun messaggio: {why}. Nessuna modifica applicata. "
    "Se vuoi davvero spegnere le segnalazioni, ripeti il comando "
    "aggiungendo --allow-no-flagging (rete policy import, /policy import e /policy threshold "
    "in console) o l'opzione allow_no_flagging (/policy import e /policy threshold su Discord)."
)
POLICY_FLAGS_NOTHING_NO_RULES = "non ha regole con peso positivo"
POLICY_FLAGS_NOTHING_LOW = (
    "anche con tutte le regole insieme il punteggio arriva a {max:g}, sotto la soglia {threshold:g}"
)
POLICY_FLAGGING_OFF = (
    "⚠ Segnalazioni spente: la policy attuale (v{version}) non può segnalare nessun messaggio "
    "({why}). Reimporta una policy con regole o abbassa la soglia."
)
POLICY_USAGE_ADD = (
    "Uso: /policy add NOME PESO PAROLE [--within N] [--shadow], per esempio "
    "/policy add logo-gratis 0.6 mi fai, fammi + logo + gratis"
)
CONSOLE_NO_SUCH_TARGET = "Non conosco «{name}»: scegli tra {known} (o un id)."
POLICY_USAGE = (
    "Uso: /policy test TESTO | /policy rules | /policy threshold N | "
    "/policy shadow REGOLA on|off | /policy weight REGOLA N | "
    "/policy allow [pagina N|add FRASE|remove FRASE] | "
    "/policy exempt role|channel NOME|ID on|off | /policy history | "
    "/policy add NOME PESO PAROLE | /policy remove NOME | /policy backtest [FILE] | "
    "/policy import FILE [--allow-no-flagging] | /policy export [FILE] | /policy learn [accept]"
)

# Learning weights from decisions (issue 13)
POLICY_LEARN_HEADER = (
    "Pesi imparati da {n} esempi ({flagged} da segnalare, {clean} no) sulla policy v{version}."
)
POLICY_LEARN_SCORES = (
    "Sugli esempi, prima: precisione {p0:.2f}, richiamo {r0:.2f} (soglia {t0:g}); "
    "dopo: precisione {p1:.2f}, richiamo {r1:.2f} (soglia {t1:g})."
)
POLICY_LEARN_NEWLY_FLAGGED = "Nuovi segnalati: {n}{which}"
POLICY_LEARN_NEWLY_CLEARED = "Non più segnalati: {n}{which}"
POLICY_LEARN_WEIGHTS = "Pesi che cambiano ({n}):"
POLICY_LEARN_WEIGHT = "  {rule}: {before:+.2f} → {after:+.2f}"
POLICY_LEARN_MORE_WEIGHTS = "  … e altri {n}"
POLICY_LEARN_NO_CHANGE = "Nessun peso cambia: la policy resterebbe com'è."
POLICY_LEARN_ACCEPT_CLI = (
    "Niente è cambiato ancora. Per applicarli: lo stesso comando con --accept."
)
POLICY_LEARN_ACCEPT_CONSOLE = "Niente è cambiato ancora. Per applicarli: /policy learn accept"
POLICY_LEARN_ACCEPT_DISCORD = "Niente è cambiato ancora. Per applicarli: /policy learn accept:True"
POLICY_LEARN_APPLIED = "Pesi imparati applicati: policy v{version} (soglia {threshold:g})."
POLICY_LEARN_TOO_FEW = (
    "Per imparare i pesi servono almeno {min} decisioni con il testo, sia confermate sia "
    "archiviate (ora: {detail})."
)
POLICY_LEARN_STALE = (
    "la policy è cambiata (ora v{current}) da quando i pesi sono stati imparati (su v{base}): "
    "rilancia learn"
)
POLICY_LEARN_DETAIL = "{n} esempi: precisione {p0:.2f}→{p1:.2f}, richiamo {r0:.2f}→{r1:.2f}"
POLICY_LEARN_TITLE = "Pesi imparati dalle decisioni"
CLI_LEARN_BAD_LINE = (
    '{path}, riga {n}: serve un oggetto JSON con "text" e "label" ("flag" oppure "ok")'
)

# --- Knowledge base (issue 5) ---------------------------------------------------------------
KB_DONT_KNOW = (
    "Non lo so: nelle FAQ e negli articoli del blog non trovo una risposta sicura a questa "
    "domanda. Prova a riformularla, o chiedi in #domande."
)
KB_UNSURE = "Non ne sono sicura: forse trovi la risposta in una di queste fonti."
KB_SUGGESTION = "• {title} ({kind}): {gist}"
KB_WHY_SOURCE = "Perché: la fonte migliore è {source} ({kind})."
KB_WHY_MATCHED = "Parole della domanda trovate nella fonte: {words}"
KB_WHY_MISSING = "Parole della domanda che la fonte non ha: {words}"
KB_WHY_CONFIDENCE = "Sicurezza {percent}% (rispondo da {threshold}%)"
KB_WHY_FEATURES = "Indizi: {features}"
KB_SOURCE_FAQ = "FAQ della community"
KB_SOURCE_ARTICLE = "Dal blog"
KB_CONFIDENCE = "sicurezza {percent}%"
KB_FOOTER = "{source} · {details}"
KB_BY = "di {author}"
KB_READ_MORE = "Leggi l'articolo completo"
KB_EXCERPT_NONE = "Non trovo un passaggio degli articoli che corrisponda a «{query}»."
KB_ARTICLE_NOT_FOUND = "Non trovo l'articolo «{article}»."
KB_FEEDBACK_THANKS_UP = "Grazie! Mi fa piacere che la risposta sia stata utile."
KB_FEEDBACK_THANKS_DOWN = (
    "Grazie del riscontro: i moderatori lo useranno per migliorare le risposte."
)
KB_FEEDBACK_UP_LABEL = "Utile"
KB_FEEDBACK_DOWN_LABEL = "Non utile"
KB_FAQ_ADDED = "FAQ aggiunta: **{key}** — {question}"
KB_FAQ_EDITED = "FAQ aggiornata: **{key}** — {question}"
KB_FAQ_REMOVED = "FAQ rimossa: **{key}** — {question}"
KB_FAQ_LIST_HEADER = "FAQ visibili in questo server ({count}):"
KB_FAQ_LIST_LINE = "• `{key}` {question}{shared}"
KB_FAQ_SHARED_MARK = " _(condivisa)_"
KB_FAQ_LIST_EMPTY = "Non ci sono FAQ: importane un file con /faq import."
KB_FAQ_EXPORTED = "Ecco le FAQ di questo server ({count}), in YAML: si reimportano con /faq import."
UNREADABLE_CHOICE = (
    "Non riconosco questa scelta per il caso #{case_id}: il menu è di una versione precedente. "
    "Riapri il caso con /review case e scegli di nuovo."
)
KB_FEED_ANNOUNCE_MORE = "…e altri {count} articoli nuovi dal feed {url}"
KB_FAQ_TOO_LONG_TO_EDIT = (
    "La FAQ **{key}** non entra nel modulo di modifica: «{field}» ha {length} caratteri, al "
    "massimo {most}. Scaricala con /faq export, accorciala e reimportala con /faq import "
    "(oppure toglila con /faq remove)."
)
KB_FAQ_EXPORTED_OWN = (
    "FAQ proprie di questo server: {own}, in YAML (si reimportano con /faq import)."
)
KB_FAQ_EXPORT_SHARED_HINT = (
    " Le {shared} FAQ condivise dell'Accademia non sono incluse: per averle tutte, "
    "/faq export con shared (in console: /faq export tutte)."
)
KB_FAQ_EXPORTED_ALL = (
    "Tutte le FAQ visibili in questo server: {count} ({own} proprie, {shared} condivise "
    "dell'Accademia), in YAML."
)
KB_FAQ_IMPORT_BAD_FILE = "Allega un file YAML di FAQ (.yaml o .yml), come quello di /faq export."
KB_IMPORT_REPORT = (
    "Importazione completata: articoli {a_added} nuovi, {a_updated} aggiornati, "
    "{a_unchanged} invariati; FAQ {f_added} nuove, {f_updated} aggiornate, {f_unchanged} invariate."
)
KB_IMPORT_SKIPPED = "Saltati: {count} ({first})"
KB_SYNC_NO_SOURCES = (
    "Nessuna fonte configurata: imposta RETE_KNOWLEDGE_SOURCES (per esempio ../shared/corpus) "
    "o segui un feed con /articles feed."
)
KB_FEED_FOLLOWED = "Seguo il feed {url}: i nuovi articoli saranno annunciati in {channel}."
KB_FEED_FOLLOWED_QUIET = "Seguo il feed {url} (senza annunci)."
KB_FEED_UNFOLLOWED = "Non seguo più il feed {url}."
KB_FEED_NOT_FOUND = "Non seguivo il feed {url}."
KB_FEED_ANNOUNCE = "📰 Nuovo articolo sul blog: **{title}**{link}"
KB_ANSWER_CHANNEL_ON = (
    "In {channel} risponderò da sola alle domande, quando sono sicura, al massimo una volta "
    "ogni 2 minuti per canale (per non invadere la conversazione; /ask risponde sempre)."
)
KB_ANSWER_CHANNEL_OFF = "In {channel} non risponderò più da sola alle domande."
KB_FAQ_MODAL_TITLE = "Nuova FAQ"
KB_FAQ_EDIT_MODAL_TITLE = "Modifica FAQ"
KB_FAQ_FIELD_QUESTION = "Domanda"
KB_FAQ_FIELD_VARIANTS = "Altre formulazioni (una per riga)"
KB_FAQ_FIELD_ANSWER = "Risposta"
KB_FAQ_FIELD_LINKS = "Link (uno per riga, facoltativi)"
KB_CONSOLE_USAGE_ASK = "Uso: /ask DOMANDA"
KB_CONSOLE_USAGE_EXCERPT = "Uso: /excerpt TESTO [--article SLUG]"
KB_CONSOLE_USAGE_FAQ = (
    "Uso: /faq list | /faq add DOMANDA || RISPOSTA | /faq edit ID [DOMANDA] || [RISPOSTA] | "
    "/faq remove ID | "
    "/faq export [tutte] (senza «tutte» solo le FAQ proprie del server) | /faq import FILE"
)
KB_CONSOLE_USAGE_ANSWERS = "Uso: /answers on|off [CANALE] (senza canale: quello corrente)"
KB_CONSOLE_USAGE_FEED = "Uso: /articles feed URL [CANALE] | /articles unfeed URL"
KB_CONSOLE_EMPTY = (
    "La base di conoscenza è vuota: carica il corpus dell'Accademia con "
    "`rete knowledge import ../shared/corpus` (o /knowledge import PERCORSO qui)."
)

# --- Learning from use (issue 12): unanswered questions, votes, moderators' decisions --------
LEARN_VOTE_SAME = "Avevi già dato questo voto a questa risposta: ne conta uno solo."
LEARN_VOTE_REPLACED = "Ho sostituito il tuo voto precedente su questa risposta."
LEARN_VOTE_UNKNOWN = "Non trovo più questa risposta: il voto non è stato registrato."
LEARN_LIST_TITLE = "Domande senza una buona risposta ({total})"
LEARN_LIST_EMPTY = (
    "Nessuna domanda in sospeso: quando Rete non sa rispondere, o una risposta riceve 👎, "
    "la domanda compare qui."
)
LEARN_LIST_LINE = "**#{item_id}** · {count}× · {reasons} · {when}{where}\n> {question}{source}"
LEARN_LIST_WHERE = " · <#{channel_id}>"
LEARN_LIST_SOURCE = "\nRete: `{source}`"
LEARN_LIST_FOOTER = (
    "Pagina {page} di {pages} · /faq attach per aggiungerla a una FAQ, /faq write per scriverne "
    "una nuova, /faq dismiss per scartarla"
)
LEARN_REASON_ABSTAINED = "senza risposta {n}×"
LEARN_REASON_THUMBS_DOWN = "👎 {n}×"
LEARN_NOT_FOUND = "Non c'è una domanda #{item_id} tra quelle senza risposta di questo server."
LEARN_ALREADY = "La domanda #{item_id} è già stata decisa: {status}."
LEARN_STATUS = {
    "open": "in sospeso",
    "attached": "aggiunta alla FAQ {key} da {who}",
    "written": "diventata la FAQ {key} per mano di {who}",
    "dismissed": "scartata da {who}",
}
LEARN_NO_FAQ = "Non c'è una FAQ con id «{key}» in questo server."
LEARN_ATTACHED = (
    "La domanda #{item_id} ora è una formulazione della FAQ **{key}**: d'ora in poi risponderò "
    "così."
)
LEARN_WRITTEN = "Dalla domanda #{item_id} è nata la FAQ **{key}** — {question}"
LEARN_DISMISSED = "Domanda #{item_id} scartata: non tornerà nell'elenco."
LEARN_TOO_MANY_VARIANTS = (
    "La FAQ «{key}» ha già troppe formulazioni per il modulo di modifica: toglietene qualcuna "
    "con /faq edit prima di aggiungerne altre."
)
LEARN_CHOICE = "#{item_id} ({count}×) {question}"
LEARN_CONSOLE_USAGE = (
    "Uso: /faq unanswered [PAGINA] | /faq attach N ID_FAQ | /faq write N RISPOSTA | /faq dismiss N"
)
LEARN_CONSOLE_LINE = "#{item_id} · {count}× · {reasons} · {when}{where}: {question}{source}"
LEARN_CONSOLE_VOTE_HINT = "(utile? /vote {answer_id} up · non utile? /vote {answer_id} down)"
LEARN_CONSOLE_VOTE_USAGE = "Uso: /vote N up|down (N è il numero mostrato sotto la risposta)"
LEARN_VOTE_THANKS = {True: KB_FEEDBACK_THANKS_UP, False: KB_FEEDBACK_THANKS_DOWN}
