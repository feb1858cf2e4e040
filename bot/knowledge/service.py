"""The knowledge service: import sources, answer questions, share excerpts, manage the FAQ."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bot import limits, texts
from bot.db import Database
from bot.guild_store import GuildStore
from bot.knowledge import bridge, classify, ingest, lexicon
from bot.knowledge import examples as labelled
from bot.knowledge.examples import Examples, Near
from bot.knowledge.learning import LearningService
from bot.knowledge.models import (
    ARTICLE_PREFIX,
    FAQ_ANSWER_MAX,
    FAQ_PREFIX,
    FAQ_QUESTION_MAX,
    FAQ_VARIANT_MAX,
    SHARED_GUILD,
    Answer,
    ArticleInfo,
    Batch,
    Excerpt,
    FaqDoc,
    FaqEntry,
    FaqVersion,
    ImportReport,
    KnowledgeError,
    PartialImportError,
    Unit,
    UnitText,
    article_source,
)
from bot.knowledge.postings import Postings
from bot.knowledge.ranking import (
    CLASS,
    EXAMPLE,
    FEATURE_NAMES,
    PREWARM_MAX,
    RANK_WEIGHTS,
    TYPICAL,
    Evidence,
    Scored,
    Stats,
    Term,
    best_per_source,
    confidence,
    evidence,
    match_expression,
    rank,
    resolve,
    words_found,
)
from bot.knowledge.reply import Reply, Why
from bot.knowledge.store import BM25_WEIGHTS, FAQ, PASSAGE, KnowledgeStore
from bot.knowledge.text import Query, analyse_query, fold, looks_like_question, slugify

log = logging.getLogger(__name__)
T = TypeVar("T")

# Below this confidence Rete says it does not know. Chosen on the other writers' sets and our own
# questions only (the six written sets too), with the confidence's coefficients
# (`benchmarks/qa_quality.py --fit check,train-a,train-b,own,own2,own3,own4,own5,own6,own7`):
# where top-1 on answerable plus abstention on unanswerable, averaged over ±0.1 around the
# threshold, is best (the exact best is a flat plateau whose ends moved from one refit to the
# next).
ANSWER_THRESHOLD = 0.62
# Unasked-for answers in a channel must be surer: about 0.1 over ANSWER_THRESHOLD, as before.
AUTO_ANSWER_THRESHOLD = 0.72
EXCERPT_THRESHOLD = ANSWER_THRESHOLD  # /excerpt without an article: as sure as an answer
CLOSEST_FLOOR = 0.3  # coverage the norm's FAQ entry or article needs to be cited
SUGGEST_FLOOR = 0.2  # share of the question a source must cover to be suggested when unsure
SUGGESTIONS_MAX = 3
CANDIDATES = 30  # units FTS5 hands to the re-ranker
EXAMPLE_FLOOR = 0.5  # an example this near brings its source in even if the search missed it
EXAMPLE_SOURCES = 3  # sources the examples may bring in (and the classifier as many more)
CLASS_FLOOR = 0.1  # a source the classifier gives this probability joins too
# Articles' titles and headings join the examples while there are at most this many articles:
# a blog of thousands would make every question near hundreds of headings, and each refresh slow.
PHRASED_ARTICLES_MAX = 1_000
# Searches and answer texts kept per index version (refresh() starts afresh): a common word
# selects the same candidates for many questions, and the same sources answer them.
SEARCHES_KEPT = 1_024  # about 6 KB each
TEXTS_KEPT = 2_048  # about 1 KB each
AUTO_ANSWER_COOLDOWN_S = 120.0
AUTO_ANSWER_MAX_CHARS = 600  # a wall of text is a discussion, not a question to answer
EXCERPT_MAX_CHARS = 1200  # an excerpt is a taste of the article, well under an embed's limit
EXCERPT_MIN_CHARS = 280  # a shorter passage borrows the next one of its section
QUESTION_MAX = FAQ_QUESTION_MAX
VARIANT_MAX = FAQ_VARIANT_MAX
ANSWER_MAX = FAQ_ANSWER_MAX


@dataclass(frozen=True)
class Lookup:
    """The engine's full view of a question: the best candidate even when it abstains."""

    best: Answer | None  # score = calibrated confidence
    evidence: Evidence | None
    alternatives: tuple[Answer, ...] = ()  # the next sources, best first
    # share of the question's weight each of (best, *alternatives) covers
    relevance: tuple[float, ...] = ()
    matched: tuple[str, ...] = ()  # the question's words the best candidate has
    missing: tuple[str, ...] = ()  # and those it lacks
    # every unit the ranker scored (the examples' similarity not yet in its features) and what
    # the examples said: for the benchmarks, which refit the ranking's weights
    pool: tuple[Scored, ...] = ()
    near: Near = labelled.NOTHING

    def why(self, threshold: float = ANSWER_THRESHOLD) -> Why | None:
        if self.best is None or self.evidence is None:
            return None
        return Why(
            source=self.best.source,
            kind=FAQ if self.best.source.startswith(FAQ_PREFIX) else PASSAGE,
            matched=self.matched,
            missing=self.missing,
            features=tuple(
                (name, round(value, 3))
                for name, value in zip(FEATURE_NAMES, self.evidence.vector(), strict=True)
            ),
            confidence=self.best.score,
            threshold=threshold,
        )

    def reply(self, threshold: float = ANSWER_THRESHOLD) -> Reply:
        """What /ask shows: the answer when sure, else the likely sources."""
        answer = self.answer(threshold)
        return Reply(
            answer=answer,
            suggestions=() if answer is not None else self.suggestions(),
            why=self.why(threshold),
        )

    def answer(self, threshold: float = ANSWER_THRESHOLD) -> Answer | None:
        if self.best is not None and self.best.score >= threshold:
            return self.best
        return None

    def suggestions(self, limit: int = SUGGESTIONS_MAX) -> tuple[Answer, ...]:
        """The sources to offer when Rete is not sure: the best candidates that share enough
        of the question, at most `limit`, one per source, best first. Never an answer."""
        candidates = (self.best, *self.alternatives) if self.best is not None else ()
        return tuple(
            a for a, r in zip(candidates, self.relevance, strict=False) if r >= SUGGEST_FLOOR
        )[:limit]


