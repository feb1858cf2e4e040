"""Read knowledge sources into validated documents: Markdown folders, FAQ YAML, RSS/Atom feeds,
WordPress exports (WXR) and raw text or HTML pages. Pure: no database, and nothing is returned
unless every file of the import parsed, so a bad file never leaves half an import behind."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
import urllib.parse
import urllib.request
import xml.etree.ElementTree as StdET
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET
import feedparser
import yaml

from bot import texts
from bot.errors import os_error_text
from bot.knowledge.markup import (
    HEADING,
    Block,
    HtmlMeta,
    Passage,
    html_blocks,
    markdown_blocks,
    passages,
    text_blocks,
)
from bot.knowledge.models import (
    ArticleDoc,
    Batch,
    FaqDoc,
    KnowledgeImportError,
    faq_too_long,
)
from bot.knowledge.text import slugify

log = logging.getLogger(__name__)

Fetcher = Callable[[str], bytes]

MARKDOWN = "markdown"
FAQ = "faq"
XML = "xml"  # an RSS/Atom feed or a WordPress export: told apart by content
HTML = "html"
TEXT = "text"
_KINDS_BY_SUFFIX = {
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".yaml": FAQ,
    ".yml": FAQ,
    ".xml": XML,
    ".rss": XML,
    ".atom": XML,
    ".html": HTML,
    ".htm": HTML,
    ".txt": TEXT,
}
_IGNORED_NAMES = re.compile(r"^(readme|license|licence|changelog)(\.|$)", re.IGNORECASE)
_SLUG_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_FAQ_FIELDS = frozenset({"id", "question", "variants", "answer", "links", "tags"})
SLUG_MAX = 80  # a slug rides in a button's custom_id (Discord: 100 characters in all)
FETCH_TIMEOUT_S = 15.0
FETCH_MAX_BYTES = 10 * 1024 * 1024


def fetch_url(url: str) -> bytes:
    """GET a feed or page (blocking: call it in a thread)."""
    if not url.startswith(("http://", "https://")):
        raise KnowledgeImportError(url, str(texts.KB_IMPORT_ONLY_HTTP))
    request = urllib.request.Request(url, headers={"User-Agent": "Rete knowledge import"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:  # noqa: S310
            data: bytes = response.read(FETCH_MAX_BYTES + 1)
    except OSError as exc:
        raise KnowledgeImportError(url, texts.KB_IMPORT_DOWNLOAD.format(problem=exc)) from exc
    if len(data) > FETCH_MAX_BYTES:
        raise KnowledgeImportError(
            url, texts.KB_IMPORT_TOO_LARGE.format(mb=FETCH_MAX_BYTES // 1_048_576)
        )
    return data


def absolute_url(link: str | None, base: str | None = None) -> str | None:
    """`link` resolved against `base` (itself used only when it is an absolute http(s)
    address); None unless the result is an absolute http(s) address. What is dropped would be
    refused by Discord as an embed link (a relative path, javascript:, mailto:…)."""
    if not link or not link.strip():
        return None
    link = link.strip()
    try:
        if base and _is_web_address(base):
            link = urllib.parse.urljoin(base.strip(), link)
        return link if _is_web_address(link) else None
    except ValueError:  # urljoin/urlsplit refuse some malformed addresses (bad IPv6 brackets)
        return None


def _is_web_address(url: str) -> bool:
    parts = urllib.parse.urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def load_sources(sources: Iterable[str | Path], *, fetch: Fetcher = fetch_url) -> Batch:
    """Read every source; raise on the first problem, naming the file and what is wrong."""
    batch = Batch()
    for source in sources:
        batch = batch + load_source(source, fetch=fetch)
    _check_unique(batch)
    return batch


def load_source(source: str | Path, *, fetch: Fetcher = fetch_url) -> Batch:
    name = str(source)
    if name.startswith(("http://", "https://")):
        return parse_bytes(name, fetch(name), url=name)
    path = Path(source)
    if path.is_dir():
        return load_directory(path)
    if not path.exists():
        raise KnowledgeImportError(name, str(texts.KB_IMPORT_NO_SUCH_FILE))
    kind = kind_of(path)
    if kind is None:
        raise KnowledgeImportError(name, str(texts.KB_IMPORT_UNKNOWN_FORMAT))
    return parse_file(path, kind)


def load_directory(path: Path) -> Batch:
    batch = Batch()
    found = False
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        relative = file.relative_to(path).parts
        if any(part.startswith((".", "_")) for part in relative):
            continue
        kind = kind_of(file)
        if kind is None:
            if not _IGNORED_NAMES.match(file.name):
                batch = batch + Batch(skipped=(texts.KB_IMPORT_IGNORED.format(file=file),))
            continue
        found = True
        batch = batch + parse_file(file, kind)
    if not found:
        raise KnowledgeImportError(str(path), str(texts.KB_IMPORT_NOTHING))
    return batch


def kind_of(path: Path) -> str | None:
    if _IGNORED_NAMES.match(path.name):
        return None
    return _KINDS_BY_SUFFIX.get(path.suffix.lower())


def parse_file(path: Path, kind: str) -> Batch:
    origin = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KnowledgeImportError(origin, os_error_text(exc)) from exc
    if kind in (XML, HTML, TEXT):
        return parse_bytes(origin, data, kind=kind)
    text = _decode(origin, data)
    if kind == MARKDOWN:
        return Batch(
            articles=(parse_markdown(origin, text, default_slug=path.stem),), origins=(origin,)
        )
    return Batch(faqs=parse_faq(origin, text), origins=(origin,))


def parse_bytes(
    origin: str, data: bytes, *, kind: str | None = None, url: str | None = None
) -> Batch:
    """A feed, a WordPress export or a page, told apart by content when `kind` does not say."""
    head = data[:4096].lstrip().lower()
    if kind in (None, XML, TEXT) and (
        head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head
    ):
        kind = XML
    if kind == XML:
        if b"wordpress.org/export/" in data[:65536]:
            return parse_wxr(origin, data, url=url)
        return parse_feed(origin, data, url=url)
    text = _decode(origin, data)
    stripped = text.lstrip().lower()
    if kind == HTML or kind is None or stripped.startswith(("<!doctype", "<html")):
        return Batch(articles=(parse_html_page(origin, text, url=url),), origins=(origin,))
    return Batch(articles=(parse_text_page(origin, text),), origins=(origin,))


def decode_text(origin: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), or a KnowledgeImportError naming the bad byte."""
    return _decode(origin, data)


