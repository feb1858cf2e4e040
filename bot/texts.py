"""Every user-facing string, Italian first, in one place."""

from __future__ import annotations

from bot.i18n import Msg, Plural, name_messages

CONSOLE_BANNER = Msg(
    "Rete, console offline. Scrivi come un membro del server «Accademia (locale)»; "
    "i comandi iniziano con / (prova /help, Tab completa). /quit o Ctrl-D per uscire."
)
CONSOLE_ANSWER_COOLDOWN = Msg(
    "(Nessuna risposta automatica: in #{channel} Rete ha già risposto meno di {cooldown} s fa "
    "e risponde da sola al massimo una volta ogni {cooldown} s per canale; di nuovo tra "
    "{left} s. Con /ask risponde subito.)"
)
CONSOLE_GROUP = Msg("Comandi di /{group}:")
CONSOLE_COMMANDS = Msg("Comandi:")
CONSOLE_HELP_CHAT = Msg("Tutto il resto è un messaggio in chat nel canale corrente.")
CONSOLE_MODERATORS_MARK = Msg(" (moderatori)")
CONSOLE_LANG_USAGE = Msg("Uso: /lang it oppure /lang en")
CONSOLE_LANG_SET = Msg("Lingua della console: {name}.")
CONSOLE_AS_USAGE = Msg("Uso: /as mod oppure /as member")
CONSOLE_CHANNEL_SET = Msg("Ora scrivi in #{name}.")
CONSOLE_APPEAL_HINT = Msg("[{button}: /appeal {case_id} NOTA]")
CONSOLE_APPEAL_USAGE = Msg("Uso: /appeal N la tua nota per i moderatori")
CONSOLE_BYE = Msg("Ciao!")
CONSOLE_INTERRUPTED = Msg("(interrotto)")
CONFIG_INVALID = Msg("Impostazioni non valide:\n  - {problems}")
CONFIG_NOT_AN_ID = Msg("{key}: «{value}» non è un id Discord (un numero di 17-20 cifre)")
CONFIG_BAD_TOKEN = Msg(
    "DISCORD_TOKEN: non sembra il token di un bot (troppo corto o con degli spazi)"
)
CONFIG_BAD_LEVEL = Msg("RETE_LOG_LEVEL: «{value}» non è uno tra {levels}")
CONFIG_BAD_URL = Msg("{key}: «{value}» non è un indirizzo http(s) o ws(s)")
CONFIG_BAD_NUDGE_MINUTES = Msg(
    "RETE_CATCHUP_NUDGE_MINUTES: «{value}» non è un numero di minuti tra 0 e 10080"
)
CLI_NO_SUCH_FILE = Msg("file o cartella inesistente: {path}")
CLI_PERMISSION_DENIED = Msg("permesso negato: {path}")
CLI_IS_A_DIRECTORY = Msg("è una cartella, non un file: {path}")
CLI_NOT_A_DIRECTORY = Msg("una parte del percorso non è una cartella: {path}")
CLI_DISK_FULL = Msg("disco pieno scrivendo {path}")
CLI_READ_ONLY = Msg("file system in sola lettura: {path}")
CLI_OS_ERROR = Msg("non riesco a leggere o scrivere {path} (errore {code})")
CLI_FILE_NOT_UTF8 = Msg("il file non è testo UTF-8")
OFFLINE_HINT = Msg(
    "Nessun DISCORD_TOKEN: avvio la console offline. Per collegarti a Discord metti il token "
    "del bot in .env (vedi .env.example) e lancia `rete run`."
)
CONSOLE_UNKNOWN_COMMAND = Msg("Comando sconosciuto: {name}. Scrivi /help per l'elenco.")
CONSOLE_NO_REACTION = Msg("(Rete non reagisce a questo messaggio)")
CONSOLE_ROLE = Msg("Ora scrivi come {role}.")
# The console's two local users, as the prompt and the replies name them.
CONSOLE_MEMBER_NAME = Msg("membro")
CONSOLE_MODERATOR_NAME = Msg("moderatrice")
# The words after /review confirm N that delete the message, as errors show them (the console
# accepts all four whatever its language: «cancella», «elimina», «delete», «remove»).
CONSOLE_DELETE_WORDS = Msg("cancella, elimina")

HELP_TITLE = Msg("Rete: la rete dell'Accademia")
HELP_INTRO = Msg(
    "Ti insegno a pescare, non ti regalo un pesce. Rete risponde alle domande con le FAQ e gli "
    "articoli del blog, condivide estratti degli articoli e aiuta i moderatori a tenere la "
    "community un posto dove ci si scambia competenze, non lavoro gratis."
)

NOT_MODERATOR = Msg("Questo comando è riservato ai moderatori.")
CONSOLE_NOT_MODERATOR = Msg(
    "Questo comando è riservato ai moderatori. (scrivi /as mod per fare la moderatrice)"
)
NOT_IN_GUILD = Msg("Questo comando funziona solo in un server.")
NOT_OWNER = Msg("Solo il proprietario del bot può farlo.")
GENERIC_ERROR = Msg("Qualcosa è andato storto. I moderatori possono trovare i dettagli nei log.")
COOLDOWN = Msg("Piano! Riprova tra {seconds:.0f} secondi.")
NOT_CONFIGURED = Msg(
    "Rete non è ancora configurata in questo server: un moderatore può usare /setup per "
    "scegliere il canale di revisione."
)

SYNC_DONE = Msg("Comandi sincronizzati: {count} ({scope}).")

# --- Review queue, nudges and /setup (issue 6) ----------------------------------------------

REVIEW_TITLE = Msg("Caso #{case_id} · possibile richiesta di lavoro gratuito")
REVIEW_TITLE_SHADOW = Msg("Caso #{case_id} · solo regole in prova (ombra)")
REVIEW_FIELD_AUTHOR = Msg("Autore")
REVIEW_FIELD_CHANNEL = Msg("Canale")
REVIEW_FIELD_LINK = Msg("Messaggio")
REVIEW_JUMP = Msg("[Vai al messaggio]({url})")
REVIEW_FIELD_SCORE = Msg("Punteggio")
REVIEW_SCORE = Msg("{score:.2f} (soglia {threshold:.2f})")
REVIEW_FIELD_RULES = Msg("Regole")
REVIEW_FIELD_STATUS = Msg("Stato")
REVIEW_FIELD_APPEAL = Msg("Ricorso dell'autore")
REVIEW_FOOTER = Msg("policy v{version} · caso #{case_id}")
REVIEW_TEXT_DELETED = Msg("*Messaggio cancellato: il testo non è più conservato.*")
REVIEW_TEXT_PURGED = Msg("*Testo rimosso alla fine del periodo di conservazione.*")
REVIEW_EDITED = Msg("✏️ Il messaggio è stato modificato dopo la segnalazione.")
REVIEW_NO_LONGER_FLAGGED = Msg("✏️ Dopo la modifica il messaggio non supera più la soglia.")
REVIEW_SHADOW_RULE = Msg("{rule} (ombra)")