@dataclass(frozen=True)
class FeedNews:
    """New articles a followed feed brought, to announce in `channel_id`."""

    guild_id: int
    channel_id: int
    url: str
    articles: tuple[ArticleInfo, ...]


class KnowledgeService:
    def __init__(
        self,
        db: Database,
        guilds: GuildStore | None = None,
        *,
        sources: Sequence[Path | str] = (),
        answer_threshold: float = ANSWER_THRESHOLD,
        auto_answer_threshold: float = AUTO_ANSWER_THRESHOLD,
        auto_answer_cooldown_s: float = AUTO_ANSWER_COOLDOWN_S,
        clock: Callable[[], float] = time.time,
        fetch: ingest.Fetcher = ingest.fetch_url,
        examples: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        self.store = KnowledgeStore(db)
        self.guilds = guilds or GuildStore(db)
        self.sources = tuple(sources)
        self.answer_threshold = answer_threshold
        self.auto_answer_threshold = auto_answer_threshold
        self.auto_answer_cooldown_s = auto_answer_cooldown_s
        self._clock = clock
        self._fetch = fetch
        self._stats: Stats | None = None
        self._postings: Postings | None = None  # the index in memory, while it is small
        self._answer_channels: dict[int, frozenset[int]] = {}
        self._last_auto_answer: dict[tuple[int, int], float] = {}
        self._executor: ThreadPoolExecutor | None = None
        self.learning = LearningService(self, clock=clock)  # unanswered questions and votes
        # labelled questions, (text, source): the shipped ones unless others are given
        self.labelled = tuple(examples) if examples is not None else labelled.shipped()
        self.examples = Examples(())  # those and the FAQ's phrasings, built by refresh()
        self.rank_weights: tuple[float, ...] = RANK_WEIGHTS
        self._searches: dict[tuple[str, int, str | None, int], list[Unit]] = {}
        self._texts: dict[int, UnitText] = {}
        self._all_texts: dict[int, UnitText] | None = None  # every unit's, while the index is small

    # --- lifecycle and import ---------------------------------------------------------------

    async def start(self, *, import_sources: bool = True) -> None:
        """Import the configured sources (a broken one is logged, not fatal) and load stats."""
        if import_sources and self.sources:
            try:
                report = await self.import_sources(self.sources)
                log.info(
                    "knowledge sources (%d): articles %d added, %d updated, %d unchanged; "
                    "FAQ %d added, %d updated, %d unchanged; %d files skipped",
                    len(self.sources),
                    report.articles_added,
                    report.articles_updated,
                    report.articles_unchanged,
                    report.faqs_added,
                    report.faqs_updated,
                    report.faqs_unchanged,
                    len(report.skipped),
                )
            except KnowledgeError as exc:
                log.error("knowledge sources not imported: %s", exc)
        await self.refresh()
        # the English bridge's data is read now rather than on the first English question
        await self._in_thread(bridge.warm)

    def close(self) -> None:
        """Close the store's read connection and the import thread (the database itself belongs
        to the caller). Idempotent."""
        self.store.close()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    async def _in_thread(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Parsing and downloads run in the service's own thread, not the event loop's: a big
        export or a slow feed must not stall Discord's heartbeat. Its own executor, so that
        close() leaves no thread behind."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rete-kb")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(func, *args, **kwargs))

    async def refresh(self) -> None:
        """Reload the document frequencies the ranker weighs words with."""
        df, units = await self.store.vocabulary()
        # the corpus' own phrasings too: FAQ questions and variants, article titles and headings;
        # a guild's own phrasings count only for questions asked in that guild
        phrasings = await self.store.faq_phrasings()
        if await self.store.article_count(SHARED_GUILD) <= PHRASED_ARTICLES_MAX:
            phrasings += await self.store.article_phrasings()
        shared = [
            *self.labelled,
            *((text, source) for text, source, g in phrasings if g == SHARED_GUILD),
        ]
        # fitted in a worker thread (about a second), and only when the shared phrasings
        # changed: a guild's own FAQ edit reuses the model
        classifier = await asyncio.to_thread(classify.fitted, shared)
        self.examples = Examples(
            [*self.labelled, *((text, source) for text, source, _ in phrasings)],
            owners=[*(SHARED_GUILD for _ in self.labelled), *(g for _, _, g in phrasings)],
            pooled=[*(True for _ in self.labelled), *(False for _ in phrasings)],
            classifier=classifier,
        )
        stats = Stats(df, units, await self.store.unit_counts())
        postings, all_texts = None, None
        if units <= PREWARM_MAX:
            for stems in await self.store.unit_stems():
                stats.prepare(stems)
            # searched in memory: FTS5's query was a third of a lookup (same units and scores);
            # built in a worker thread (a few tenths of a second at 1,000 articles)
            indexed = await self.store.indexed_units()
            postings = await asyncio.to_thread(Postings, indexed, BM25_WEIGHTS)
            all_texts = await self.store.unit_texts(None)
        self._stats, self._postings = stats, postings
        # new dicts, not cleared ones: a lookup still awaiting the old index keeps its own
        self._searches, self._texts, self._all_texts = {}, {}, all_texts

    async def _stats_now(self) -> Stats:
        if self._stats is None:
            await self.refresh()
        assert self._stats is not None
        return self._stats

    async def import_sources(
        self, sources: Iterable[Path | str], guild_id: int = SHARED_GUILD
    ) -> ImportReport:
        """Import files, folders (formats detected) or URLs: all of it or, on any error, nothing."""
        batch = await self._in_thread(ingest.load_sources, list(sources), fetch=self._fetch)
        return await self.write(batch, guild_id)

    async def import_file(self, name: str, data: bytes, guild_id: int) -> ImportReport:
        """An uploaded file (e.g. /faq import): format from its name, else from its content."""
        kind = ingest.kind_of(Path(name))
        if kind in (ingest.MARKDOWN, ingest.FAQ):
            text = ingest.decode_text(name, data) if data else ""
            if kind == ingest.FAQ:
                batch = Batch(faqs=ingest.parse_faq(name, text), origins=(name,))
            else:
                article = ingest.parse_markdown(name, text, default_slug=Path(name).stem)
                batch = Batch(articles=(article,), origins=(name,))
        else:
            batch = await self._in_thread(ingest.parse_bytes, name, data, kind=kind)
        return await self.write(batch, guild_id)

    async def write(self, batch: Batch, guild_id: int) -> ImportReport:
        try:
            report = await self.store.write_batch(guild_id, batch, now=self._clock())
        except PartialImportError:
            log.error("import into guild %s interrupted; the part written is searchable", guild_id)
            await self.refresh()
            raise
        if report.changed or self._stats is None:
            await self.refresh()
        return report

    async def sync(self, guild_id: int) -> list[ImportReport]:
        """`/articles sync`: the configured sources into guild 0, the guild's feeds into it."""
        reports: list[ImportReport] = []
        if self.sources:
            reports.append(await self.import_sources(self.sources))
        for _, url, _, _ in await self.store.feeds(guild_id):
            reports.append(await self.import_sources([url], guild_id))
        return reports

    # --- answering --------------------------------------------------------------------------

    async def _rank(
        self,
        question: str,
        guild_id: int,
        *,
        kind: str | None = None,
        source: str | None = None,
        query: Query | None = None,
    ) -> tuple[list[Term], list[Scored]]:
        stats = await self._stats_now()
        query = query or analyse_query(question)
        terms = resolve(query, stats)
        if source is not None:  # inside one article: rank all of its passages
            units = await self._source_units(guild_id, source)
            return terms, await self._ranked(terms, units, stats)
        expression = match_expression(terms, stats)
        if not expression:
            return terms, []
        hidden = stats.hidden((SHARED_GUILD, guild_id), kind)
        searches = self._searches
        key = (expression, guild_id, kind, hidden)
        found = searches.get(key)
        if found is None:
            postings = self._postings
            if postings is not None:
                found = postings.search(expression, guild_id, limit=CANDIDATES, kind=kind)
            if found is None:
                found = await self.store.search(
                    expression, guild_id, limit=CANDIDATES, kind=kind, hidden=hidden
                )
            if len(searches) >= SEARCHES_KEPT:
                del searches[next(iter(searches))]  # the oldest
            searches[key] = found
        return terms, await self._ranked(terms, found, stats, query)

    async def _source_units(self, guild_id: int, source: str) -> list[Unit]:
        postings = self._postings
        if postings is not None:
            return postings.source_units(guild_id, source)
        return await self.store.source_units(guild_id, source)

    async def _unit_texts(self, unit_ids: Sequence[int]) -> dict[int, UnitText]:
        """The units' texts, read once per index version (the answer path's last read)."""
        every = self._all_texts
        if every is not None:
            return {i: every[i] for i in unit_ids if i in every}
        kept = self._texts
        texts = {i: kept[i] for i in unit_ids if i in kept}
        missing = [i for i in unit_ids if i not in texts]
        if missing:
            found = await self.store.unit_texts(missing)
            if len(kept) + len(found) > TEXTS_KEPT:
                kept.clear()
            kept.update(found)
            texts.update(found)
        return texts

    async def _ranked(
        self, terms: list[Term], units: list[Unit], stats: Stats, query: Query | None = None
    ) -> list[Scored]:
        for stems in await self.store.unit_stems(stats.missing(units)):
            stats.prepare(stems)
        if query is None:
            return rank(terms, units, stats, weights=self.rank_weights)
        return rank(
            terms,
            units,
            stats,
            community=query.community,
            definition=query.definition,
            weights=self.rank_weights,
        )

    async def lookup(self, question: str, guild_id: int = SHARED_GUILD) -> Lookup:
        query = analyse_query(question)
        terms, scored = await self._rank(question, guild_id, query=query)
        ranked = best_per_source(scored)
        stats = await self._stats_now()
        near = self.examples.near(query, guild_id)
        extra: list[Scored] = []
        if near.sources or near.typical or near.classes:
            ranked, extra = await self._with_examples(terms, ranked, near, stats, guild_id, query)
        if not ranked:
            return Lookup(None, None)
        said = self.examples.said(ranked[0].unit.source)
        ev = evidence(terms, ranked, stats, near, question=question, said=said)
        top = ranked[: SUGGESTIONS_MAX + 1]
        texts = await self._unit_texts([s.unit.unit_id for s in top])
        kept = [(i, s) for i, s in enumerate(top) if s.unit.unit_id in texts]
        if not kept or kept[0][0] != 0:
            return Lookup(None, None)
        answers = [
            _answer(texts[s.unit.unit_id], confidence(ev) if i == 0 else 0.0) for i, s in kept
        ]
        known = ev.known
        relevance = tuple(
            round(max(s.coverage * known, near.sources.get(s.unit.source, 0.0)), 4) for _, s in kept
        )
        found, lacking = words_found(terms, ranked[0].unit.unit_id, stats)
        return Lookup(
            answers[0],
            ev,
            tuple(answers[1:]),
            relevance,
            tuple(found),
            tuple(lacking),
            pool=(*scored, *extra),
            near=near,
        )

    async def _with_examples(
        self,
        terms: list[Term],
        ranked: list[Scored],
        near: Near,
        stats: Stats,
        guild_id: int,
        query: Query,
    ) -> tuple[list[Scored], list[Scored]]:
        """The ranked sources with the examples' evidence added to each one's score; a source
        whose examples are near but that the search did not find joins with its best unit.
        Also returns those joining units (as the ranker scored them)."""
        have = {s.unit.source for s in ranked}
        nearest = [
            source
            for source, similarity in sorted(near.sources.items(), key=lambda kv: (-kv[1], kv[0]))[
                :EXAMPLE_SOURCES
            ]
            if similarity >= EXAMPLE_FLOOR
        ]
        nearest += [
            source
            for source, p in sorted(near.classes.items(), key=lambda kv: (-kv[1], kv[0]))[
                :EXAMPLE_SOURCES
            ]
            if p >= CLASS_FLOOR and source not in nearest
        ]
        extra: list[Scored] = []
        for source in nearest:
            if source in have:
                continue
            units = await self._source_units(guild_id, source)
            if units:
                found = await self._ranked(terms, units, stats, query)
                if found:
                    extra.append(found[0])
        merged = [  # only the sources the examples speak for change score
            _with_near(s, near, self.rank_weights)
            if s.unit.source in near.sources
            or s.unit.source in near.typical
            or s.unit.source in near.classes
            else s
            for s in [*ranked, *extra]
        ]
        merged.sort(key=lambda s: (-s.score, s.unit.unit_id))
        return merged, extra

    async def reply(self, question: str, guild_id: int = SHARED_GUILD) -> Reply:
        """What /ask shows in every front-end: the answer when Rete is sure, else up to three
        likely sources (never an answer it is not sure of), and why."""
        return (await self.lookup(question, guild_id)).reply(self.answer_threshold)

    async def ask(self, question: str, guild_id: int = SHARED_GUILD) -> Answer | None:
        """The best FAQ answer or article passage, or None when Rete is not sure enough."""
        return (await self.lookup(question, guild_id)).answer(self.answer_threshold)

    async def auto_answer(
        self, guild_id: int, channel_id: int, text: str, *, now: float
    ) -> Answer | None:
        """An answer to post unasked, or None.

        None unless the channel is one of the guild's answer channels, the message reads as a
        question, the channel's cooldown has passed, and the answer is confident.
        """
        found = await self.auto_lookup(guild_id, channel_id, text, now=now)
        return None if found is None else found.answer(self.auto_answer_threshold)

    async def auto_lookup(
        self, guild_id: int, channel_id: int, text: str, *, now: float
    ) -> Lookup | None:
        """The lookup behind an automatic answer; None when the message is not one to answer
        (not an answer channel, not a question, the channel's cooldown). A confident answer
        (`auto_answer_threshold`) starts the cooldown."""
        if channel_id not in await self.answer_channels(guild_id):
            return None
        if len(text) > AUTO_ANSWER_MAX_CHARS or not looks_like_question(text):
            return None
        last = self._last_auto_answer.get((guild_id, channel_id))
        if last is not None and now - last < self.auto_answer_cooldown_s:
            return None
        found = await self.lookup(text, guild_id)
        if found.answer(self.auto_answer_threshold) is not None:
            self._last_auto_answer[(guild_id, channel_id)] = now
        return found

    async def auto_answer_pause(
        self, guild_id: int, channel_id: int, text: str, now: float
    ) -> float:
        """Seconds until `auto_answer` may answer this question in this channel again (0 when
        the per-channel cooldown is not what keeps it silent). Memory only."""
        if channel_id not in await self.answer_channels(guild_id):
            return 0.0
        if len(text) > AUTO_ANSWER_MAX_CHARS or not looks_like_question(text):
            return 0.0
        last = self._last_auto_answer.get((guild_id, channel_id))
        if last is None:
            return 0.0
        return max(0.0, self.auto_answer_cooldown_s - (now - last))

    async def answer_channels(self, guild_id: int) -> frozenset[int]:
        cached = self._answer_channels.get(guild_id)
        if cached is None:
            cached = await self.guilds.answer_channels(guild_id)
            self._answer_channels[guild_id] = cached
        return cached

    async def set_answer_channel(self, guild_id: int, channel_id: int, *, enabled: bool) -> None:
        await self.guilds.set_answer_channel(guild_id, channel_id, enabled=enabled)
        self._answer_channels.pop(guild_id, None)

    async def norm_entry(self, guild_id: int = SHARED_GUILD) -> Answer | None:
        """The FAQ entry (else article) on the community's "no free consultancy" norm."""
        for kind in (FAQ, PASSAGE):
            terms, scored = await self._rank(lexicon.NORM_QUERY, guild_id, kind=kind)
            ranked = best_per_source(scored)
            if ranked and ranked[0].coverage >= CLOSEST_FLOOR:
                texts = await self.store.unit_texts([ranked[0].unit.unit_id])
                unit = texts.get(ranked[0].unit.unit_id)
                if unit is not None:
                    return _answer(
                        unit,
                        confidence(
                            evidence(
                                terms,
                                ranked,
                                await self._stats_now(),
                                question=lexicon.NORM_QUERY,
                            )
                        ),
                    )
        return None

    async def record_feedback(
        self, guild_id: int, source: str, user_id: int, helpful: bool
    ) -> None:
        await self.store.record_feedback(guild_id, source, user_id, helpful, now=self._clock())

    async def feedback(self, guild_id: int, source: str) -> tuple[int, int]:
        return await self.store.feedback(guild_id, source)

    # --- excerpts ---------------------------------------------------------------------------

    async def find_article(self, article: str, guild_id: int = SHARED_GUILD) -> ArticleInfo | None:
        """An article by slug ("article:slug" too), else by a title that only one article has."""
        slug = article.strip().removeprefix(ARTICLE_PREFIX)
        found = await self.store.article(guild_id, slug)
        if found is None and slug:
            matches = await self.store.titles(guild_id, fold(slug).strip(), limit=2)
            exact = [m for m in matches if fold(m.title) == fold(slug).strip()]
            if exact or len(matches) == 1:
                found = (exact or matches)[0]
        return found

    async def excerpt(
        self,
        query: str,
        article: str | None = None,
        guild_id: int = SHARED_GUILD,
        *,
        max_chars: int = EXCERPT_MAX_CHARS,
    ) -> Excerpt | None:
        """The passage that best fits `query` (in `article` when given), trimmed to `max_chars`."""
        if article:
            info = await self.find_article(article, guild_id)
            if info is None:
                raise KnowledgeError(f"Non trovo l'articolo «{limits.clip(article, 80)}».")
            passages = await self.store.article_passages(guild_id, info.slug)
            if not passages:
                return None
            chosen, score = passages[0], 0.0
            if query.strip():
                terms, scored = await self._rank(
                    query, guild_id, kind=PASSAGE, source=article_source(info.slug)
                )
                if scored:
                    by_id = {p.unit_id: p for p in passages}
                    chosen = by_id.get(scored[0].unit.unit_id, chosen)
                    score = confidence(
                        evidence(
                            terms,
                            best_per_source(scored),
                            await self._stats_now(),
                            question=query,
                        )
                    )
            return _excerpt(chosen, passages, score, max_chars)
        terms, scored = await self._rank(query, guild_id, kind=PASSAGE)
        ranked = best_per_source(scored)
        if not ranked:
            return None
        score = confidence(evidence(terms, ranked, await self._stats_now(), question=query))
        if score < EXCERPT_THRESHOLD:
            return None
        best = ranked[0].unit
        assert best.source.startswith(ARTICLE_PREFIX)
        passages = await self.store.article_passages(
            guild_id, best.source.removeprefix(ARTICLE_PREFIX)
        )
        found = next((p for p in passages if p.unit_id == best.unit_id), None)
        if found is None:  # the guild's own copy of the article shadows the shared one
            texts_by_id = await self.store.unit_texts([best.unit_id])
            found = texts_by_id.get(best.unit_id)
            passages = [found] if found is not None else []
        if found is None:
            return None
        return _excerpt(found, passages, score, max_chars)

    async def title_choices(
        self, prefix: str, guild_id: int = SHARED_GUILD
    ) -> list[tuple[str, str]]:
        """(slug, title) of articles whose title contains what was typed, at most 25."""
        found = await self.store.titles(
            guild_id, fold(prefix).strip(), limit=limits.AUTOCOMPLETE_CHOICES_MAX
        )
        return [(a.slug, a.title) for a in found]

    async def articles(self, guild_id: int = SHARED_GUILD) -> list[ArticleInfo]:
        return await self.store.articles(guild_id)

    # --- FAQ management ---------------------------------------------------------------------

    async def is_empty(self, guild_id: int) -> bool:
        """No article and no FAQ entry the guild can see (its own or the shared ones)."""
        if await self.store.article_count(guild_id):
            return False
        return not await self.faq_entries(guild_id)

    async def faq_entries(self, guild_id: int, *, include_shared: bool = True) -> list[FaqEntry]:
        return await self.store.faqs(guild_id, include_shared=include_shared)

    async def own_faq_entry(self, guild_id: int, key: str) -> FaqEntry | None:
        """The guild's own entry (not a shared one), as a moderator may edit it."""
        return await self.store.faq(guild_id, key)

    async def faq_entry(self, guild_id: int, key: str) -> FaqEntry | None:
        return await self.store.faq(guild_id, key) or await self.store.faq(SHARED_GUILD, key)

    async def add_faq(
        self,
        guild_id: int,
        question: str,
        answer: str,
        *,
        variants: Sequence[str] = (),
        links: Sequence[str] = (),
        key: str | None = None,
        author_id: int | None = None,
    ) -> FaqEntry:
        taken = await self.store.faq_keys(guild_id)
        if key is not None:
            key = key.strip()
            if key in taken:
                raise KnowledgeError(texts.KB_FAQ_EXISTS.format(key=key))
        else:
            base = "faq-" + (slugify(question, limit=60) or "domanda")
            key, n = base, 2
            while key in taken:
                key, n = f"{base}-{n}", n + 1
        doc = self._validated(key, question, answer, variants, links, author_id)
        await self.write(Batch(faqs=(doc,)), guild_id)
        entry = await self.store.faq(guild_id, key)
        assert entry is not None
        return entry

    async def edit_faq(
        self,
        guild_id: int,
        key: str,
        *,
        question: str | None = None,
        answer: str | None = None,
        variants: Sequence[str] | None = None,
        links: Sequence[str] | None = None,
        author_id: int | None = None,
    ) -> FaqEntry:
        entry = await self._own_faq(guild_id, key)
        doc = self._validated(
            key,
            entry.question if question is None else question,
            entry.answer if answer is None else answer,
            entry.variants if variants is None else variants,
            entry.links if links is None else links,
            author_id,
        )
        await self.write(Batch(faqs=(doc,)), guild_id)
        updated = await self.store.faq(guild_id, key)
        assert updated is not None
        return updated

    async def add_variant(
        self,
        guild_id: int,
        key: str,
        variant: str,
        *,
        author_id: int | None = None,
        max_text: int | None = None,
    ) -> FaqEntry:
        """Another wording of a FAQ entry's question, through the edit path (the author is
        recorded as the entry's origin). On a shared entry it makes the server's own copy,
        which then answers in this server instead of the shared one (/faq remove undoes it).
        `max_text` bounds the variants' total length (one a line)."""
        entry = await self.store.faq(guild_id, key)
        if entry is None and guild_id != SHARED_GUILD:
            entry = await self.store.faq(SHARED_GUILD, key)
        if entry is None:
            raise KnowledgeError(texts.LEARN_NO_FAQ.format(key=key))
        known = {fold(v).strip() for v in (entry.question, *entry.variants)}
        if fold(variant).strip() in known:
            return entry
        variants = (*entry.variants, variant)
        if max_text is not None and len("\n".join(variants)) > max_text:
            raise KnowledgeError(texts.LEARN_TOO_MANY_VARIANTS.format(key=key))
        if entry.guild_id == guild_id:
            return await self.edit_faq(guild_id, key, variants=variants, author_id=author_id)
        doc = self._validated(key, entry.question, entry.answer, variants, entry.links, author_id)
        await self.write(Batch(faqs=(doc,)), guild_id)
        copy = await self.store.faq(guild_id, key)
        assert copy is not None
        return copy

    async def remove_faq(
        self, guild_id: int, key: str, *, author_id: int | None = None
    ) -> FaqEntry:
        """Remove a server's own entry; what it said stays among its versions (faq_history)."""
        entry = await self._own_faq(guild_id, key)
        by = f"discord:{author_id}" if author_id is not None else None
        await self.store.delete_faq(guild_id, key, by=by)
        await self.refresh()
        return entry

    async def faq_history(
        self, guild_id: int, key: str | None = None, *, limit: int = 20
    ) -> list[FaqVersion]:
        """The server's earlier FAQ versions, newest first (of one entry, or of all): what an
        edit, an import, an attached variant or a removal replaced."""
        return await self.store.faq_versions(guild_id, key.strip() if key else None, limit=limit)

    async def restore_faq(
        self, guild_id: int, version_id: int, *, author_id: int | None = None
    ) -> FaqEntry:
        """Put an earlier version back: the entry is edited to say it again (the version it
        replaces is kept in turn), or added again if it was removed."""
        version = await self.store.faq_version(guild_id, version_id)
        if version is None:
            raise KnowledgeError(texts.KB_FAQ_NO_VERSION.format(version=version_id))
        old = version.entry
        # written as the edit path writes, so it also brings back a server's own copy of a
        # shared entry (made by attaching a question to it) that was removed
        doc = self._validated(old.key, old.question, old.answer, old.variants, old.links, author_id)
        await self.write(Batch(faqs=(doc,)), guild_id)
        restored = await self.store.faq(guild_id, old.key)
        assert restored is not None
        return restored

    async def _own_faq(self, guild_id: int, key: str) -> FaqEntry:
        entry = await self.store.faq(guild_id, key)
        if entry is not None:
            return entry
        if guild_id != SHARED_GUILD and await self.store.faq(SHARED_GUILD, key) is not None:
            raise KnowledgeError(texts.KB_FAQ_SHARED_READ_ONLY.format(key=key))
        raise KnowledgeError(texts.LEARN_NO_FAQ.format(key=key))

    @staticmethod
    def _validated(
        key: str,
        question: str,
        answer: str,
        variants: Iterable[str],
        links: Iterable[str],
        author_id: int | None,
    ) -> FaqDoc:
        origin = f"discord:{author_id}" if author_id is not None else "rete"
        item = {
            "id": key,
            "question": limits.clip(question.strip(), QUESTION_MAX),
            "answer": answer.strip()[:ANSWER_MAX],
            "variants": [limits.clip(v.strip(), VARIANT_MAX) for v in variants if v.strip()],
            "links": [link.strip() for link in links if link.strip()],
        }
        try:
            return replace(ingest.faq_entry("FAQ", 1, item, set()), origin=origin)
        except KnowledgeError as exc:
            raise KnowledgeError(str(exc).removeprefix("FAQ: entry 1 ")) from None

    async def export_faq(self, guild_id: int, *, include_shared: bool = False) -> str:
        """The guild's FAQ as YAML, in the format `/faq import` and `rete knowledge import` read."""
        entries = await self.store.faqs(guild_id, include_shared=include_shared)
        data = []
        for entry in entries:
            item: dict[str, object] = {"id": entry.key, "question": entry.question}
            if entry.variants:
                item["variants"] = list(entry.variants)
            item["answer"] = entry.answer
            if entry.links:
                item["links"] = list(entry.links)
            data.append(item)
        header = f"# {texts.KB_FAQ_EXPORT_HEADER}\n"  # in the language of who exports
        body = (
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100) if data else "[]\n"
        )
        return header + body

    # --- feeds ------------------------------------------------------------------------------

    async def follow_feed(self, guild_id: int, url: str, channel_id: int | None) -> ImportReport:
        """Follow a feed: import it now (nothing announced) and poll it from then on."""
        if not url.startswith(("http://", "https://")):
            raise KnowledgeError(str(texts.KB_FEED_NOT_HTTP))
        report = await self.import_sources([url], guild_id)
        await self.store.set_feed(guild_id, url, channel_id)
        await self.store.mark_polled(guild_id, url, now=self._clock())
        return report

    async def unfollow_feed(self, guild_id: int, url: str) -> bool:
        return await self.store.remove_feed(guild_id, url)

    async def feeds(self, guild_id: int) -> list[tuple[str, int | None]]:
        return [(url, channel) for _, url, channel, _ in await self.store.feeds(guild_id)]

    async def poll_feeds(self) -> list[FeedNews]:
        """Import every followed feed; what is new since the last poll is returned to announce."""
        news: list[FeedNews] = []
        for guild_id, url, channel_id, last_polled in await self.store.feeds():
            try:
                report = await self.import_sources([url], guild_id)
            except KnowledgeError as exc:
                log.warning("feed of guild %s not polled: %s", guild_id, exc)
                continue
            await self.store.mark_polled(guild_id, url, now=self._clock())
            if last_polled is not None and channel_id is not None and report.new_articles:
                news.append(FeedNews(guild_id, channel_id, url, report.new_articles))
        return news


