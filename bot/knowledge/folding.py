"""Accent and case folding, shared by the text analysis and the English→Italian bridge (which
text.py imports, so it cannot import text.py back)."""

from __future__ import annotations

import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def fold(text: str) -> str:
    """Lower case without accents or invisible characters: "Perché" → "perche"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_INVISIBLE).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
