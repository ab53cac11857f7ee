"""A keyword classifier for the taxonomy's 33 verticals, used when the producer sends no domain.

English keywords plus code detection; text in other languages mostly lands in ``unknown``.
Classifying by topic words is cruder than the taxonomy's intent-based rule (a student
asking about medicine counts as ``education_academic`` there).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..vocabulary import VERTICALS
from .text import cap, fold, has_code

UNKNOWN = "unknown"
KNOWN_DOMAINS = frozenset(VERTICALS) | {UNKNOWN}

_KEYWORDS: dict[str, str] = {
    "software_development": r"python|javascript|typescript|java|c\+\+|rust|golang|function|bug|compile\w*|"
    r"api|code|coding|script|class|variable|react|django|flask|git|github|debug\w*|exception|npm|sql query|"
    r"regex|unit tests?|refactor\w*|frontend|backend|html|css",
    "data_science_ml": r"machine learning|neural network|dataset|pandas|numpy|regression|classifier|"
    r"training data|model accuracy|pytorch|tensorflow|deep learning|data analysis|feature engineering|llm|nlp",
    "it_infrastructure": r"server|linux|docker|kubernetes|aws|azure|gcp|network\w*|firewall|dns|nginx|"
    r"ubuntu|windows server|vpn|ssh|devops|terraform|cloud infrastructure",
    "legal": r"lawyer|attorney|contract|lawsuit|legal|court|clause|copyright|gdpr|liability|statute|sue",
    "finance_accounting": r"invoice|accounting|tax(?:es)?|budget|balance sheet|stock|investment|portfolio|"
    r"interest rate|loan|mortgage|crypto\w*|bitcoin|revenue|profit|financial",
    "consulting_strategy": r"business strategy|swot|market analysis|business plan|competitive analysis|"
    r"go-to-market|consulting|stakeholder",
    "marketing_advertising": r"marketing|seo|ad copy|advert\w*|campaign|brand\w*|social media|instagram|"
    r"tiktok|slogan|newsletter|landing page|target audience|copywriting",
    "sales_crm": r"sales|crm|lead generation|cold email|prospect\w*|salesforce|pipeline deal|upsell",
    "hr_recruiting": r"resume|cv|cover letter|job interview|interview questions|recruit\w*|hiring|"
    r"job description|linkedin|employee|onboarding|performance review",
    "customer_support": r"customer service|customer support|complaint|refund|support ticket|help desk",
    "product_management": r"product roadmap|user stor(?:y|ies)|product manager|prd|backlog|sprint|okrs?",
    "healthcare_medical": r"doctor|symptoms?|disease|medic\w*|patient|diagnos\w*|treatment|health|"
    r"pain|therapy|clinical|nurse|vaccine|diabetes|cancer",
    "education_academic": r"essay|homework|thesis|student|teacher|lesson plan|exam|university|"
    r"assignment|research paper|curriculum|course|school",
    "ecommerce_retail": r"e-?commerce|shopify|amazon listing|product description|online store|retail|"
    r"checkout|inventory",
    "real_estate": r"real estate|property|apartment|rent(?:al)?|landlord|tenant|realtor|house listing",
    "manufacturing_supply_chain": r"manufactur\w*|supply chain|logistics|warehouse|procurement|factory",
    "energy_utilities": r"solar|electricity|energy|power plant|utility bill|oil and gas|renewable",
    "government_public_sector": r"government|policy makers|public sector|municipal|election|visa|passport",
    "travel_hospitality": r"travel|trip|itinerary|hotel|flight|vacation|tourist|restaurant",
    "insurance": r"insurance|insurer|premium|claim adjust\w*|policyholder|underwriting",
    "telecommunications": r"telecom\w*|5g|mobile network|carrier|broadband|isp",
    "creative_writing": r"story|poem|poetry|novel|character|fiction|plot|lyrics|song|screenplay|"
    r"fantasy|chapter|narrative|haiku|rap",
    "content_production": r"blog post|article|youtube script|video script|podcast|caption|rewrite|"
    r"paraphrase|summari[sz]e|proofread",
    "media_entertainment": r"movie|film|tv show|series|netflix|anime|celebrity|music|album|band",
    "design_ux": r"midjourney|logo|ui|ux|wireframe|figma|color palette|typography|prompt for image|"
    r"image prompt|user interface|mockup",
    "personal_lifestyle": r"recipe|diet|workout|fitness|relationship|girlfriend|boyfriend|wedding|"
    r"birthday|gift|hobby|meditation|dating",
    "gaming": r"game|gaming|minecraft|dungeons|d&d|roblox|fortnite|rpg|quest|level up",
    "general_knowledge": r"history|who was|what is the capital|explain why|facts? about|world war",
    "translation_language": r"translat\w*|in (?:english|french|spanish|german|chinese|japanese|korean)|"
    r"grammar|synonym|pronunciation|meaning of the word",
    "math_science": r"equation|calculus|algebra|derivative|integral|physics|chemistry|biology|theorem|"
    r"probability|solve for|math\w*",
    "adversarial_invalid": r"ignore (?:all |your )?previous instructions|jailbreak|dan mode|developer mode",
    "explicit_nsfw": r"nsfw|porn\w*|explicit sex|erotic\w*",
}


def _alternatives(keywords: str) -> list[str]:
    """The top-level alternatives of a keyword pattern, in order."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(keywords):
        ch = keywords[i]
        if ch == "\\":
            i += 2
            continue
        depth += (ch in "([") - (ch in ")]")
        if ch == "|" and depth == 0:
            parts.append(keywords[start:i])
            start = i + 1
        i += 1
    return [*parts, keywords[start:]]


