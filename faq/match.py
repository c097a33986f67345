"""Match a question to a stored entry: BM25 over normalised terms, with a refusal to guess.

Why this method: the store holds a few dozen entries, each with a question, authored phrasings
and keywords. At that size a lexical ranker with good normalisation is as accurate as a small
embedding model on pricing jargon, runs in well under a millisecond in pure Python, and needs
no dependency (see shared/reference/faq-bots.md, sections 5-7). So:

* *Normalisation*: lowercase; multi-word phrases and model names folded into one term
  ("system prompt", "gpt-4o" -> `modelname`); stopwords dropped; a light suffix stemmer; a
  reviewed synonym map onto canonical terms (completion/response/generated -> `output`,
  prompt -> `input`, bill/spend/price/charge -> `cost`, pricier/more expensive -> `pricier`,
  the languages -> `language` ...); and one-edit typo correction against the store's own words.
* *Ranking*: Okapi BM25 (k1 1.2, b 0.75), one document per entry, the question weighted x3,
  phrasings and keywords x2. Per-term contributions are precomputed, so a query is a few dict
  lookups.
* *Deciding*: BM25 scores are only relative, so the answer/miss decision uses *coverage*: the
  IDF-weighted share of the question's terms that the best entry contains, where a word the
  store has never seen weighs as much as the rarest word it has. Off-topic questions ("reset my
  Slack password", "price of bitcoin") carry words the store lacks, so their coverage is low even
  when one generic word ("cost", "channel") hits. An explicit off-topic list catches the
  near-domain traps. Below the bar, the result is a `Miss` with the closest questions.

`Matcher.rank()` is the scorer seam: an embedding re-ranker could replace it without touching
the decision or the renderer.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from faq.store import Entry, load_entries

__all__ = [
    "Match",
    "Matcher",
    "Miss",
    "default_matcher",
    "looks_like_question",
    "match",
    "normalise",
]

# -- the lexicon -------------------------------------------------------------------------------


def _wordlist(text: str) -> frozenset[str]:
    """A word set written as one string, so the lexicon stays readable."""
    return frozenset(text.split())


# Phrases and model names become one term before tokenising. Order matters: longer first.
_PHRASES: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:gpt|chatgpt)[\s-]?[0-9][\w.-]*|\b(?:claude|gemini|llama|mistral|mixtral|grok|qwen"
        r"|deepseek|sonnet|opus|haiku|gemma|phi|codestral|command-r)[\w.-]*",
        " modelname ",
    ),
    (
        r"\b(?:o1|o3|o4)(?:-mini|-pro)?\b|\bdeepseek-reasoner\b|\bchain[\s-]of[\s-]thought\b",
        " reasoning ",
    ),
    (r"\btext-embedding[\w.-]*|\bembed-[\w.-]+", " embedding "),
    (r"\blanguage models?\b|\bgen ?ai\b", " llm "),
    (r"\b(?:pricing|billing) works?\b|\bpricing models?\b", " pricingmodel "),
    (r"\bbudget (?:models?|llms?|options?)\b", " cheapest "),
    (r"\bcheap\w* (?:and|vs|or|while|but) (?:\w+ ){0,2}(?:expensive|pricey)\b", " differ "),
    (r"\bmake (?:\w+ ){0,3}cheaper\b", " reduce "),
    (r"\bhit(?:ting)? (?:the )?(?:\w+ )?api\b", " request api "),
    (
        r"\bsystem (?:prompts?|messages?|msgs?|instructions?)\b|\bdeveloper messages?\b",
        " systemprompt ",
    ),
    (
        r"\bcontext (?:windows?|length|size)\b|\blong[\s-]context\b|\b[1-9][0-9]{2}k\b",
        " longcontext ",
    ),
    (r"\b(?:long|huge|big|large|giant|massive) (?:prompts?|inputs?|documents?)\b", " longcontext "),
    (r"\brate[\s-]?limit(?:s|ed|ing)?\b|\b(?:tokens|requests) per minute\b|\b429\b", " ratelimit "),
    (r"\b(?:one|a) (?:token )?at a time\b|\bautoregressive(?:ly)?\b", " sequential "),
    (r"\bup[\s-]to[\s-]date\b|\bout[\s-]of[\s-]date\b|\blast (?:checked|updated)\b", " fresh "),
    (r"\bcomes? from\b|\bwhere (?:do|does|did) (?:you|the bot|it) get\b", " source "),
    (
        r"\b(?:our|my) own (?:prices|pricing|rates)\b|\bcustom (?:prices|pricing|rates)\b",
        " override ",
    ),
    (r"\bper (?:1m|mtok|million)\b|/\s?(?:1m|mtok)\b|\bmillion tokens\b", " mtok "),
    (r"\bper (?:1k|thousand)\b|\b1k tokens\b|/\s?1k\b", " mtok "),
    (r"\b(?:least|less) expensive\b|\blowest[\s-]priced?\b|\bbest value\b", " cheapest "),
    (r"\b\d+(?:\.\d+)?\s?x\b", " pricier "),
    (r"\b\d+\s?%\s?off\b|\bhalf (?:off|price)\b|\b(?:cost|charge|pay)s? less\b", " discount "),
    (r"\busage tiers?\b|\btier [1-5]\b", " usagetier "),
    (r"\bcount(?:s|ed)? (?:as|towards?)\b", " "),
    (
        r"\b(?:cost|costs|costing|charge|charged|charges|billed|priced|pay) (?:way |much |a lot )?"
        r"(?:more|extra|higher)\b"
        r"|\bmore (?:expensive|costly|money)\b|\bhigher (?:price|cost|rate)s?\b",
        " pricier ",
    ),
    (
        r"\btoo (?:high|much|expensive|big|large)\b|\bspend less\b|\bout of control\b"
        r"|\b(?:bring|get|keep) (?:\w+ )?down\b",
        " reduce ",
    ),
    (r"\bhow many\b", " count "),
    (r"\bhow much\b", " cost "),
    (r"\bself[\s-]?host(?:ed|ing)?\b|\bon[\s-]prem(?:ise|ises)?\b|\bown gpus?\b", " selfhost "),
    (r"\blog ?in\b|\bsign ?in\b|\bsign ?up\b", " login "),
    (r"\bside[\s-]by[\s-]side\b|\bhead[\s-]to[\s-]head\b", " compare "),
    (r"\bnon[\s-](?:english|latin)\b", " language "),
)
_PHRASE_RES = tuple((re.compile(pattern), repl) for pattern, repl in _PHRASES)

# canonical term: surface words (before stemming) that mean it.
_SYNONYMS: dict[str, str] = {
    "output": "output outputs completion completions response responses generated generate "
    "generates generating generation reply replies decode decoding",
    "input": "input inputs prompt prompts prefill reading read",
    "cost": "cost costs costing price prices pricing priced bill bills billed billing spend "
    "spends spending spent charge charges charged charging fee fees pay paying paid expense "
    "expenses money dollars usd invoice invoices rate rates",
    "pricier": "pricier priciest costlier dearer expensive premium",
    "cheap": "cheap inexpensive affordable economical",
    "cheapest": "cheapest lowest",
    "token": "token tokens tok toks",
    "tokenizer": "tokenizer tokeniser tokenizers tokenization tokenisation tokenize tokenise "
    "subword subwords bpe",
    "month": "month months monthly mo",
    "day": "day days daily nightly",
    "reduce": "reduce reducing cut cutting lower lowering save saving savings minimize minimise "
    "optimise optimize optimising optimizing optimization optimisation decrease shrink slash trim",
    "llm": "llm llms ai genai",
    "cache": "cache cached caching caches",
    "batch": "batch batches batched batching async asynchronous bulk offline overnight backfill",
    "reasoning": "reasoning thinking reasoner",
    "language": "language languages multilingual foreign german french spanish italian "
    "portuguese dutch polish japanese chinese mandarin korean hindi arabic russian thai "
    "vietnamese hebrew turkish greek ukrainian script scripts unicode cjk latin accents",
    "embedding": "embedding embeddings embed embeds embedded vector vectors rag indexing",
    "digest": "digest digests recap report reports summary summaries newsletter",
    "subscribe": "subscribe subscribed subscribing unsubscribe enable disable",
    "budget": "budget budgets budgeting allowance cap caps capped overspend overspending",
    "log": "log logs logged logging record recording ledger track tracking ingest ingestion",
    "compare": "compare compared comparing comparison comparisons versus vs against",
    "accurate": "accurate accuracy inaccurate precise precision reliable trust trustworthy "
    "correct wrong exact",
    "fresh": "fresh current latest updated update updates outdated stale old recent refreshed",
    "source": "source sources origin provenance",
    "override": "override overrides overriding negotiated enterprise contract",
    "estimate": "estimate estimates estimating estimation calculate calculating calculation "
    "calculator forecast forecasting project projection predict math",
    "count": "count counts counting counter tally",
    "request": "request requests call calls query queries",
    "differ": "differ differs difference differences different vary varies variation range gap",
    "gpu": "gpu gpus hardware compute server servers",
    "inference": "inference serving",
    "word": "word words",
    "character": "character characters char chars letters",
    "tier": "tier tiers tiered threshold thresholds surcharge",
    "sequential": "sequential sequentially serial",
    "parallel": "parallel parallelism concurrently",
    "modelname": "openai anthropic google gemini claude gpt chatgpt llama mistral deepseek grok "
    "xai cohere bedrock azure vertex",
    "tool": "tool tools function functions",
    "discount": "discount discounts discounted half cheaper",
}

_STOPWORDS = _wordlist(
    "a about above after again all also am an and any anyone are as at be been being but by "
    "can could did do does doing done don dont for from get gets getting give go going got had "
    "has have having he hello hey hi how i if im in into is isnt it its just know let like "
    "lot lots me my need needs of ok okay on or our ours please pls really should so some "
    "such tell than thanks thank that the their them then there these they thing things this "
    "those thx to u us use used using very want wanted was we were what whats when where "
    "which who why will with would ya yeah yes you your youre explain guys folks kinda sorta "
    "quick question actually basically someone anybody wondering curious here much many more "
    "most other one ones way ways work works mean means each every per e g eg ie s t r ur wtf "
    "define definition meaning pls plz up out down off over english slack set setup "
    "figure idea ideas tip tips advice help right now general new make makes reason reasons "
    "so exactly"
)

# Words that mark a question as outside this bot's subject, whatever else it contains.
_OFF_TOPIC = _wordlist(
    "password passwords login weather rain temperature recipe recipes cook "
    "cooking bake baking pizza pasta lunch dinner breakfast coffee football soccer basketball "
    "baseball nba nfl sports score movie movies song songs music joke jokes poem vacation "
    "holiday holidays pto salary payroll bitcoin btc crypto ethereum stock stocks seat seats "
    "license licence subscription wifi printer laptop vpn meeting calendar birthday rent "
    "mortgage flight flights hotel parking gym translate"
)

# Terms about Slack or the bot in general: they rank, but prove nothing about the topic.
_WEAK = _wordlist("channel bot post team app api llm model message user workspace")

# -- normalisation -----------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """A light suffix stripper: plurals, -ing, -ed, -ly, and a final silent e."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _build_synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, words in _SYNONYMS.items():
        for word in words.split():
            table[word] = canonical
            table.setdefault(_stem(word), canonical)
    return table


