"""The whole analysis of one article, post or comment: normalise → segment → relevance → topics →
sentiment → toxicity → places and entities → near-duplicate sketch. Pure: no I/O beyond the
packaged data.

The analysis reads at most the first ``MAX_ANALYSED_CHARS`` characters of the text (and
``MAX_TITLE_CHARS`` of the title), cut at a space when one is near the limit: its cost grows with
the length, and a hostile page (megabytes without punctuation) would otherwise hold a crawl past its
time limit. That is five times the longest article of the baomoi development set (20,119
characters), so real articles are analysed whole. Only the analysis is capped: the article is
stored, indexed and searched whole. What lies beyond the cap counts for nothing: places, topics,
sentiment, toxicity and the near-duplicate sketch are those of the prefix, and evidence offsets
point into it (the same offsets as in the whole normalised text)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.entities import Entity, entities
from analysis.fingerprint import sketch
from analysis.focus import article_province
from analysis.gazetteer import Gazetteer, build, load
from analysis.lexicon import Syllable, mostly_unaccented, syllables
from analysis.normalize import fold, normalize
from analysis.places import Place, places
from analysis.relevance import Relevance, relevance
from analysis.segment import Token, segment
from analysis.sentences import SpanLookup, sentence_spans
from analysis.sentiment import SentimentLexicon, SentimentResult, hedged_positions, in_spans, score
from analysis.sentiment_model import LEAD_SYLLABLES, Context, SentimentModel, model_sentiment, sentiment_features
from analysis.teencode import expand
from analysis.topic_model import TopicModel, model_topics, topic_features
from analysis.topics import TopicLexicon, TopicResult, select, topic_scores
from analysis.toxicity import CLEAN, ToxicityLexicon, ToxicityResult, grade

# The sentiment model was trained on news articles (a title and a lead are enough: 0.558 vs the
# lexicon's 0.513 macro-F1 on the development set cut to them); posts, comments and texts with fewer
# syllables in scope stay with the lexicon, which reads emoji and chat abbreviations.
MODEL_MIN_SYLLABLES = 20
MAX_ANALYSED_CHARS = 100_000
MAX_TITLE_CHARS = 1_000
_CUT_SEARCH = 1_000  # how far before the limit a space is looked for
_GRADE_RANK = {"none": 0, "mention": 1, "about": 2}


def analysed_part(text: str, limit: int = MAX_ANALYSED_CHARS) -> str:
    """``text`` when it has at most ``limit`` characters; else its first ``limit``, cut after the
    last space or line break of the last ``_CUT_SEARCH`` of them (at the limit when there is none)."""
    if len(text) <= limit:
        return text
    floor = max(0, limit - _CUT_SEARCH)
    end = max(text.rfind(" ", floor, limit), text.rfind("\n", floor, limit))
    return text[:end + 1] if end > 0 else text[:limit]


def prepared(title: str, text: str) -> tuple[str, str, str]:
    """The title and text the analysis reads (normalised, cut by ``analysed_part``) and the document
    (title, line break, text) every offset points into."""
    title = normalize(analysed_part(title, MAX_TITLE_CHARS))
    text = normalize(analysed_part(text, MAX_ANALYSED_CHARS))
    return title, text, f"{title}\n{text}"


def _whole(title: str, text: str) -> bool:
    """Did the analysis read all of the title and the text (neither cut by ``analysed_part``)?"""
    return len(title) <= MAX_TITLE_CHARS and len(text) <= MAX_ANALYSED_CHARS


@dataclass(frozen=True)
class StoredTexts:
    """The title and text as the store keeps and indexes them, computed once by the analysis.

    The store (``presswatch.store.articles.insert``) writes ``normalize(title)`` and
    ``normalize(text)`` and indexes their folds. The analysis has computed exactly those when it read
    the whole article, so it hands them on and the store does not compute them again. The contract:
    ``title``/``text`` are ``normalize(title_source)``/``normalize(text_source)``, ``folded_title``/
    ``folded_text`` their ``fold``; ``title_source``/``text_source`` are the title and text the
    analysis was given, and the store uses the rest only for an article whose title and text are
    equal to them (compared, never assumed: an analysis copied onto another text is ignored). Only
    set when nothing was cut (``analysed_part``)."""

    title_source: str
    text_source: str
    title: str
    text: str
    folded_title: str
    folded_text: str

    def of(self, title: str, text: str) -> bool:
        """Were these computed from this title and text?"""
        return self.title_source == title and self.text_source == text


def read_syllables(document: str, comment: bool = False) -> tuple[list[Syllable], bool]:
    """The syllables the lexicons read, chat abbreviations and hashtags expanded ("ko" → "không",
    "#LuQuet" → "lu quet"), and whether the text is written without diacritics."""
    items = syllables(document)
    unaccented = mostly_unaccented(items)
    return expand(items, comments=comment, text=document), unaccented


@dataclass
class Analysis:
    relevance: Relevance
    topics: list[TopicResult]
    sentiment: SentimentResult
    places: list[Place]
    entities: list[Entity]
    sketch: list[int] = field(repr=False)
    unaccented: bool = False
    toxicity: ToxicityResult = CLEAN
    # What the sentiment model reads (n-grams of the scored text and the lexicon's verdict);
    # kept for training (scripts/train_sentiment.py), not stored.
    sentiment_features: dict[str, float] = field(default_factory=dict, repr=False)
    # Every followed province the text concerns: canonical 2025 name → "about" | "mention" (provinces
    # graded "none" are left out); ``relevance`` is the best of them.
    provinces: dict[str, str] = field(default_factory=dict)
    # The normalised and folded title and text for the store (None: not computed, or cut); not
    # stored, not compared, not part of ``to_json``.
    texts: StoredTexts | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The stable contract of ``presswatch analyze`` (plus extra detail)."""
        return {
            "relevance": self.relevance.grade,
            "relevance_score": self.relevance.score,
            "topics": [t.slug for t in self.topics],
            "sentiment": self.sentiment.label,
            "sentiment_score": self.sentiment.score,
            "places": [p.to_json() for p in self.places],
            "entities": [{"text": e.text, "kind": e.kind} for e in self.entities],
            "evidence": {
                "relevance": [{"text": e.text, "start": e.start, "end": e.end, "unit": e.unit, "rule": e.rule,
                               "weight": e.weight} for e in self.relevance.evidence],
                "topics": {t.slug: {"label": t.label, "score": t.score, "terms": t.evidence,
                                    **({"probability": t.probability} if t.probability is not None else {})}
                           for t in self.topics},
                "sentiment": {"scope": self.sentiment.scope, "negative": self.sentiment.negative,
                              "positive": self.sentiment.positive, "terms": self.sentiment.evidence,
                              "decided_by": self.sentiment.decided_by, "lexicon": self.sentiment.lexicon_label,
                              "probability": self.sentiment.probability},
            },
            "unaccented": self.unaccented,
            "toxicity": self.toxicity.to_json(),
            "provinces": dict(self.provinces),
        }