STATUS_PENDING = Msg("🕓 Da rivedere")
STATUS_CLAIMED = Msg("🙋 Preso in carico da {who}")
STATUS_CONFIRMED = Msg("✅ Confermato da {who}")
STATUS_DISMISSED = Msg("❎ Falso positivo secondo {who}")
STATUS_REOPENED = Msg("🔁 Riaperto dopo il ricorso dell'autore")
STATUS_SHORT = {
    "pending": Msg("da rivedere"),
    "claimed": Msg("preso in carico"),
    "confirmed": Msg("confermato"),
    "dismissed": Msg("falso positivo"),
    "reopened": Msg("riaperto"),
}
ACTION_DELETED = Msg("messaggio cancellato")
ACTION_TIMEOUT = Msg("timeout di {duration}")
ACTION_FAILED = Msg("⚠️ non riuscito: {what}")

DURATION_MINUTES = Plural("{n} minuto", "{n} minuti")
DURATION_HOUR = Msg("1 ora")
DURATION_HOURS = Plural("{n} ora", "{n} ore")
DURATION_DAY = Msg("1 giorno")
DURATION_DAYS = Plural("{n} giorno", "{n} giorni")
DURATION_WEEK = Msg("1 settimana")

BUTTON_CLAIM = Msg("Me ne occupo io")
BUTTON_CONFIRM = Msg("Conferma")
BUTTON_DISMISS = Msg("Falso positivo")
BUTTON_CONFIRM_WITH = Msg("Conferma e…")
CHOOSE_ACTION = Msg("Caso #{case_id}: confermo e poi?")
SELECT_CONFIRM_PLACEHOLDER = Msg("Conferma e intervieni…")
SELECT_DELETE = Msg("Conferma e cancella il messaggio")
SELECT_DELETE_TIMEOUT = Msg("Cancella + timeout di {duration}")
SELECT_TIMEOUT_ONLY = Msg("Solo timeout di {duration} (il messaggio resta)")

CASE_NOT_FOUND = Msg("Non trovo il caso #{case_id} in questo server.")
DECISION_TOO_LATE = Msg("Troppo tardi: il caso #{case_id} è già {status}.")
DECISION_DONE = Msg("Caso #{case_id}: {status}.")

NUDGE = Msg(
    "Ciao! Qui vale una regola semplice: *ti insegno a pescare, non ti regalo un pesce*. "
    "Ci scambiamo competenze e consigli per imparare, ma non chiediamo ai colleghi lavoro o "
    "consulenze gratis. Chiedi pure *come si fa*: in tanti saranno felici di spiegartelo; "
    "se ti serve qualcuno che lo faccia per te, proponi un compenso. 🎣"
)
NUDGE_DM_CONTEXT = Msg("A proposito del tuo messaggio in {channel}: {url}")
NUDGE_NORM_LINK = Msg("Perché lo chiediamo: [{title}]({url})")
NUDGE_NORM_TITLE = Msg("Perché lo chiediamo: «{title}» (prova /ask)")
BUTTON_APPEAL = Msg("Non era una richiesta gratuita")
APPEAL_MODAL_TITLE = Msg("Non era una richiesta gratuita")
APPEAL_LABEL = Msg("Spiega in breve ai moderatori")
APPEAL_PLACEHOLDER = Msg("Per esempio: offrivo un compenso, oppure chiedevo come imparare a farlo.")
APPEAL_NOT_AUTHOR = Msg("Solo chi ha scritto il messaggio può fare ricorso.")
APPEAL_DONE = Msg("Grazie! I moderatori rivedranno il caso con la tua nota.")
APPEAL_ALREADY = Msg("Hai già mandato una nota per questo messaggio: i moderatori la valuteranno.")
APPEAL_DISMISSED = Msg(
    "I moderatori hanno già stabilito che non era una richiesta gratuita. Tutto a posto!"
)
APPEAL_NOT_FOUND = Msg("Questo caso non esiste più.")

REVIEW_NOT_CONFIGURED = Msg(
    "⚠️ Rete non è ancora configurata in questo server: un moderatore può usare /setup per "
    "scegliere il canale di revisione."
)
REVIEW_PENDING_TITLE = Msg("Casi da rivedere: {count}")
REVIEW_PENDING_EMPTY = Msg("Nessun caso da rivedere. 🎣")
REVIEW_PENDING_LINE = Msg(
    "**#{case_id}** · {status} · <@{author}> in <#{channel}> · {score:.2f} · {rules}"
)
REVIEW_PENDING_SHADOW = Msg("👻 solo regole in prova")
REVIEW_PENDING_MORE = Plural(
    "…e un altro. Usa /review case per aprirne uno.",
    "…e altri {count}. Usa /review case per aprirne uno.",
    count="count",
)
REVIEW_CONFIRM_UNKNOWN_WORD = Msg(
    "Parola sconosciuta «{word}»: dopo /review confirm N puoi scrivere solo {valid}. "
    "Nessuna decisione presa."
)
REVIEW_CONFIRM_BAD_TIMEOUT = Msg(
    "Uso: /review confirm N [cancella] [timeout 10m|1h|1d|1w]. Nessuna decisione presa."
)
REVIEW_STATS_TITLE = Msg("Revisione: come vanno le regole")
REVIEW_STATS_STATUS = Msg(
    "Da rivedere {open} · confermati {confirmed} · falsi positivi {dismissed}"
)
REVIEW_STATS_LINE = Msg(
    "`{rule}` · casi {cases} · ✅ {confirmed} · ❎ {dismissed} · precisione {precision}"
)
REVIEW_STATS_EMPTY = Msg("Ancora nessun caso: niente da misurare.")
REVIEW_STATS_NOISIEST = Msg("Le regole più rumorose")
REVIEW_STATS_NO_NOISE = Msg("Nessun falso positivo finora.")
REVIEW_STATS_NOISY = Msg("`{rule}` · ❎ {dismissed} · {precision}")
REVIEW_STATS_RULES = Msg("Precisione per regola (confermati / decisi)")