def _keyword_pattern(keywords: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One scan for all verticals: at each place the first vertical in the table whose keyword matches counts.

    It runs case-sensitively on folded text (``text.fold``), which gives the same matches as IGNORECASE for
    these ASCII keywords at a third of the cost. Every keyword starts with a letter or digit, so the
    keywords are grouped by that first character, written once as a literal before the group: ``re``
    tries a branch only when the character at hand is its literal, and the branches of one character
    keep the table's order, so the first match is the same as trying every keyword. Each group is named
    vertical__character; the first character is outside it, which only ``lastgroup`` reads.
    """
    firsts: dict[str, list[tuple[str, list[str]]]] = {}
    for vertical, kw in keywords.items():
        by_first: dict[str, list[str]] = {}
        for alternative in _alternatives(kw):
            if not alternative[:1].isalnum() or alternative[1:2] in ("", "?", "*", "+", "{"):
                raise ValueError(f"a keyword of {vertical} opens with no plain letter or digit: {alternative!r}")
            by_first.setdefault(alternative[0], []).append(alternative[1:])
        for first, rests in by_first.items():
            firsts.setdefault(first, []).append((vertical, rests))
    groups = {f"{v}__{ord(first)}": v for first, entries in firsts.items() for v, _ in entries}
    branches = (
        re.escape(first) + "(?:" + "|".join(rf"(?P<{v}__{ord(first)}>{'|'.join(r)})\b" for v, r in entries) + ")"
        for first, entries in firsts.items()
    )
    return re.compile(r"\b(?:" + "|".join(branches) + ")"), groups


_KEYWORD, _VERTICAL_OF_GROUP = _keyword_pattern(_KEYWORDS)
_MIN_HITS = 2
_TEXT_CAP = 1500
_MAX_TURNS = 4


def valid_domain(domain: str | None) -> str | None:
    return domain if domain in KNOWN_DOMAINS else None


def classify(user_texts: Iterable[str]) -> str:
    """The vertical whose keywords occur most often in the first user turns, else ``unknown``."""
    texts = [cap(t, _TEXT_CAP) for _, t in zip(range(_MAX_TURNS), user_texts, strict=False)]
    counts = Counter({v: 0 for v in _KEYWORDS})
    # Every alternative of _KEYWORD is a named group, so a match always has a lastgroup.
    counts.update(_VERTICAL_OF_GROUP[m.lastgroup or ""] for t in texts for m in _KEYWORD.finditer(fold(t)))
    counts["software_development"] += 2 * sum(has_code(t) for t in texts)
    best = max(counts, key=lambda v: counts[v])
    return best if counts[best] >= _MIN_HITS else UNKNOWN