def _decode(origin: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KnowledgeImportError(origin, texts.KB_IMPORT_NOT_UTF8.format(byte=exc.start)) from exc


def _check_unique(batch: Batch) -> None:
    slugs: dict[str, str] = {}
    for article in batch.articles:
        other = slugs.setdefault(article.slug, article.origin)
        if other != article.origin:
            raise KnowledgeImportError(
                article.origin, texts.KB_IMPORT_SLUG_TWICE.format(slug=article.slug, other=other)
            )
    keys: dict[str, str] = {}
    for faq in batch.faqs:
        other = keys.setdefault(faq.key, faq.origin)
        if other != faq.origin:
            raise KnowledgeImportError(
                faq.origin, texts.KB_IMPORT_FAQ_TWICE.format(key=faq.key, other=other)
            )


# --- Dates ----------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$")


def iso_date(value: object) -> str | None:
    """A date, "2024-06-11", an RFC 822 date or a timestamp → "YYYY-MM-DD"; else ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        match = _ISO_DATE.match(text)
        if match:
            return dt.date.fromisoformat(match.group(1)).isoformat()
        try:
            return email.utils.parsedate_to_datetime(text).date().isoformat()
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(texts.KB_IMPORT_NOT_A_DATE.format(value=f"«{text[:40]}»")) from exc
    raise ValueError(texts.KB_IMPORT_NOT_A_DATE.format(value=repr(value)))


def _lenient_date(value: object) -> str | None:
    try:
        return iso_date(value)
    except ValueError:
        return None


def _struct_date(value: Any) -> str | None:
    if not value:
        return None
    try:
        return dt.date(value[0], value[1], value[2]).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


# --- Markdown with YAML front matter --------------------------------------------------------


def parse_markdown(origin: str, text: str, *, default_slug: str) -> ArticleDoc:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_NO_FRONT_MATTER))
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_FRONT_MATTER_OPEN)) from None
    meta = _yaml(origin, "\n".join(lines[1:end]), line_offset=1)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_FRONT_MATTER_MAP))
    body = "\n".join(lines[end + 1 :])
    blocks = markdown_blocks(body)
    title = _optional_str(origin, meta, "title")
    if blocks and blocks[0].kind == HEADING and (title is None or blocks[0].text == title):
        title = title or blocks[0].text
        blocks = blocks[1:]
    if not title:
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_NO_TITLE))
    slug = _optional_str(origin, meta, "slug") or slugify(default_slug)
    if not _SLUG_OK.match(slug) or len(slug) > SLUG_MAX:
        raise KnowledgeImportError(
            origin, texts.KB_IMPORT_BAD_SLUG.format(slug=slug[:40], most=SLUG_MAX)
        )
    url = _optional_str(origin, meta, "url")
    if url is not None and not url.startswith(("http://", "https://")):
        raise KnowledgeImportError(origin, texts.KB_IMPORT_BAD_URL.format(url=url[:60]))
    try:
        date = iso_date(meta.get("date"))
    except ValueError as exc:
        raise KnowledgeImportError(origin, f"date: {exc}") from None
    found = passages(blocks)
    if not found:
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_NO_TEXT))
    return ArticleDoc(
        slug=slug,
        title=title,
        passages=tuple(found),
        url=url,
        guid=_optional_str(origin, meta, "guid"),
        author=_optional_str(origin, meta, "author"),
        date=date,
        tags=_tags(origin, meta.get("tags")),
        origin=origin,
    )


def _yaml(origin: str, text: str, *, line_offset: int = 0) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = (
            texts.KB_IMPORT_LINE.format(n=mark.line + 1 + line_offset) if mark is not None else ""
        )
        raise KnowledgeImportError(
            origin, texts.KB_IMPORT_BAD_YAML.format(where=where, problem=problem)
        ) from None
    except RecursionError:  # thousands of nested brackets: PyYAML recurses per level
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_YAML_DEEP)) from None


def _optional_str(origin: str, meta: dict[Any, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise KnowledgeImportError(
            origin, texts.KB_IMPORT_NOT_TEXT.format(key=key, kind=type(value).__name__)
        )
    return value.strip() or None


def _tags(origin: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split(",") if t.strip())
    if isinstance(value, list) and all(isinstance(t, (str, int)) for t in value):
        return tuple(str(t).strip() for t in value if str(t).strip())
    raise KnowledgeImportError(origin, str(texts.KB_IMPORT_TAGS))


# --- FAQ YAML -------------------------------------------------------------------------------


def parse_faq(origin: str, text: str) -> tuple[FaqDoc, ...]:
    data = _yaml(origin, text)
    if isinstance(data, dict):
        for key in ("faq", "entries", "questions"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_NOT_FAQ))
    entries: list[FaqDoc] = []
    seen: set[str] = set()
    for index, item in enumerate(data, start=1):
        entries.append(faq_entry(origin, index, item, seen))
    return tuple(entries)


def faq_entry(origin: str, index: int, item: object, seen: set[str]) -> FaqDoc:
    where = texts.KB_IMPORT_ENTRY.format(n=index)
    if not isinstance(item, dict):
        raise KnowledgeImportError(origin, texts.KB_IMPORT_ENTRY_MAP.format(where=where))
    raw_id = item.get("id")
    if isinstance(raw_id, (int, str)) and not isinstance(raw_id, bool) and str(raw_id).strip():
        key = str(raw_id).strip()
        where = f"{where} ({key})"
    else:
        raise KnowledgeImportError(
            origin, texts.KB_IMPORT_FIELD_MISSING.format(where=where, name="id")
        )
    if not _SLUG_OK.match(key) or len(key) > 80:
        raise KnowledgeImportError(origin, texts.KB_IMPORT_BAD_ID.format(where=where))
    if key in seen:
        raise KnowledgeImportError(origin, texts.KB_IMPORT_ID_TWICE.format(where=where))
    seen.add(key)
    unknown = sorted(str(k) for k in item if k not in _FAQ_FIELDS)
    if unknown:
        raise KnowledgeImportError(
            origin, texts.KB_IMPORT_UNKNOWN_FIELD.format(where=where, name=unknown[0])
        )
    question = item.get("question")
    answer = item.get("answer")
    for name, value in (("question", question), ("answer", answer)):
        if not isinstance(value, str) or not value.strip():
            raise KnowledgeImportError(
                origin, texts.KB_IMPORT_FIELD_EMPTY.format(where=where, name=name)
            )
    assert isinstance(question, str)
    assert isinstance(answer, str)
    variants = _str_list(origin, where, "variants", item.get("variants"))
    links = _str_list(origin, where, "links", item.get("links"))
    too_long = faq_too_long(question.strip(), answer.strip(), variants, links)
    if too_long is not None:
        name, length, most = too_long
        raise KnowledgeImportError(
            origin,
            texts.KB_IMPORT_FIELD_LONG.format(where=where, name=name, length=length, most=most),
        )
    for link in links:
        if not link.startswith(("http://", "https://")):
            raise KnowledgeImportError(
                origin, texts.KB_IMPORT_BAD_LINK.format(where=where, link=link[:60])
            )
    return FaqDoc(key, question.strip(), answer.strip(), variants, links, origin)


def _str_list(origin: str, where: str, name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeImportError(origin, texts.KB_IMPORT_NOT_LINES.format(where=where, name=name))
    return tuple(v.strip() for v in value if v.strip())


# --- RSS / Atom -----------------------------------------------------------------------------

_HARMLESS_FEED_PROBLEMS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def parse_feed(origin: str, data: bytes, *, url: str | None = None) -> Batch:
    """An RSS/Atom feed; item links are resolved against the feed's site link (its <link>),
    else the address it was downloaded from, and dropped when not absolute http(s)."""
    parsed = feedparser.parse(data)
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, _HARMLESS_FEED_PROBLEMS):
        line = getattr(problem, "getLineNumber", lambda: None)()
        message = getattr(problem, "getMessage", lambda: str(problem))()
        where = texts.KB_IMPORT_AT_LINE.format(n=line) if line else ""
        raise KnowledgeImportError(
            origin, texts.KB_IMPORT_BAD_FEED.format(where=where, problem=message)
        )
    if not parsed.get("version") and not parsed.entries:
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_NOT_FEED))
    feed_author = parsed.feed.get("author")
    base = absolute_url(parsed.feed.get("link"), url) or url
    articles: list[ArticleDoc] = []
    skipped: list[str] = []
    for index, entry in enumerate(parsed.entries, start=1):
        title = (entry.get("title") or "").strip()
        link = absolute_url(entry.get("link"), base)
        if not title:
            raise KnowledgeImportError(origin, texts.KB_IMPORT_ITEM_NO_TITLE.format(n=index))
        html = ""
        if entry.get("content"):
            html = entry.content[0].get("value", "")
        html = html or entry.get("summary", "")
        blocks, meta = html_blocks(html)
        found = passages(blocks)
        if not found:
            skipped.append(texts.KB_IMPORT_ITEM_NO_TEXT.format(origin=origin, title=title[:60]))
            continue
        articles.append(
            ArticleDoc(
                slug=_slug_from(link, title),
                title=title,
                passages=tuple(found),
                url=link,
                guid=entry.get("id") or link,
                author=entry.get("author") or meta.author or feed_author,
                date=_struct_date(entry.get("published_parsed") or entry.get("updated_parsed")),
                tags=tuple(t.get("term", "") for t in entry.get("tags", []) if t.get("term")),
                origin=origin,
            )
        )
    return Batch(articles=tuple(articles), origins=(origin,), skipped=tuple(skipped))


def _slug_from(url: str | None, title: str) -> str:
    if url:
        path = urllib.parse.urlparse(url).path.rstrip("/")
        last = path.rsplit("/", 1)[-1]
        last = re.sub(r"\.(html?|php)$", "", last)
        if last and slugify(last):
            return slugify(last)
    return slugify(title) or "senza-titolo"


# --- WordPress export (WXR) -----------------------------------------------------------------


def _local(tag: str) -> tuple[str, str]:
    """ "{namespace}name" → ("prefix", "name"), with WXR's usual prefixes."""
    if not tag.startswith("{"):
        return "", tag
    namespace, name = tag[1:].split("}", 1)
    if "wordpress.org/export" in namespace:
        return ("excerpt" if "excerpt" in namespace else "wp"), name
    if "purl.org/rss/1.0/modules/content" in namespace:
        return "content", name
    if "purl.org/dc/elements" in namespace:
        return "dc", name
    return namespace, name


def parse_wxr(origin: str, data: bytes, *, url: str | None = None) -> Batch:
    """A WordPress export; post links are resolved against the site's address (the channel's
    <link>, else wp:base_blog_url / wp:base_site_url, else where the file came from)."""
    try:
        root = SafeET.fromstring(data)
    except StdET.ParseError as exc:
        line, column = exc.position
        raise KnowledgeImportError(
            origin, texts.KB_IMPORT_BAD_XML.format(line=line, column=column)
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise KnowledgeImportError(
            origin, texts.KB_IMPORT_REFUSED.format(kind=type(exc).__name__)
        ) from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_NOT_WXR))
    authors: dict[str, str] = {}
    base = url
    for key in (("wp", "base_site_url"), ("wp", "base_blog_url"), ("", "link")):
        found = next((e for e in channel if _local(e.tag) == key), None)
        if found is not None:
            base = absolute_url(found.text, base) or base
    for element in channel:
        if _local(element.tag) == ("wp", "author"):
            author = {_local(c.tag)[1]: (c.text or "").strip() for c in element}
            if author.get("author_login"):
                authors[author["author_login"]] = (
                    author.get("author_display_name") or author["author_login"]
                )
    articles: list[ArticleDoc] = []
    skipped: list[str] = []
    for index, item in enumerate(channel.iter("item"), start=1):
        fields: dict[tuple[str, str], str] = {}
        tags: list[str] = []
        for child in item:
            key = _local(child.tag)
            if key == ("", "category") and child.text:
                tags.append(child.text.strip())
            else:
                fields.setdefault(key, child.text or "")
        post_type = fields.get(("wp", "post_type"), "post").strip()
        status = fields.get(("wp", "status"), "publish").strip()
        if post_type not in ("post", "page") or status != "publish":
            continue
        title = fields.get(("", "title"), "").strip()
        if not title:
            raise KnowledgeImportError(origin, texts.KB_IMPORT_ITEM_NO_TITLE.format(n=index))
        blocks, _ = html_blocks(fields.get(("content", "encoded"), ""))
        found = passages(blocks)
        if not found:
            skipped.append(texts.KB_IMPORT_ITEM_NO_TEXT.format(origin=origin, title=title[:60]))
            continue
        link = absolute_url(fields.get(("", "link")), base)
        login = fields.get(("dc", "creator"), "").strip()
        date = _lenient_date(fields.get(("wp", "post_date"), "").strip()) or _lenient_date(
            fields.get(("", "pubDate"), "").strip()
        )
        slug = fields.get(("wp", "post_name"), "").strip()
        articles.append(
            ArticleDoc(
                slug=slugify(slug) if slug else _slug_from(link, title),
                title=title,
                passages=tuple(found),
                url=link,
                guid=fields.get(("", "guid"), "").strip() or link,
                author=authors.get(login, login) or None,
                date=date,
                tags=tuple(dict.fromkeys(tags)),
                origin=origin,
            )
        )
    return Batch(articles=tuple(articles), origins=(origin,), skipped=tuple(skipped))