SETUP_TITLE = Msg("Configurazione di Rete")
SETUP_NOT_SET = Msg("non impostato")
SETUP_REVIEW_CHANNEL = Msg("Canale di revisione: {value}")
SETUP_NUDGE = Msg("Promemoria ai membri segnalati: {value}")
SETUP_RETENTION = Msg(
    "Conservazione del testo dei casi chiusi e delle domande senza risposta: {days} giorni"
)
SETUP_EXEMPT_ROLES = Msg("Ruoli esenti: {value}")
SETUP_EXEMPT_CHANNELS = Msg("Canali esenti: {value}")
SETUP_ANSWER_CHANNELS = Msg("Canali con risposte automatiche: {value}")
SETUP_LANGUAGE = Msg("Lingua dei messaggi nei canali e predefinita: {value}")
LANGUAGE_NAMES = {"it": Msg("italiano"), "en": Msg("inglese")}
CONSOLE_SETUP_USAGE = Msg(
    "Uso: /setup [review-channel NOME|nudge off|reply|dm|retention GIORNI|language it|en]"
)
CONSOLE_CHANNELS = Msg("Canali: {names}")
CONSOLE_NUDGE_MODES = Msg("Modi: {modes}")
SETUP_NONE = Msg("nessuno")
NUDGE_MODE_LABELS = {
    "off": Msg("disattivati"),
    "reply": Msg("risposta sotto il messaggio"),
    "dm": Msg("messaggio privato"),
}
SETUP_SAVED = Msg("Fatto: {what}")
SETUP_RETENTION_RANGE = Msg("La conservazione va da 1 a 3650 giorni.")
SETUP_CHANNEL_NOT_TEXT = Msg("Scegli un canale di testo in cui Rete può scrivere.")
SETUP_CONFIGURED_HINT = Msg("Rete è configurata: i casi arrivano in {channel}.")

CONSOLE_CASE_POSTED = Msg(
    "⚑ Caso #{case_id} inviato in #{channel} ai moderatori · {score:.2f} ≥ {threshold:.2f} · "
    "{rules}"
)
CONSOLE_CASE_UPDATED = Msg("⚑ Caso #{case_id} aggiornato dopo la modifica ({status})")
CONSOLE_CASE_SHADOW = Msg(
    "👻 Caso #{case_id} registrato senza avvisi (solo regole in ombra: {rules})"
)
CONSOLE_CASE_NOT_CONFIGURED = Msg(
    "⚑ Caso #{case_id} registrato, ma nessun canale di revisione: usa /setup review-channel"
)
CONSOLE_NUDGE = Msg("↪ Rete risponde a {author} ({mode}): {text}")
CONSOLE_ANSWER = Msg("💬 Rete risponde: {title} — {text} ({source})")
CONSOLE_DECIDED = Msg("Caso #{case_id}: {status}.")
APPEAL_REPLIES = {
    "reopened": APPEAL_DONE,
    "noted": APPEAL_DONE,
    "not_author": APPEAL_NOT_AUTHOR,
    "already": APPEAL_ALREADY,
    "dismissed": APPEAL_DISMISSED,
    "not_found": APPEAL_NOT_FOUND,
}

# /policy in Discord (the policy's own strings are in the policy section below)
POLCMD_TEST_TITLE = Msg("Come Rete giudica questo messaggio")
POLCMD_RULE_SYNTAX = Msg(
    "Parole: gruppi separati da +, parole dello stesso gruppo da virgole, @nome per una lista. "
    "Es.: «mi fai, fammi + logo, @consegne + gratis»."
)
POLCMD_EXPORTED = Msg(
    "La policy attuale (v{version}), da modificare e reimportare con /policy import."
)
POLCMD_FILE_TOO_BIG = Msg("Il file è troppo grande (massimo {kb} KB).")
POLCMD_FILE_NOT_TEXT = Msg("Il file deve essere testo YAML in UTF-8.")
POLCMD_EXEMPT_TARGET = Msg("Indica un ruolo oppure un canale.")
POLCMD_EXEMPT_ON = Msg("esente")
POLCMD_EXEMPT_OFF = Msg("di nuovo controllato")
POLCMD_SHADOW_ON = Msg("attiva (registra i casi senza avvisare)")
POLCMD_SHADOW_OFF = Msg("disattivata")
POLCMD_BACKTEST_TITLE = Msg("Backtest sui casi registrati: {source}")
POLCMD_BACKTEST_CURRENT = Msg("la policy attuale (v{version})")
POLCMD_BACKTEST_UPLOADED = Msg("la policy caricata")
POLCMD_BACKTEST_SUMMARY = Msg(
    "Casi riesaminati: {total} (senza più testo, non riesaminabili: {skipped}).\n"
    "Cambierebbero: {changed}.\n"
    "Non più segnalati: {stop}, di cui falsi positivi evitati {fixed} e confermati persi {lost}.\n"
    "Segnalati ora ma non allora: {start}."
)
POLCMD_BACKTEST_LINE = Msg("#{case_id} ({status}): {before} → {after}")
POLCMD_BACKTEST_EMPTY = Msg("Nessun caso con il testo ancora conservato: niente da riesaminare.")
POLCMD_ALERT = Msg("segnalato")
POLCMD_NO_ALERT = Msg("non segnalato")

# --- connecting to Discord (`rete run`) ----------------------------------------------------

LOGIN_REFUSED = Msg(
    "Discord ha rifiutato il token (HTTP 401): controlla DISCORD_TOKEN nel Developer Portal "
    "(Bot → Reset Token)."
)
LOGIN_INTENTS_REQUIRED = Msg(
    "Discord chiede di abilitare il Message Content Intent: Developer Portal → Bot → "
    "Privileged Gateway Intents."
)
LOGIN_HTTP_STATUS = Msg(
    "Discord ha risposto con uno stato inatteso (HTTP {status}) al login: riprova più tardi "
    "o controlla RETE_DISCORD_API_BASE se l'hai impostato."
)
LOGIN_UNREACHABLE = Msg("Non riesco a raggiungere Discord ({reason}): controlla la connessione.")
LOGIN_TIMEOUT = Msg("tempo scaduto")

# --- policy (keyword policy: validation, console, CLI) -----------------------------------------