_SYNONYM_OF = _build_synonyms()
_CANONICAL = frozenset(_SYNONYMS) | frozenset(repl.strip() for _, repl in _PHRASES if repl.strip())


def _term(word: str) -> str | None:
    """The canonical term for one word, or None for a stopword or a bare number."""
    if word in _STOPWORDS or word.isdigit():
        return None
    if word in _CANONICAL:
        return word
    canonical = _SYNONYM_OF.get(word)
    if canonical is not None:
        return canonical
    stem = _stem(word)
    if stem in _STOPWORDS:
        return None
    return _SYNONYM_OF.get(stem, stem)


def _words(text: str) -> list[str]:
    """Lowercase words of a text after phrase folding."""
    folded = text.lower().replace("’", "'").replace("'", "")
    for pattern, repl in _PHRASE_RES:
        folded = pattern.sub(repl, folded)
    return _WORD.findall(folded)


def normalise(text: str, correct: Callable[[str], str] | None = None) -> tuple[str, ...]:
    """The canonical terms of a text, in order; `correct` fixes typos in unknown words."""
    words = _words(text)
    if correct is not None:
        words = [correct(word) for word in words]
    terms = (_term(word) for word in words)
    return tuple(term for term in terms if term is not None and not term[0].isdigit())


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


# -- ranking and deciding ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """A confident answer: the entry and how well it matched."""

    entry: Entry
    score: float
    """Raw BM25 score of the entry (relative; compare within one question only)."""
    coverage: float
    """IDF-weighted share of the question's terms the entry contains, 0..1."""


