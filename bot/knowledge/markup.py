"""Markdown, HTML and raw page text → blocks → passages, with the blog's boilerplate removed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from bot.knowledge.text import fold

HEADING = "heading"
PARA = "para"
LIST = "list"
QUOTE = "quote"
BULLET = "• "

# A passage aims at this many characters: long enough to answer, short enough to be precise.
PASSAGE_TARGET = 650
PASSAGE_MIN = 200


@dataclass(frozen=True)
class Block:
    kind: str  # HEADING, PARA, LIST (items joined by "\n") or QUOTE
    text: str


@dataclass(frozen=True)
class Passage:
    heading: str | None
    text: str


# --- Markdown -------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|(\d{1,3})[.)])\s+(.*)$")
_MD_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_STRIKE = re.compile(r"~~(.+?)~~")
_MD_CODE = re.compile(r"`([^`]*)`")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u00a0]+")


def inline_markdown(text: str) -> str:
    """Markdown inline syntax → plain text."""
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EM.sub(r"\2", text)
    text = _MD_STRIKE.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def markdown_blocks(body: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []
    quote: list[str] = []
    in_code = False
    code: list[str] = []

    def flush() -> None:
        if para:
            text = inline_markdown(" ".join(para))
            if text:
                blocks.append(Block(PARA, text))
            para.clear()
        if items:
            blocks.append(Block(LIST, "\n".join(items)))
            items.clear()
        if quote:
            text = inline_markdown(" ".join(quote))
            if text:
                blocks.append(Block(QUOTE, text))
            quote.clear()

    for line in body.splitlines():
        if in_code:
            if _MD_FENCE.match(line):
                in_code = False
                text = "\n".join(code).strip()
                if text:
                    blocks.append(Block(PARA, text))
                code.clear()
            else:
                code.append(line)
            continue
        if _MD_FENCE.match(line):
            flush()
            in_code = True
            continue
        if not line.strip() or _MD_RULE.match(line):
            flush()
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            text = inline_markdown(heading.group(2))
            if text:
                blocks.append(Block(HEADING, text))
            continue
        item = _MD_ITEM.match(line)
        if item:
            if para or quote:
                flush()
            marker = f"{item.group(1)}. " if item.group(1) else BULLET
            items.append(marker + inline_markdown(item.group(2)))
            continue
        if line.lstrip().startswith(">"):
            if para or items:
                flush()
            quote.append(line.lstrip()[1:].strip())
            continue
        if items and line.startswith((" ", "\t")):  # continuation of a list item
            items[-1] += " " + inline_markdown(line)
            continue
        if items or quote:
            flush()
        para.append(line.strip())
    if in_code and code:
        para.extend(code)
    flush()
    return blocks


# --- HTML -----------------------------------------------------------------------------------

_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "nav", "footer", "aside", "form", "iframe", "svg",
     "button", "select", "textarea", "template", "head", "object", "canvas"}
)  # fmt: skip
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "li", "ul", "ol", "blockquote", "pre", "table",
     "tr", "td", "th", "dl", "dt", "dd", "figcaption", "figure", "header", "h1", "h2", "h3",
     "h4", "h5", "h6", "body", "html"}
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# class/id fragments that mark page furniture rather than the article.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:comments?|comment-respond|respond|reply|share|sharing|sharedaddy|social|"
    r"related|relatedposts|jp-relatedposts|sidebar|widget|breadcrumbs?|cookies?|nav|navigation|"
    r"menu|site-footer|site-header|post-navigation|author-box|newsletter-signup|addtoany|ads?|"
    r"advert|banner|popup|subscribe)(?:$|[\s_-])",
    re.IGNORECASE,
)
_MAIN = re.compile(
    r"(?:^|\s)(?:entry-content|post-content|article-content|article-body|post-body|"
    r"content-body|single-content)(?:$|\s)",
    re.IGNORECASE,
)


@dataclass
class HtmlMeta:
    title: str | None = None
    url: str | None = None
    base: str | None = None  # <base href>: what relative links of the page are relative to
    author: str | None = None
    date: str | None = None
    tags: list[str] = field(default_factory=list)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta = HtmlMeta()
        self.blocks: list[tuple[Block, bool]] = []  # (block, inside the main content)
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skipping, main)
        self._buf: list[str] = []
        self._kind = PARA
        self._items: list[str] = []
        self._h1: list[str] | None = None
        self._title: list[str] | None = None
        self._time: list[str] | None = None
        self._author: list[str] | None = None
        self.h1: str | None = None
        self.html_title: str | None = None

    @property
    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    @property
    def _main(self) -> bool:
        return bool(self._stack) and self._stack[-1][2]

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self._buf)).strip()
        self._buf.clear()
        if not text:
            return
        if self._kind == LIST:
            self._items.append(BULLET + text)
            return
        self._flush_items()
        self.blocks.append((Block(self._kind, text), self._main))

    def _flush_items(self) -> None:
        if self._items:
            self.blocks.append((Block(LIST, "\n".join(self._items)), self._main))
            self._items = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        self._read_meta(tag, values)
        if tag in _VOID_TAGS:
            if tag == "br":
                self._buf.append("\n" if self._kind == "pre" else " ")
            return
        marks = f"{values.get('class', '')} {values.get('id', '')} {values.get('role', '')}"
        skipping = self._skipping or tag in _SKIP_TAGS or bool(_FURNITURE.search(marks))
        main = self._main or tag in ("article", "main") or bool(_MAIN.search(marks))
        if tag in _BLOCK_TAGS and not self._skipping:
            self._flush()
            if tag in _HEADINGS:
                self._kind = HEADING
            elif tag == "li":
                self._kind = LIST
            elif tag == "blockquote":
                self._kind = QUOTE
            elif tag in ("ul", "ol"):
                self._flush_items()
                self._kind = PARA
            elif self._kind != QUOTE:
                self._kind = PARA
        self._stack.append((tag, skipping, main))
        if tag == "h1":
            self._h1 = []
        elif tag == "title":
            self._title = []
        elif tag == "time":
            self._time = []
            if values.get("datetime") and self.meta.date is None:
                self.meta.date = values["datetime"]
        if "author" in marks.lower() or values.get("rel") == "author":
            self._author = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS or not any(t == tag for t, _, _ in self._stack):
            return
        while self._stack:
            top, skipping, _ = self._stack[-1]
            if tag in _BLOCK_TAGS and not skipping:
                self._flush()
            self._stack.pop()
            self._close_capture(top)
            if top == tag:
                break
        if tag in ("ul", "ol"):
            self._flush_items()
        if tag in _BLOCK_TAGS:
            in_list = any(t == "li" for t, _, _ in self._stack)
            in_quote = any(t == "blockquote" for t, _, _ in self._stack)
            self._kind = LIST if in_list else QUOTE if in_quote else PARA

    def _close_capture(self, tag: str) -> None:
        if tag == "h1" and self._h1 is not None:
            self.h1 = self.h1 or _SPACES.sub(" ", "".join(self._h1)).strip() or None
            self._h1 = None
        elif tag == "title" and self._title is not None:
            self.html_title = _SPACES.sub(" ", "".join(self._title)).strip() or None
            self._title = None
        elif tag == "time" and self._time is not None:
            if self.meta.date is None:
                self.meta.date = "".join(self._time).strip() or None
            self._time = None
        if self._author is not None and tag in ("a", "span", "div", "p"):
            name = _SPACES.sub(" ", "".join(self._author)).strip()
            if name and self.meta.author is None and len(name) < 80:
                self.meta.author = re.sub(r"^(di|by|autore:?)\s+", "", name, flags=re.I)
            self._author = None

    def handle_data(self, data: str) -> None:
        for capture in (self._h1, self._title, self._time, self._author):
            if capture is not None:
                capture.append(data)
        if not self._skipping and self._stack and self._stack[-1][0] not in ("title", "head"):
            self._buf.append(data)

    def _read_meta(self, tag: str, values: dict[str, str]) -> None:
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            content = values.get("content", "").strip()
            if not content:
                return
            if key in ("og:title", "twitter:title") and self.meta.title is None:
                self.meta.title = content
            elif key == "og:url" and self.meta.url is None:
                self.meta.url = content
            elif key in ("author", "article:author") and self.meta.author is None:
                self.meta.author = content
            elif key in ("article:published_time", "date", "dc.date") and self.meta.date is None:
                self.meta.date = content
            elif key == "article:tag":
                self.meta.tags.append(content)
        elif tag == "link" and "canonical" in values.get("rel", "").split():
            self.meta.url = values.get("href") or self.meta.url
        elif tag == "base" and values.get("href") and self.meta.base is None:
            self.meta.base = values["href"].strip()

    def close(self) -> None:
        super().close()
        self._flush()
        self._flush_items()


_BLOCK_TAG_PRESENT = re.compile(r"<(p|div|h[1-6]|li|blockquote|section|article)\b", re.I)


def html_blocks(html: str) -> tuple[list[Block], HtmlMeta]:
    """Blocks of an HTML page or fragment, page furniture removed, and what it says about itself.

    WordPress stores post bodies without <p> tags (they are added when the page is rendered),
    so a fragment with no block tags is split on blank lines first.
    """
    if not _BLOCK_TAG_PRESENT.search(html):
        html = "".join(f"<p>{chunk}</p>" for chunk in re.split(r"\n\s*\n", html) if chunk.strip())
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    inside = [block for block, main in parser.blocks if main]
    blocks = inside or [block for block, _ in parser.blocks]
    meta = parser.meta
    meta.title = meta.title or parser.h1 or parser.html_title
    title_folded = fold(meta.title) if meta.title else None
    blocks = [
        b
        for b in blocks
        if not (b.kind == HEADING and title_folded and fold(b.text) == title_folded)
    ]
    return strip_boilerplate(blocks), meta


# --- Raw page text --------------------------------------------------------------------------

_BULLET_LINE = re.compile(r"^\s*(?:[•·▪◦*\-–]|\d{1,3}[.)])\s+(.*)$")
_ENDS_SENTENCE = re.compile(r"[.!?…:;,\"»”]$")


def text_blocks(text: str) -> list[Block]:
    """Blocks of a page saved as plain text: one paragraph per line or per blank-line chunk.

    A short line with no final punctuation, after a finished sentence and before a longer
    paragraph, reads as a section heading.
    """
    chunks: list[list[str]] = []
    for raw_chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [_SPACES.sub(" ", ln).strip() for ln in raw_chunk.split("\n")]
        lines = [ln for ln in lines if ln]
        if lines:
            chunks.append(lines)
    blocks: list[Block] = []
    for lines in chunks:
        if all(_BULLET_LINE.match(ln) for ln in lines):
            items = [BULLET + _BULLET_LINE.match(ln).group(1) for ln in lines]  # type: ignore[union-attr]
            blocks.append(Block(LIST, "\n".join(items)))
        else:
            blocks.append(Block(PARA, " ".join(lines)))
    blocks = strip_boilerplate(blocks)
    out: list[Block] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        previous = out[-1] if out else None
        if (
            block.kind == PARA
            and len(block.text) <= 90
            and not re.search(r"[.;,:…\"»”]$", block.text)
            and block.text[:1].isupper()
            and following is not None
            and len(following.text) > len(block.text)
            and (previous is None or bool(_ENDS_SENTENCE.search(previous.text)))
        ):
            out.append(Block(HEADING, block.text.rstrip("?!").strip() + _question_mark(block)))
        else:
            out.append(block)
    return out


def _question_mark(block: Block) -> str:
    return "?" if block.text.endswith("?") else ""


# --- Boilerplate ----------------------------------------------------------------------------

# A short block that starts what follows the article (comments, related posts): cut from here.
_TAIL = re.compile(
    r"^(?:lascia un commento|lascia una risposta|\d+ (?:commenti|risposte)|commenti|"
    r"articoli correlati|post correlati|potrebbe(?:ro)? interessarti|ti potrebbe(?:ro)? "
    r"interessare|leggi anche|potrebbe piacerti anche|leave a (?:reply|comment)|"
    r"related posts?|you may also like)\b"
)
# Short blocks that are buttons, forms, bylines or navigation anywhere in the page.
_FURNITURE_TEXT = re.compile(
    r"^(?:condividi(?: su| questo| l'articolo)?\b|share(?: this| on)?\b|tweet\b|pin it\b|"
    r"whatsapp$|telegram$|linkedin$|facebook$|twitter$|pinterest$|email$|stampa$|"
    r"mi piace\b|caricamento|like this|fai clic per|clicca per condividere|tags?:|"
    r"categori[ae]:|archiviato in|pubblicato (?:il|in|da)\b|posted (?:in|on|by)\b|home$|"
    r"menu$|cerca$|vai al contenuto|skip to content|articolo (?:precedente|successivo)|"
    r"post (?:precedente|successivo)|il tuo indirizzo email non sara pubblicato|"
    r"i campi obbligatori|nome\s*\*|e-?mail\s*\*|sito web$|commento\s*\*|salva il mio nome|"
    r"pubblica il commento|invia commento|questo sito (?:usa|utilizza)|accetta(?: tutti)?$|"
    r"privacy policy$|cookie policy$|(?:e tu )?cosa ne pensi\b|fammi sapere nei commenti|"
    r"scrivilo nei commenti|iscriviti alla newsletter$|rispondi$)"
)
_FURNITURE_MAX = 160


def strip_boilerplate(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        folded = fold(block.text).strip(" \t-–—:|·•*")
        if len(block.text) <= 60 and _TAIL.match(folded) and out:
            break
        if len(block.text) <= _FURNITURE_MAX and _FURNITURE_TEXT.match(folded):
            continue
        if not any(c.isalnum() for c in block.text):
            continue
        out.append(block)
    return out


# --- Passages -------------------------------------------------------------------------------


def passages(
    blocks: list[Block], *, target: int = PASSAGE_TARGET, minimum: int = PASSAGE_MIN
) -> list[Passage]:
    """Group blocks into passages under their section heading.

    Paragraphs join until a passage reaches `target` characters; a paragraph that introduces a
    list (ends with ":") stays with it; a long list is split between items.
    """
    out: list[Passage] = []
    heading: str | None = None
    parts: list[str] = []

    def size() -> int:
        return sum(len(p) for p in parts)

    def flush() -> None:
        if not parts:
            return
        text = "\n\n".join(parts)
        parts.clear()
        previous = out[-1] if out else None
        # A short tail joins the passage before it, rather than standing alone.
        if (
            previous is not None
            and previous.heading == heading
            and len(text) < minimum
            and len(previous.text) + len(text) <= target + minimum
        ):
            out[-1] = Passage(heading, previous.text + "\n\n" + text)
        else:
            out.append(Passage(heading, text))

    for block in blocks:
        if block.kind == HEADING:
            flush()
            heading = block.text
            continue
        if block.kind == LIST:
            items = block.text.split("\n")
            lead_in = bool(parts) and parts[-1].rstrip().endswith(":")
            if parts and not lead_in and size() >= minimum:
                flush()
            chunk: list[str] = []
            for item in items:
                if chunk and size() + sum(map(len, chunk)) + len(item) > target:
                    parts.append("\n".join(chunk))
                    flush()
                    chunk = []
                chunk.append(item)
            parts.append("\n".join(chunk))
            continue
        text = f"«{block.text}»" if block.kind == QUOTE else block.text
        if parts and size() >= minimum and size() + len(text) > target:
            flush()
        parts.append(text)
    flush()
    return out


def plain_text(passages_: list[Passage]) -> str:
    lines: list[str] = []
    heading: str | None = None
    for passage in passages_:
        if passage.heading and passage.heading != heading:
            lines.append(passage.heading)
            heading = passage.heading
        lines.append(passage.text)
    return "\n\n".join(lines)
