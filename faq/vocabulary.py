"""The FAQ matcher's reviewed vocabulary: phrases, synonyms, stopwords and off-topic words.

Data, not logic: `faq.normalisation` applies it and `faq.matcher` decides with it. Edit it when a
logged miss shows a general gap (a synonym people use, a phrase that means one thing); never
to fit one evaluation phrasing. Canonical terms are the synonym map's keys plus the phrase
replacements (`modelname`, `systemprompt`, `longcontext` ...).
"""

from __future__ import annotations

__all__ = [
    "OFF_TOPIC",
    "PHRASES",
    "QUESTION_WORDS",
    "STOPWORDS",
    "SYNONYMS",
    "WEAK",
    "wordlist",
]


def wordlist(text: str) -> frozenset[str]:
    """A word set written as one string, so the lexicon stays readable."""
    return frozenset(text.split())


# Phrases and model names become one term before tokenising. Order matters: longer first.
PHRASES: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:gpt|chatgpt)[\s-]?[0-9][\w.-]*|\b(?:claude|gemini|llama|mistral|mixtral|grok|qwen"
        r"|deepseek|sonnet|opus|haiku|gemma|phi|codestral|command-r)[\w.-]*"
        # a name's version and size words belong to it: "gemini 2.5 pro", "gpt 4o mini"
        r"(?:[\s-](?:\d(?:\.\d+)?\b|pro|flash|mini|nano|turbo|lite|max|plus|sonnet|opus|haiku"
        r"|instruct|preview)\b)*",
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
    (r"\bcache[\s-]?writ(?:e|es|ing|ten)\b", " cache cachewrite "),
    (r"\bwrit(?:e|es|ing|ten)\b", " output "),
    (
        r"\b\d+ times (?:as much|more|the)\b|\b(?:twice|double|triple) (?:as much|the)\b",
        " pricier ",
    ),
    (r"\bin the context of\b", " "),
    (r"\b(?:cheapest|cheaper) ways?\b", " reduce "),
    # "is X input or output?" asks which side a token is on
    (
        r"\b(?:input|prompt) (?:or|vs|versus) (?:output|completion)\b"
        r"|\b(?:output|completion) (?:or|vs|versus) (?:input|prompt)\b",
        " input output whichside ",
    ),
    (
        r"\bwhat (?:\w+ )?(?:are|r|am|is) (?:we|i|you|they|people) (?:\w+ ){0,2}"
        r"(?:paying|charged|billed) for\b"
        r"|\bhow (?:do|does) (?:these |the )?(?:companies|providers|vendors|they|apis?|llm apis?)"
        r" (?:\w+ )?(?:charge|bill)\b",
        " pricingmodel ",
    ),
    (r"\b(?:per[\s-])?tokens?[\s-](?:based[\s-])?(?:pricing|billing)\b", " token pricingmodel "),
    (r"\b(?:the bot|you|it|tokencost) (?:said|says|showed|quoted|estimated)\b", " estimate "),
    (r"\b(?:spending|spend|cost) (?:limits?|caps?|alerts?)\b", " budget "),
    (
        r"\bdoes ?(?:nt|not) match\b|\bdiscrepanc\w*"
        r"|\b(?:higher|lower|more|less|different|off|bigger|smaller) than (?:\w+ ){0,2}"
        r"(?:estimated?|estimates|quoted?|predicted|expected|said)\b",
        " accurate ",
    ),
    (r"\bright away\b|\bimmediately\b|\bcan wait\b|\b(?:not|non)[\s-]?urgent\b", " batch "),
    (
        r"\b(?:flex|priority|scale)[\s-](?:processing|tiers?|mode)\b|\bservice[\s-]tiers?\b",
        " servicetier ",
    ),
    (
        r"\b(?:above|over|after|past|beyond) (?:a |some |certain |the )?"
        r"(?:token count|number of tokens|threshold|length)\b",
        " longcontext ",
    ),
    (r"\bexchange rates?\b", " forex "),
    (r"\bhow many\b", " count "),
    (r"\bhow much\b", " cost "),
    (r"\bself[\s-]?host(?:ed|ing)?\b|\bon[\s-]prem(?:ise|ises)?\b|\bown gpus?\b", " selfhost "),
    (r"\blog ?in\b|\bsign ?in\b|\bsign ?up\b", " login "),
    (r"\bside[\s-]by[\s-]side\b|\bhead[\s-]to[\s-]head\b", " compare "),
    (r"\bnon[\s-](?:english|latin)\b", " language "),
)

# canonical term: surface words (before stemming) that mean it.
SYNONYMS: dict[str, str] = {
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
    "optimise optimize optimising optimizing optimization optimisation decrease shrink slash trim "
    "halve halving",
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

# Chat filler, dropped before ranking. `why` is deliberately not here: it ranks explanations
# ("why is X pricier") above how-tos ("compare X and Y"), and as a word every entry may hold it
# never counts as evidence in the answer/miss decision.
STOPWORDS = wordlist(
    "a about above after again all also am an and any anyone are as at be been being but by "
    "can could did do does doing done don dont for from get gets getting give go going got had "
    "has have having he hello hey hi how i if im in into is isnt it its just know let like "
    "lot lots me my need needs of ok okay on or our ours please pls really should so some "
    "such tell than thanks thank that the their them then there these they thing things this "
    "those thx to u us use used using very want wanted was we were what whats when where "
    "which who will with would ya yeah yes you your youre explain guys folks kinda sorta "
    "quick question actually basically someone anybody wondering curious here much many more "
    "most other one ones way ways work works mean means each every per e g eg ie s t r ur wtf "
    "define definition meaning pls plz up out down off over english slack set setup "
    "figure idea ideas tip tips advice help right now general new make makes reason reasons "
    "so exactly finance ask asking asked start person people technical nontechnical quality "
    "hurt hurting without said say says gives show showed shown configure site normal regular "
    "usual standard companies company based non"
)

# Words that mark a question as outside this bot's subject, whatever else it contains.
OFF_TOPIC = wordlist(
    "password passwords login weather rain temperature recipe recipes cook "
    "cooking bake baking pizza pasta lunch dinner breakfast coffee football soccer basketball "
    "baseball nba nfl sports score movie movies song songs music joke jokes poem vacation "
    "holiday holidays pto salary payroll bitcoin btc crypto ethereum stock stocks seat seats "
    "license licence subscription wifi printer laptop vpn meeting calendar birthday rent "
    "mortgage flight flights hotel parking gym translate forex currency zoom netflix spotify "
    "office chair chairs desk furniture dentist doctor emoji status remind reminder"
)

# Terms about Slack or the bot in general: they rank, but prove nothing about the topic.
WEAK = wordlist("channel bot post team app api llm model message user workspace")

# A text opening with one of these is routed to the FAQ (`faq.matcher.looks_like_question`).
QUESTION_WORDS = wordlist(
    "what whats why how hows when which should can could does do did is are isnt will would "
    "explain where who whos"
)