# --- Pages: HTML and raw text ---------------------------------------------------------------


def parse_html_page(origin: str, html: str, *, url: str | None = None) -> ArticleDoc:
    blocks, meta = html_blocks(html)
    return _page(origin, blocks, meta, url=url)


def parse_text_page(origin: str, text: str) -> ArticleDoc:
    """A page saved as text: an optional slug line, the title, then the article."""
    blocks = text_blocks(text)
    slug_hint: str | None = None
    if blocks and re.fullmatch(r"[\w]+(?:-[\w]+)+", blocks[0].text):
        slug_hint = blocks[0].text
        blocks = blocks[1:]
    title: str | None = None
    if blocks and len(blocks[0].text) <= 150 and blocks[0].kind != "list":
        title = blocks[0].text
        blocks = blocks[1:]
    meta = HtmlMeta(title=title)
    return _page(origin, blocks, meta, slug_hint=slug_hint)


def _page(
    origin: str,
    blocks: Sequence[Block],
    meta: HtmlMeta,
    *,
    url: str | None = None,
    slug_hint: str | None = None,
) -> ArticleDoc:
    found = passages(list(blocks))
    if not found:
        raise KnowledgeImportError(origin, str(texts.KB_IMPORT_NO_PAGE_TEXT))
    # canonical / og:url may be relative to the page (or to its <base href>).
    base = absolute_url(meta.base, url) or absolute_url(url)
    url = absolute_url(meta.url, base) or absolute_url(url)
    stem = Path(urllib.parse.urlparse(origin).path).stem or origin
    title = (meta.title or "").strip() or (slug_hint or stem).replace("-", " ").capitalize()
    slug = slugify(slug_hint) if slug_hint else None
    slug = slug or (_slug_from(url, title) if url else slugify(stem) or slugify(title))
    return ArticleDoc(
        slug=slug,
        title=title,
        passages=tuple(Passage(p.heading, p.text) for p in found),
        url=url,
        guid=None,
        author=meta.author,
        date=_lenient_date(meta.date),
        tags=tuple(meta.tags),
        origin=origin,
    )