def _with_near(s: Scored, near: Near, weights: Sequence[float]) -> Scored:
    """A candidate with what the examples say about its source added to its score."""
    features = list(s.features)
    score = s.score
    for index, said in ((EXAMPLE, near.sources), (TYPICAL, near.typical), (CLASS, near.classes)):
        features[index] = said.get(s.unit.source, 0.0)
        score += weights[index] * features[index]
    return Scored(s.unit, score, s.coverage, s.line, s.bm25, tuple(features))


def _answer(unit: UnitText, score: float) -> Answer:
    if unit.kind == FAQ:
        title = unit.title
    else:
        title = f"{unit.title} — {unit.heading}" if unit.heading else unit.title
    return Answer(
        source=unit.source,
        score=round(score, 4),
        title=title,
        text=unit.text,
        url=unit.url,
        author=unit.author,
        date=unit.date,
    )


def _excerpt(
    chosen: UnitText, passages: Sequence[UnitText], score: float, max_chars: int
) -> Excerpt:
    text = chosen.text
    following = [p for p in passages if p.position > chosen.position]
    for passage in following:
        if len(text) >= EXCERPT_MIN_CHARS or passage.heading != chosen.heading:
            break
        text += "\n\n" + passage.text
    trimmed = limits.clip_at_sentence(text, max_chars)
    return Excerpt(
        source=chosen.source,
        slug=chosen.slug or "",
        title=chosen.title,
        section=chosen.heading,
        text=trimmed,
        url=chosen.url,
        author=chosen.author,
        date=chosen.date,
        score=round(score, 4),
        trimmed=trimmed != text,
    )