POLICY_INVALID = Msg("La policy non è valida, nessuna modifica applicata:")
POLICY_EXPORT_HEADER = Msg(
    "# Policy di Rete esportata. Modificala e reimportala con `rete policy import FILE`\n"
    "# o chiedi a un moderatore. Il formato è spiegato in bot/policy/default_policy.yaml.\n"
)
POLICY_BAD_YAML = Msg("il file non è YAML valido{where}")
POLICY_TOO_BIG = Msg("la policy è troppo lunga (massimo {kb} KB)")
POLICY_NOT_A_MAPPING = Msg("il file deve essere una mappa con threshold, allow, lists, rules")
POLICY_UNKNOWN_KEY = Msg("{where}: chiave sconosciuta «{key}»")
POLICY_BAD_THRESHOLD = Msg("threshold deve essere un numero maggiore di zero")
POLICY_BAD_IDS = Msg("{key}: serve un elenco di id Discord (numeri)")
POLICY_NOT_A_LIST = Msg("{where}: «{key}» deve essere un elenco")
POLICY_NOT_TEXT = Msg("{where}: in «{key}» {item} non è una parola o una frase")
POLICY_ALLOW_PROBLEM = Msg("allow «{term}»: {problem}")
POLICY_LISTS_NOT_MAPPING = Msg("lists deve essere una mappa nome → parole")
POLICY_WHERE_LIST = Msg("lista «{name}»")
POLICY_WHERE_RULE = Msg("regola «{name}»")
POLICY_BAD_NAME = Msg(
    "{where}: il nome deve essere minuscolo, senza spazi (lettere, cifre, - _ . +)"
)
POLICY_LIST_BODY = Msg("{where}: deve essere un elenco di parole o una mappa con terms/verbs")
POLICY_LIST_EMPTY = Msg("{where}: è vuota")
POLICY_TERM_PROBLEM = Msg("{where}: «{term}»: {problem}")
POLICY_TERM_EMPTY = Msg("parola vuota")
POLICY_TERM_TOO_LONG = Msg("troppo lunga (massimo {limit} caratteri)")
POLICY_TERM_WILDCARD = Msg("il * va solo all'inizio o alla fine")
POLICY_TERM_NO_WORDS = Msg("non contiene lettere o cifre")
POLICY_TERM_WILDCARD_SHORT = Msg("con il * servono almeno {n} lettere")
POLICY_RULES_NOT_LIST = Msg("rules deve essere un elenco di regole")
POLICY_TOO_MANY_RULES = Msg("troppe regole (massimo {limit})")
POLICY_TOO_MANY_TERMS = Msg("troppe parole: {n} (massimo {limit}, contando i verbi coniugati)")
POLICY_RULE_BODY = Msg("regola n. {n}: deve essere una mappa con name, weight, any/all")
POLICY_RULE_NAME = Msg("regola n. {n}: manca il nome (minuscolo, senza spazi)")
POLICY_RULE_DUPLICATE = Msg("{where}: nome già usato da un'altra regola")
POLICY_RULE_WEIGHT = Msg("{where}: weight deve essere un numero diverso da zero")
POLICY_RULE_ANY_ALL = Msg("{where}: serve esattamente uno tra «any» e «all»")
POLICY_RULE_WITHIN = Msg("{where}: within deve essere un numero di parole tra 1 e {limit}")
POLICY_RULE_SHADOW = Msg("{where}: shadow deve essere true o false")
POLICY_RULE_EMPTY_GROUP = Msg("{where}: un gruppo è vuoto")
POLICY_RULE_TOO_MANY_GROUPS = Msg("{where}: troppi gruppi in «all» (massimo {limit})")
POLICY_RULE_WITHIN_ALONE = Msg("{where}: within ha senso solo con «all» e almeno due gruppi")
POLICY_UNKNOWN_LIST = Msg("{where}: la lista {item} non esiste")
POLICY_RULE_REQUIRES = Msg("{where}: requires «{name}» deve essere una regola che viene prima")
POLICY_BAD_EXEMPT_KIND = Msg("kind deve essere uno tra {kinds}")
POLICY_NOT_AN_INFINITIVE = Msg("«{verb}» non sembra un infinito italiano (-are, -ere, -ire, -urre)")
POLICY_NO_SUCH_RULE = Msg("Non c'è nessuna regola «{name}».")
POLICY_VERSION_NOT_KEPT = Msg("La versione {version} della policy non è stata conservata.")
WEB_OFFLINE_READY = Msg(
    "Cruscotto di Rete su {url}\nAccedi (link valido una volta, per 10 minuti): {login}\n"
    "Ctrl-C per fermarlo."
)
WEB_STOPPED = Msg("rete web: fermato.")
POLICY_NO_SUCH_LIST = Msg("Non c'è nessuna lista «{name}».")
POLICY_RULE_EXISTS = Msg("Esiste già una regola «{name}».")
POLICY_RULE_IN_USE = Msg("La regola «{name}» è richiesta da «{by}»: toglila prima da lì.")
POLICY_LIST_IN_USE = Msg("La lista «{name}» è usata dalla regola «{by}».")
POLICY_NOT_ALLOWED = Msg("«{term}» non è nella allow-list.")

