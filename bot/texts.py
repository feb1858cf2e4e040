"""Every user-facing string, Italian first, in one place."""

from __future__ import annotations

CONSOLE_BANNER = (
    "Rete, console offline. Scrivi come un membro del server «Accademia (locale)»; "
    "i comandi iniziano con / (prova /help). Ctrl-D per uscire."
)
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