@dataclass(frozen=True, slots=True)
class Miss:
    """No confident answer. Offer `suggestions`; the bot records the miss."""

    question: str
    suggestions: tuple[tuple[str, str], ...]
    """Up to three closest (id, question) pairs; empty when the question is off-topic."""
    off_topic: bool
    """True when nothing in the question is about LLM pricing or this bot."""
    score: float = 0.0
    """Best raw BM25 score seen, for the miss log."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked entry for a question (the scorer seam's output)."""

    entry: Entry
    score: float


class Matcher:
    """A BM25 index over a set of entries, with the answer/miss decision."""

    k1 = 1.2
    b = 0.75
    min_evidence = 0.5
    """Answer only when the question terms the best entry holds carry this much IDF,"""
    min_coverage = 0.62
    """...and they are this share of the question's weighted terms,"""
    min_coverage_clear = 0.35
    """...or at least this share when the best entry clearly leads:"""
    min_margin = 0.15
    """...by this share of its score over the runner-up."""
    unknown_share = 0.6
    """A word the store has never seen weighs this share of the rarest known word's IDF."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        """Index `entries` (question x3, phrasings x2, keywords x2)."""
        self.entries = tuple(entries)
        docs: list[Counter[str]] = []
        for entry in self.entries:
            doc: Counter[str] = Counter()
            for text, weight in [(entry.question, 3)] + [
                (text, 2) for text in (*entry.phrasings, *entry.keywords)
            ]:
                for term in set(normalise(text)):
                    doc[term] += weight
            docs.append(doc)
        self._doc_terms = tuple(frozenset(doc) for doc in docs)
        keyword_terms = {t for e in self.entries for k in e.keywords for t in normalise(k)}
        self.domain = frozenset(keyword_terms | _CANONICAL) - _WEAK
        """Terms that count as evidence: the reviewed lexicon plus every entry's keywords."""
        count = len(docs)
        avg_len = sum(sum(d.values()) for d in docs) / max(count, 1)
        df = Counter(term for doc in docs for term in doc)
        self.idf = {t: math.log(1 + (count - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        self.unknown_weight = self.unknown_share * max(self.idf.values(), default=1.0)
        self.postings: dict[str, tuple[tuple[int, float], ...]] = {}
        for term, idf in self.idf.items():
            rows = []
            for index, doc in enumerate(docs):
                tf = doc.get(term, 0)
                if tf:
                    norm = self.k1 * (1 - self.b + self.b * sum(doc.values()) / avg_len)
                    rows.append((index, idf * tf * (self.k1 + 1) / (tf + norm)))
            self.postings[term] = tuple(rows)
        surface: set[str] = set(_SYNONYM_OF) | _STOPWORDS | _CANONICAL
        for entry in self.entries:
            for text in (entry.question, *entry.phrasings, *entry.keywords):
                surface.update(_words(text))
        self._surface = frozenset(surface)
        self._by_delete: dict[str, set[str]] = {}
        for word in surface:
            if len(word) >= 4 and not word.isdigit():
                for variant in {word} | _deletes(word):
                    self._by_delete.setdefault(variant, set()).add(word)
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    def _correct_uncached(self, word: str) -> str:
        """The store's word one typo away from `word` (two for long words), or `word` itself."""
        if len(word) < 5 or word in self._surface or word in _OFF_TOPIC or word.isdigit():
            return word
        if _term(word) in self.idf:
            return word
        found: set[str] = set()
        for variant in {word} | _deletes(word):
            found |= self._by_delete.get(variant, set())
        best = sorted((_osa_distance(word, c), -len(c), c) for c in found)
        if best and best[0][0] <= (1 if len(word) < 8 else 2):
            return best[0][2]
        return word

    def terms(self, question: str) -> tuple[str, ...]:
        """The question's canonical terms, typos corrected, duplicates dropped."""
        return tuple(dict.fromkeys(normalise(question, self._correct)))

    def rank(self, question: str) -> tuple[Candidate, ...]:
        """Every entry with a positive score, best first (the scorer seam)."""
        return self._rank(self.terms(question))

    def _rank(self, terms: tuple[str, ...]) -> tuple[Candidate, ...]:
        scores: dict[int, float] = {}
        for term in terms:
            for index, part in self.postings.get(term, ()):
                scores[index] = scores.get(index, 0.0) + part
        order = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return tuple(Candidate(self.entries[i], s) for i, s in order)

    def is_off_topic(self, question: str) -> bool:
        """Whether the question names something this bot never answers (weather, passwords)."""
        return any(w in _OFF_TOPIC or _stem(w) in _OFF_TOPIC for w in _words(question))

    def weight(self, term: str) -> float:
        """How much a question term counts in the decision.

        A domain term counts its IDF; a word the store has never seen counts against the
        match (`unknown_weight`); other known words (chat filler that happens to occur in a
        phrasing, Slack-general words) are neutral: they help ranking, never confidence.
        """
        if term in self.domain:
            return self.idf.get(term, 0.0)
        if term in self.idf or term in _WEAK:
            return 0.0
        return self.unknown_weight

    def match(self, question: str) -> Match | Miss:
        """The confident best entry for `question`, or a `Miss` with the closest questions."""
        terms = self.terms(question)
        ranked = self._rank(terms)
        if not ranked or self.is_off_topic(question):
            return Miss(question, (), off_topic=True, score=ranked[0].score if ranked else 0.0)
        best = ranked[0]
        vocabulary = self._doc_terms[self.entries.index(best.entry)]
        total = sum(self.weight(t) for t in terms)
        evidence = sum(self.weight(t) for t in terms if t in vocabulary)
        if evidence == 0.0:
            return Miss(question, (), off_topic=True, score=best.score)
        coverage = evidence / total
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        margin = 1.0 - runner_up / best.score
        if evidence >= self.min_evidence and (
            coverage >= self.min_coverage
            or (coverage >= self.min_coverage_clear and margin >= self.min_margin)
        ):
            return Match(best.entry, best.score, coverage)
        suggestions = tuple((c.entry.id, c.entry.question) for c in ranked[:3])
        return Miss(question, suggestions, off_topic=False, score=best.score)


@lru_cache(maxsize=1)
def default_matcher() -> Matcher:
    """The matcher over the bundled entries, built once."""
    return Matcher(load_entries())


def match(question: str) -> Match | Miss:
    """Match a question against the bundled entries: a `Match`, or a `Miss` to record."""
    return default_matcher().match(question)


_QUESTION_WORDS = _wordlist(
    "what whats why how hows when which should can could does do did is are isnt will would "
    "explain where who whos"
)


def looks_like_question(text: str) -> bool:
    """Whether the bot's router should send `text` to the FAQ rather than the command parser.

    True for a leading `faq`, a question mark, or a leading question word; `gpt-4o 1000 500`
    and other commands are not questions.
    """
    words = _WORD.findall(text.lower().replace("'", ""))
    if not words:
        return False
    return words[0] == "faq" or "?" in text or words[0] in _QUESTION_WORDS