POLICY_TEST_CLEAN = Msg(
    "Nessuna regola scatta (punteggio 0, soglia {threshold:g}, policy v{version})."
)
POLICY_TEST_RESULT = Msg(
    "{outcome}: punteggio {score:.2f} su soglia {threshold:g} (policy v{version})"
)
POLICY_TEST_FLAGGED = Msg("SEGNALATO")
POLICY_TEST_SHADOW_ONLY = Msg("SEGNALATO solo da regole in prova (shadow)")
POLICY_TEST_OK = Msg("non segnalato")
POLICY_TEST_HIT = Msg("  {sign}{weight:.2f} {rule}{shadow}: {matched}")
POLICY_SHADOW_MARK = Msg(" [shadow]")
POLICY_RULES_HEADER = Msg("Regole (soglia {threshold:g}, policy v{version}):")
POLICY_RULE_LINE = Msg("  {weight:+.2f} {name}{shadow} — {description}")
POLICY_THRESHOLD_SET = Msg("Soglia impostata a {threshold:g} (policy v{version}).")
POLICY_SHADOW_SET = Msg("Regola «{name}»: shadow {state} (policy v{version}).")
POLICY_WEIGHT_SET = Msg("Regola «{name}»: peso {weight:+.2f} (policy v{version}).")
POLICY_RULE_ADDED = Msg("Regola «{name}» aggiunta (policy v{version}).")
POLICY_RULE_REMOVED = Msg("Regola «{name}» tolta (policy v{version}).")
POLICY_ALLOW_ADDED = Msg("«{term}» aggiunto alla allow-list (policy v{version}).")
POLICY_ALLOW_REMOVED = Msg("«{term}» tolto dalla allow-list (policy v{version}).")
POLICY_ALLOW_HEADER = Msg("Allow-list: {terms}")
POLICY_ALLOW_EMPTY = Msg("La allow-list è vuota (aggiungi una frase con /policy allow add FRASE).")
POLICY_ALLOW_PAGE_HEADER = Plural(
    "Allow-list: {count} frase (pagina {page} di {pages}):",
    "Allow-list: {count} frasi (pagina {page} di {pages}):",
    count="count",
)
POLICY_ALLOW_NEXT = Msg("Altre frasi: /policy allow pagina {page}")
POLCMD_ALLOW_NEXT = Msg("Altre frasi: /policy allow page:{page}")
POLICY_EXEMPT_SET = Msg("Esenzione {kind} {target}: {state} (policy v{version}).")
POLICY_HISTORY_HEADER = Msg("Ultime modifiche alla policy:")
POLICY_HISTORY_LINE = Msg("  v{version} {at} da {actor}: {change}")
# A recorded change in words (bot/policy/history.py), by the action the history stores.
POLICY_CHANGE_SEED = Msg("policy predefinita")
POLICY_CHANGE_IMPORT = Msg("policy importata: {rules} regole, {lists} liste")
POLICY_CHANGE_ROLLBACK = Msg("tornata alla v{version}")
POLICY_CHANGE_LEARN = Msg("pesi imparati dalle decisioni, {detail}")
POLICY_CHANGES = {
    "rule add": Msg("regola aggiunta: {detail}"),
    "rule remove": Msg("regola tolta: {detail}"),
    "rule change": Msg("regola modificata: {detail}"),
    "list set": Msg("lista impostata: {detail}"),
    "list remove": Msg("lista tolta: {detail}"),
    "allow add": Msg("frase ammessa: {detail}"),
    "allow remove": Msg("frase non più ammessa: {detail}"),
    "exempt role add": Msg("ruolo esentato: {detail}"),
    "exempt role remove": Msg("ruolo non più esentato: {detail}"),
    "exempt channel add": Msg("canale esentato: {detail}"),
    "exempt channel remove": Msg("canale non più esentato: {detail}"),
    "threshold": Msg("soglia: {detail}"),
}
POLICY_HISTORY_EMPTY = Msg("Nessuna modifica registrata.")
POLICY_IMPORTED = Msg("Policy importata: {rules} regole, {lists} liste (policy v{version}).")
POLICY_EXPORTED_TO = Msg("Policy v{version} scritta in {path}.")
POLICY_IMPORT_SAME = Msg(
    "Il file è identico alla policy attuale (v{version}): nessuna modifica, versione invariata."
)
POLICY_IMPORT_OLDER = Msg(
    "Nota: il file era stato esportato dalla policy v{exported}, ma la policy attuale era la "
    "v{previous}: le modifiche fatte dopo la v{exported} sono state sostituite "
    "(vedi /policy history)."
)
POLICY_FLAGS_NOTHING = Msg(
    "Questa policy non può segnalare nessun messaggio: {why}. Nessuna modifica applicata. "
    "Se vuoi davvero spegnere le segnalazioni, ripeti il comando "
    "aggiungendo --allow-no-flagging (rete policy import, /policy import e /policy threshold "
    "in console) o l'opzione allow_no_flagging (/policy import e /policy threshold su Discord)."
)
POLICY_FLAGS_NOTHING_NO_RULES = Msg("non ha regole con peso positivo")
POLICY_FLAGS_NOTHING_LOW = Msg(
    "anche con tutte le regole insieme il punteggio arriva a {max:g}, sotto la soglia {threshold:g}"
)
POLICY_FLAGGING_OFF = Msg(
    "⚠ Segnalazioni spente: la policy attuale (v{version}) non può segnalare nessun messaggio "
    "({why}). Reimporta una policy con regole o abbassa la soglia."
)
POLICY_USAGE_ADD = Msg(
    "Uso: /policy add NOME PESO PAROLE [--within N] [--shadow], per esempio "
    "/policy add logo-gratis 0.6 mi fai, fammi + logo + gratis"
)
CONSOLE_NO_SUCH_TARGET = Msg("Non conosco «{name}»: scegli tra {known} (o un id).")
POLICY_USAGE = Msg(
    "Uso: /policy test TESTO | /policy rules | /policy threshold N | "
    "/policy shadow REGOLA on|off | /policy weight REGOLA N | "
    "/policy allow [pagina N|add FRASE|remove FRASE] | "
    "/policy exempt role|channel NOME|ID on|off | /policy history | "
    "/policy add NOME PESO PAROLE | /policy remove NOME | /policy backtest [FILE] | "
    "/policy import FILE [--allow-no-flagging] | /policy export [FILE] | /policy learn [accept]"
)

# Learning weights from decisions (issue 13)
POLICY_LEARN_HEADER = Msg(
    "Pesi imparati da {n} esempi ({flagged} da segnalare, {clean} no) sulla policy v{version}."
)
POLICY_LEARN_SCORES = Msg(
    "Sugli esempi, prima: precisione {p0:.2f}, richiamo {r0:.2f} (soglia {t0:g}); "
    "dopo: precisione {p1:.2f}, richiamo {r1:.2f} (soglia {t1:g})."
)
POLICY_LEARN_NEWLY_FLAGGED = Msg("Nuovi segnalati: {n}{which}")
POLICY_LEARN_NEWLY_CLEARED = Msg("Non più segnalati: {n}{which}")
POLICY_LEARN_WEIGHTS = Msg("Pesi che cambiano ({n}):")
POLICY_LEARN_WEIGHT = Msg("  {rule}: {before:+.2f} → {after:+.2f}")
POLICY_LEARN_MORE_WEIGHTS = Plural("  … e un altro", "  … e altri {n}")
POLICY_LEARN_NO_CHANGE = Msg("Nessun peso cambia: la policy resterebbe com'è.")
POLICY_LEARN_ACCEPT_CLI = Msg(
    "Niente è cambiato ancora. Per applicarli: lo stesso comando con --accept."
)
POLICY_LEARN_ACCEPT_CONSOLE = Msg("Niente è cambiato ancora. Per applicarli: /policy learn accept")
POLICY_LEARN_ACCEPT_DISCORD = Msg(
    "Niente è cambiato ancora. Per applicarli: /policy learn accept:True"
)
POLICY_LEARN_APPLIED = Msg("Pesi imparati applicati: policy v{version} (soglia {threshold:g}).")
POLICY_LEARN_EXAMPLES = Plural(
    "{n} esempio ({flagged} da segnalare, {clean} no)",
    "{n} esempi ({flagged} da segnalare, {clean} no)",
)
POLICY_LEARN_TOO_FEW = Msg(
    "Per imparare i pesi servono almeno {min} decisioni con il testo, sia confermate sia "
    "archiviate (ora: {detail})."
)
POLICY_LEARN_STALE = Msg(
    "la policy è cambiata (ora v{current}) da quando i pesi sono stati imparati (su v{base}): "
    "rilancia learn"
)
POLICY_LEARN_DETAIL = Msg("{n} esempi: precisione {p0:.2f}→{p1:.2f}, richiamo {r0:.2f}→{r1:.2f}")
POLICY_LEARN_TITLE = Msg("Pesi imparati dalle decisioni")
CLI_LEARN_BAD_LINE = Msg(
    '{path}, riga {n}: serve un oggetto JSON con "text" e "label" ("flag" oppure "ok")'
)