class Analyzer:
    """Holds the lexicons and the gazetteers; ``analyze`` is safe to call for every article."""

    def __init__(self, topics: TopicLexicon, sentiment: SentimentLexicon,
                 gazetteer: Gazetteer | Sequence[Gazetteer] | None = None, with_entities: bool = True,
                 toxicity: ToxicityLexicon | None = None, sentiment_model: SentimentModel | None = None,
                 provinces: Sequence[str] | None = None, topic_model: TopicModel | None = None) -> None:
        """``gazetteer``: the followed province's (``analysis.gazetteer.build``), or several, the first
        being the home province; ``provinces``: the names of the provinces followed, home first (any
        spelling ``build`` reads; used when ``gazetteer`` is None); neither: Lai Châu's.
        ``Analysis.provinces`` grades each followed province; ``Analysis.relevance`` is the best of
        those grades (the article's relevance to the deployment). ``sentiment_model``: the trained
        model that decides the sentiment label from the text and the lexicon's verdict; None: the
        lexicon decides alone. ``topic_model``: the trained topic model (``presswatch train topics``)
        that decides the topics from the lexicon's scores and the words; None: the lexicon decides."""
        self.topics = topics
        self.topic_model = topic_model
        self.sentiment = sentiment
        self.sentiment_model = sentiment_model
        self.toxicity = toxicity or ToxicityLexicon.empty()  # no toxicity.yaml: everything "clean"
        if gazetteer is None and provinces:
            self.gazetteers: tuple[Gazetteer, ...] = tuple({g.province.name: g for g in map(build, provinces)}.values())
        elif gazetteer is None or isinstance(gazetteer, Gazetteer):
            self.gazetteers = (gazetteer or load(),)
        else:
            self.gazetteers = tuple(gazetteer) or (load(),)
        self.gazetteer = self.gazetteers[0]
        self.provinces = tuple(g.province.name for g in self.gazetteers)
        self.with_entities = with_entities

    def analyze(self, title: str, text: str, comment: bool = False,
                segmenter: Callable[[str], list[Token]] = segment,
                tagger: Callable[[list[str]], list[Entity]] = entities, sketched: bool = True) -> Analysis:
        """``comment``: the text is a post or a comment, so the ambiguous chat abbreviations ("m" →
        "mày", "k" → "không", "r" → "rồi") are expanded too; articles keep them as typed. Only the
        first ``MAX_TITLE_CHARS`` / ``MAX_ANALYSED_CHARS`` characters are read (``analysed_part``).
        ``segmenter``, ``tagger``: what segments the document and finds the named entities
        (re-analysis passes those of ``analysis.text_cache.TextCache``, which read what is stored);
        only the multi-syllable words of the segmentation are read. ``sketched=False``: no
        near-duplicate sketch (``sketch`` empty; re-analysis keeps the stored one)."""
        source = (title, text)
        title, text, document = prepared(title, text)
        title_end = len(title)
        # fold(document), in two parts the store reuses: folding never crosses a line end.
        folded_title, folded_text = fold(title), fold(text)
        folded = f"{folded_title}\n{folded_text}"
        tokens = segmenter(document)
        graded = relevance(document, title_end, folded, tokens, self.gazetteer)
        grades = [(self.gazetteer, graded)] + [(g, relevance(document, title_end, folded, tokens, g))
                                               for g in self.gazetteers[1:]]
        followed = {g.province.name: r.grade for g, r in grades if r.grade != "none"}
        found_places = [place for g, r in grades for place in places(r.matches, g)]
        # The relevance to the deployment: the best grade over the followed provinces (home first on a tie).
        best = max(grades, key=lambda pair: _GRADE_RANK[pair[1].grade])[1]
        # Sentiment and entities read the sentences naming the home province; when only another
        # followed province is named, those naming the first such province.
        graded = next((r for _, r in grades if r.grade != "none"), graded)
        items, unaccented = read_syllables(document, comment)
        scores, terms = topic_scores(items, title_end, self.topics, unaccented)
        # The sentiment model was trained on the lexicon's topics: it reads them whatever decides the topics.
        lexicon_topics = select(scores, terms, self.topics)
        topics = lexicon_topics
        if self.topic_model is not None:
            topics = model_topics(self.topic_model, topic_features(items, title_end, self.topics, scores, terms),
                                  self.topics, scores, terms, items, document)
        spans = None
        found_entities: list[Entity] = []
        if graded.grade != "none":
            sentences = sentence_spans(document)
            lookup = SpanLookup(sentences)
            naming = {lookup.index(match.start) for match in graded.matches} - {-1}  # sentences naming it
            chosen: set[int] = {0}  # the title
            for position in naming:
                chosen.update({position - 1, position, position + 1})
            spans = [sentences[i] for i in sorted(chosen) if 0 <= i < len(sentences)]
            if self.with_entities:
                # NER is costly: the title and the sentences naming the province, more of them when the
                # article is about the province than when it only mentions it.
                mentioned = [sentences[i] for i in sorted(chosen) if 0 < i < len(sentences) and i in naming]
                limit = 2 if graded.grade == "about" else 0
                found_entities = tagger([title, *(document[a:b] for a, b in mentioned[:limit])])
        scoped = items if spans is None else in_spans(items, spans)
        hedged = hedged_positions(scoped, self.sentiment, unaccented)
        feeling = score(scoped, self.sentiment, spans, unaccented, title_end, document, hedged)
        context = None
        if self.sentiment_model is None or self.sentiment_model.reads_context:  # it costs ~1/3 more time
            context = self._context(document, folded, title_end, items, spans, scoped, feeling, unaccented)
        features = sentiment_features(scoped, spans, feeling, [t.slug for t in lexicon_topics], title_end,
                                      [(t.start, folded[t.start:t.end]) for t in tokens if " " in t.text], hedged,
                                      context)
        if self.sentiment_model is not None and not comment and len(scoped) >= MODEL_MIN_SYLLABLES:
            feeling = model_sentiment(self.sentiment_model, features, feeling, scoped, document)
        return Analysis(
            relevance=best,
            topics=topics,
            sentiment=feeling,
            places=found_places,
            entities=found_entities,
            sketch=sketch(text) if sketched else [],
            unaccented=unaccented,
            toxicity=grade(document, self.toxicity, comment, items=None if comment else items),
            sentiment_features=features,
            provinces=followed,
            texts=StoredTexts(*source, title, text, folded_title, folded_text) if _whole(*source) else None,
        )

    def topic_features(self, title: str, text: str, comment: bool = False) -> dict[str, float]:
        """What the topic model reads for this text (``analysis.topic_model.topic_features``), read as
        ``analyze`` reads it: the features ``presswatch train topics`` learns from."""
        title, _, document = prepared(title, text)
        items, unaccented = read_syllables(document, comment)
        scores, terms = topic_scores(items, len(title), self.topics, unaccented)
        return topic_features(items, len(title), self.topics, scores, terms)

    def _context(self, document: str, folded: str, title_end: int, items: list[Syllable],
                 spans: list[tuple[int, int]] | None, scoped: list[Syllable], feeling: SentimentResult,
                 unaccented: bool) -> Context:
        """The lead and the article's province for the sentiment model (``Context``): Lai Châu when
        the relevance grade found it (``spans`` set), else the province ``article_province`` names,
        with the title and the sentences around its names as its focus."""
        body_start = title_end + 1
        line_end = document.find("\n", body_start)
        line_end = len(document) if line_end < 0 else line_end
        if title_end and folded[body_start:line_end].strip() == folded[:title_end].strip():
            body_start = line_end + 1  # the body repeats the headline (baomoi's layout)
        body = [s for s in items if s.start >= body_start][:LEAD_SYLLABLES]
        lead = (body_start, body[-1].end if body else body_start)
        if spans is not None:
            return Context(items, lead, "laichau", scoped, feeling, unaccented)
        focus = article_province(document, folded, title_end, self.gazetteer.other_provinces)
        if focus is None:
            return Context(items, lead, "none", unaccented=unaccented)
        sentences = sentence_spans(document)
        lookup = SpanLookup(sentences)
        chosen: set[int] = {0}
        for start, _ in focus.mentions:
            position = lookup.index(start)
            if position >= 0:
                chosen.update({position - 1, position, position + 1})
        focus_spans = [sentences[i] for i in sorted(chosen) if 0 <= i < len(sentences)]
        focused = in_spans(items, focus_spans)
        hedged = hedged_positions(focused, self.sentiment, unaccented)
        return Context(items, lead, "other", focused,
                       score(focused, self.sentiment, focus_spans, unaccented, title_end, document, hedged), unaccented)