# --- Knowledge base (issue 5) ---------------------------------------------------------------
KB_DONT_KNOW = Msg(
    "Non lo so: nelle FAQ e negli articoli del blog non trovo una risposta sicura a questa "
    "domanda. Prova a riformularla, o chiedi in #domande."
)
KB_UNSURE = Msg("Non ne sono sicura: forse trovi la risposta in una di queste fonti.")
KB_SUGGESTION = Msg("• {title} ({kind}): {gist}")
KB_WHY_SOURCE = Msg("Perché: la fonte migliore è {source} ({kind}).")
KB_WHY_MATCHED = Msg("Parole della domanda trovate nella fonte: {words}")
KB_WHY_MISSING = Msg("Parole della domanda che la fonte non ha: {words}")
KB_WHY_CONFIDENCE = Msg("Sicurezza {percent}% (rispondo da {threshold}%)")
KB_WHY_FEATURES = Msg("Indizi: {features}")
# The confidence's evidence by its technical name (bot.knowledge.ranking.FEATURE_NAMES, also the
# keys of `rete ask --jsonl --explain`), as a moderator reads it in the explanation.
KB_WHY_FEATURE_LABELS = {
    "copertura": Msg("copertura"),
    "etichetta": Msg("nel titolo"),
    "riga": Msg("riga più simile"),
    "margine": Msg("distacco"),
    "mancante": Msg("parola mancante"),
    "nota": Msg("parole note"),
    "faq": Msg("FAQ"),
    "esempio": Msg("esempio vicino"),
    "accordo": Msg("esempi d'accordo"),
    "senza_risposta": Msg("esempio senza risposta"),
    "peso": Msg("quanto dice la domanda"),
    "peso_trovato": Msg("peso trovato"),
    "tipico": Msg("parole tipiche"),
    "probabilita": Msg("probabilità del ranking"),
    "lunghezza": Msg("lunghezza della domanda"),
    "classe": Msg("domande simili dei membri"),
    "nessuna_fonte": Msg("domande simili senza risposta"),
    "inspiegato": Msg("chiesto oltre l'argomento"),
}
# An answer's first line in the console and the CLI: its source, its title, the confidence.
KB_ANSWER_HEAD = Msg("[{source}] {title} (sicurezza {score:.0%})")
KB_SOURCE_FAQ = Msg("FAQ della community")
KB_SOURCE_ARTICLE = Msg("Dal blog")
KB_CONFIDENCE = Msg("sicurezza {percent}%")
KB_FOOTER = Msg("{source} · {details}")
KB_BY = Msg("di {author}")
KB_READ_MORE = Msg("Leggi l'articolo completo")
KB_EXCERPT_NONE = Msg("Non trovo un passaggio degli articoli che corrisponda a «{query}».")
KB_ARTICLE_NOT_FOUND = Msg("Non trovo l'articolo «{article}».")
KB_FEEDBACK_THANKS_UP = Msg("Grazie! Mi fa piacere che la risposta sia stata utile.")
KB_FEEDBACK_THANKS_DOWN = Msg(
    "Grazie del riscontro: i moderatori lo useranno per migliorare le risposte."
)
KB_FEEDBACK_UP_LABEL = Msg("Utile")
KB_FEEDBACK_DOWN_LABEL = Msg("Non utile")
KB_FAQ_ADDED = Msg("FAQ aggiunta: **{key}** — {question}")
KB_FAQ_EDITED = Msg("FAQ aggiornata: **{key}** — {question}")
KB_FAQ_REMOVED = Msg("FAQ rimossa: **{key}** — {question}")
KB_FAQ_LIST_HEADER = Msg("FAQ visibili in questo server ({count}):")
KB_FAQ_LIST_LINE = Msg("• `{key}` {question}{shared}")
KB_FAQ_SHARED_MARK = Msg(" _(condivisa)_")
KB_FAQ_HISTORY_HEADER = Msg("Versioni precedenti delle FAQ di questo server, la più recente prima:")
KB_FAQ_HISTORY_LINE = Msg("• #{version} {key} {change} {at} da {actor}: «{question}» — {answer}")
KB_FAQ_CHANGE_EDITED = Msg("sostituita")
KB_FAQ_CHANGE_REMOVED = Msg("tolta")
KB_FAQ_HISTORY_HINT = Msg("Per rimettere una versione: /faq restore con il suo numero.")
KB_FAQ_HISTORY_EMPTY = Msg(
    "Nessuna versione precedente: nessuna FAQ di questo server è stata modificata o tolta."
)
KB_FAQ_HISTORY_EMPTY_KEY = Msg("Nessuna versione precedente di «{key}».")
KB_FAQ_RESTORED = Msg("FAQ **{key}** rimessa com'era nella versione #{version}: {question}")
KB_FAQ_LIST_EMPTY = Msg("Non ci sono FAQ: importane un file con /faq import.")
KB_FAQ_EXPORTED = Msg(
    "Ecco le FAQ di questo server ({count}), in YAML: si reimportano con /faq import."
)
UNREADABLE_CHOICE = Msg(
    "Non riconosco questa scelta per il caso #{case_id}: il menu è di una versione precedente. "
    "Riapri il caso con /review case e scegli di nuovo."
)
KB_FEED_ANNOUNCE_MORE = Plural(
    "…e un altro articolo nuovo dal feed {url}",
    "…e altri {count} articoli nuovi dal feed {url}",
    count="count",
)
KB_FAQ_TOO_LONG_TO_EDIT = Msg(
    "La FAQ **{key}** non entra nel modulo di modifica: «{field}» ha {length} caratteri, al "
    "massimo {most}. Scaricala con /faq export, accorciala e reimportala con /faq import "
    "(oppure toglila con /faq remove)."
)
KB_FAQ_EXPORT_HEADER = Msg("FAQ esportate da Rete: id, question, variants, answer, links.")
KB_FAQ_EXPORTED_OWN = Msg(
    "FAQ proprie di questo server: {own}, in YAML (si reimportano con /faq import)."
)
KB_FAQ_EXPORT_SHARED_HINT = Msg(
    " Le {shared} FAQ condivise dell'Accademia non sono incluse: per averle tutte, "
    "/faq export con shared (in console: /faq export tutte)."
)
KB_FAQ_EXPORTED_ALL = Msg(
    "Tutte le FAQ visibili in questo server: {count} ({own} proprie, {shared} condivise "
    "dell'Accademia), in YAML."
)
KB_FAQ_IMPORT_BAD_FILE = Msg(
    "Allega un file YAML di FAQ (.yaml o .yml), come quello di /faq export."
)
KB_IMPORT_REPORT = Msg(
    "Importazione completata: articoli {a_added} nuovi, {a_updated} aggiornati, "
    "{a_unchanged} invariati; FAQ {f_added} nuove, {f_updated} aggiornate, {f_unchanged} invariate."
)
KB_IMPORT_SKIPPED = Msg("Saltati: {count} ({first})")
KB_SYNC_NO_SOURCES = Msg(
    "Nessuna fonte configurata: imposta RETE_KNOWLEDGE_SOURCES (per esempio ../shared/corpus) "
    "o segui un feed con /articles feed."
)
KB_FEED_FOLLOWED = Msg("Seguo il feed {url}: i nuovi articoli saranno annunciati in {channel}.")
KB_FEED_FOLLOWED_QUIET = Msg("Seguo il feed {url} (senza annunci).")
KB_FEED_UNFOLLOWED = Msg("Non seguo più il feed {url}.")
KB_FEED_NOT_FOUND = Msg("Non seguivo il feed {url}.")
KB_FEED_ANNOUNCE = Msg("📰 Nuovo articolo sul blog: **{title}**{link}")
KB_ANSWER_CHANNEL_ON = Msg(
    "In {channel} risponderò da sola alle domande, quando sono sicura, al massimo una volta "
    "ogni 2 minuti per canale (per non invadere la conversazione; /ask risponde sempre)."
)
KB_ANSWER_CHANNEL_OFF = Msg("In {channel} non risponderò più da sola alle domande.")
# knowledge import problems (bot/knowledge/ingest.py)
KB_IMPORT_ONLY_HTTP = Msg("si possono importare solo indirizzi http e https")
KB_IMPORT_DOWNLOAD = Msg("non riesco a scaricarlo ({problem})")
KB_IMPORT_TOO_LARGE = Msg("più grande di {mb} MB")
KB_IMPORT_NO_SUCH_FILE = Msg("file o cartella inesistente")
KB_IMPORT_UNKNOWN_FORMAT = Msg(
    "formato sconosciuto (servono .md, .yaml, .xml/.rss/.atom, .html o .txt)"
)
KB_IMPORT_IGNORED = Msg("{file}: formato sconosciuto, ignorato")
KB_IMPORT_NOTHING = Msg("non contiene articoli, FAQ, feed o pagine")
KB_IMPORT_NOT_UTF8 = Msg("non è testo UTF-8 (byte {byte})")
KB_IMPORT_SLUG_TWICE = Msg("lo slug «{slug}» è usato anche da {other}")
KB_IMPORT_FAQ_TWICE = Msg("l'id di FAQ «{key}» è usato anche da {other}")
KB_IMPORT_NOT_A_DATE = Msg("{value} non è una data (usa AAAA-MM-GG)")
KB_IMPORT_NO_FRONT_MATTER = Msg("manca il front matter YAML (la prima riga deve essere ---)")
KB_IMPORT_FRONT_MATTER_OPEN = Msg("il front matter non è chiuso da una riga ---")
KB_IMPORT_FRONT_MATTER_MAP = Msg("il front matter deve essere una mappa (title: …)")
KB_IMPORT_NO_TITLE = Msg("il front matter non ha un titolo")
KB_IMPORT_BAD_SLUG = Msg("lo slug «{slug}» può avere solo lettere, cifre e -, al massimo {most}")
KB_IMPORT_BAD_URL = Msg("url «{url}» non è un indirizzo http(s)")
KB_IMPORT_NO_TEXT = Msg("non c'è testo dopo il front matter")
KB_IMPORT_LINE = Msg("riga {n}: ")
KB_IMPORT_BAD_YAML = Msg("YAML non valido, {where}{problem}")
KB_IMPORT_YAML_DEEP = Msg("YAML non valido, annidato troppo in profondità")
KB_IMPORT_NOT_TEXT = Msg("{key} deve essere testo, non {kind}")
KB_IMPORT_TAGS = Msg("tags deve essere un elenco di parole")
KB_IMPORT_NOT_FAQ = Msg("non è un file di FAQ: serve un elenco di voci (id, question, answer)")
KB_IMPORT_ENTRY = Msg("voce {n}")
KB_IMPORT_ENTRY_MAP = Msg("{where}: serve una mappa con id, question, answer")
KB_IMPORT_FIELD_MISSING = Msg("{where}: manca '{name}'")
KB_IMPORT_BAD_ID = Msg("{where}: l'id può avere solo lettere, cifre e -")
KB_IMPORT_ID_TWICE = Msg("{where}: l'id è usato due volte")
KB_IMPORT_UNKNOWN_FIELD = Msg("{where}: campo sconosciuto '{name}'")
KB_IMPORT_FIELD_EMPTY = Msg("{where}: '{name}' manca o è vuoto")
KB_IMPORT_FIELD_LONG = Msg(
    "{where}: '{name}' ha {length:,} caratteri, al massimo {most:,} "
    "(quanti ne tiene il modulo di /faq edit)"
)
KB_IMPORT_BAD_LINK = Msg("{where}: il link «{link}» non è un indirizzo http(s)")
KB_IMPORT_NOT_LINES = Msg("{where}: '{name}' deve essere un elenco di righe di testo")
KB_IMPORT_AT_LINE = Msg(" (riga {n})")
KB_IMPORT_BAD_FEED = Msg("non è un feed ben formato{where}: {problem}")
KB_IMPORT_NOT_FEED = Msg("non è un feed RSS o Atom")
KB_IMPORT_ITEM_NO_TITLE = Msg("l'elemento {n} non ha un titolo")
KB_IMPORT_ITEM_NO_TEXT = Msg("{origin}: «{title}» non ha testo")
KB_IMPORT_BAD_XML = Msg("XML non ben formato (riga {line}, colonna {column})")
KB_IMPORT_REFUSED = Msg("rifiutato: {kind}")
KB_IMPORT_NOT_WXR = Msg("non è un export di WordPress (manca <rss><channel>)")
KB_IMPORT_NO_PAGE_TEXT = Msg("nella pagina non trovo il testo di un articolo")
KB_FAQ_EXISTS = Msg("Esiste già una FAQ con id «{key}».")
KB_FAQ_NO_VERSION = Msg("Non trovo la versione {version} tra le versioni precedenti delle FAQ.")
KB_FAQ_SHARED_READ_ONLY = Msg(
    "«{key}» fa parte delle FAQ condivise dell'Accademia: si modifica nel file delle FAQ e si "
    "ricarica con /articles sync."
)
KB_FEED_NOT_HTTP = Msg("L'indirizzo del feed deve iniziare con http:// o https://.")
KB_IMPORT_INTERRUPTED = Msg(
    "importazione interrotta dopo {written} documenti su {total} ({problem}); importa di nuovo "
    "le stesse fonti per finire (quelle invariate sono saltate)"
)
KB_FAQ_MODAL_TITLE = Msg("Nuova FAQ")
KB_FAQ_EDIT_MODAL_TITLE = Msg("Modifica FAQ")
KB_FAQ_FIELD_QUESTION = Msg("Domanda")
KB_FAQ_FIELD_VARIANTS = Msg("Altre formulazioni (una per riga)")
KB_FAQ_FIELD_ANSWER = Msg("Risposta")
KB_FAQ_FIELD_LINKS = Msg("Link (uno per riga, facoltativi)")
KB_CONSOLE_USAGE_IMPORT = Msg("Uso: /knowledge import PERCORSO|URL (per esempio ../shared/corpus)")
KB_CONSOLE_USAGE_ASK = Msg("Uso: /ask DOMANDA")
KB_CONSOLE_USAGE_EXCERPT = Msg("Uso: /excerpt TESTO [--article SLUG]")
KB_CONSOLE_USAGE_FAQ = Msg(
    "Uso: /faq list | /faq add DOMANDA || RISPOSTA | /faq edit ID [DOMANDA] || [RISPOSTA] | "
    "/faq remove ID | /faq history [ID] | /faq restore N | "
    "/faq export [tutte] (senza «tutte» solo le FAQ proprie del server) | /faq import FILE"
)
KB_CONSOLE_USAGE_ANSWERS = Msg("Uso: /answers on|off [CANALE] (senza canale: quello corrente)")
KB_CONSOLE_USAGE_FEED = Msg("Uso: /articles feed URL [CANALE] | /articles unfeed URL")
KB_CONSOLE_EMPTY = Msg(
    "La base di conoscenza è vuota: carica il corpus dell'Accademia con "
    "`rete knowledge import ../shared/corpus` (o /knowledge import PERCORSO qui)."
)

# --- Learning from use (issue 12): unanswered questions, votes, moderators' decisions --------
LEARN_VOTE_SAME = Msg("Avevi già dato questo voto a questa risposta: ne conta uno solo.")
LEARN_VOTE_REPLACED = Msg("Ho sostituito il tuo voto precedente su questa risposta.")
LEARN_VOTE_UNKNOWN = Msg("Non trovo più questa risposta: il voto non è stato registrato.")
LEARN_LIST_TITLE = Msg("Domande senza una buona risposta ({total})")
LEARN_LIST_EMPTY = Msg(
    "Nessuna domanda in sospeso: quando Rete non sa rispondere, o una risposta riceve 👎, "
    "la domanda compare qui."
)
LEARN_LIST_LINE = Msg("**#{item_id}** · {count}× · {reasons} · {when}{where}\n> {question}{source}")
LEARN_LIST_WHERE = Msg(" · <#{channel_id}>")
LEARN_LIST_SOURCE = Msg("\nRete: `{source}`")
LEARN_LIST_FOOTER = Msg(
    "Pagina {page} di {pages} · /faq attach per aggiungerla a una FAQ, /faq write per scriverne "
    "una nuova, /faq dismiss per scartarla"
)
LEARN_REASON_ABSTAINED = Msg("senza risposta {n}×")
LEARN_REASON_THUMBS_DOWN = Msg("👎 {n}×")
LEARN_NOT_FOUND = Msg("Non c'è una domanda #{item_id} tra quelle senza risposta di questo server.")
LEARN_ALREADY = Msg("La domanda #{item_id} è già stata decisa: {status}.")
LEARN_STATUS = {
    "open": Msg("in sospeso"),
    "attached": Msg("aggiunta alla FAQ {key} da {who}"),
    "written": Msg("diventata la FAQ {key} per mano di {who}"),
    "dismissed": Msg("scartata da {who}"),
}
LEARN_NO_FAQ = Msg("Non c'è una FAQ con id «{key}» in questo server.")
LEARN_ATTACHED = Msg(
    "La domanda #{item_id} ora è una formulazione della FAQ **{key}**: d'ora in poi risponderò "
    "così."
)
LEARN_WRITTEN = Msg("Dalla domanda #{item_id} è nata la FAQ **{key}** — {question}")
LEARN_DISMISSED = Msg("Domanda #{item_id} scartata: non tornerà nell'elenco.")
LEARN_TOO_MANY_VARIANTS = Msg(
    "La FAQ «{key}» ha già troppe formulazioni per il modulo di modifica: toglietene qualcuna "
    "con /faq edit prima di aggiungerne altre."
)
LEARN_CHOICE = Msg("#{item_id} ({count}×) {question}")
LEARN_CONSOLE_USAGE = Msg(
    "Uso: /faq unanswered [PAGINA] | /faq attach N ID_FAQ | /faq write N RISPOSTA | /faq dismiss N"
)
LEARN_CONSOLE_LINE = Msg("#{item_id} · {count}× · {reasons} · {when}{where}: {question}{source}")
LEARN_CONSOLE_VOTE_HINT = Msg("(utile? /vote {answer_id} up · non utile? /vote {answer_id} down)")
LEARN_CONSOLE_VOTE_USAGE = Msg("Uso: /vote N up|down (N è il numero mostrato sotto la risposta)")
LEARN_VOTE_THANKS = {True: KB_FEEDBACK_THANKS_UP, False: KB_FEEDBACK_THANKS_DOWN}


name_messages(globals())
