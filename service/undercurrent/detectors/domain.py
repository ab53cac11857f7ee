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
# One scan for all verticals: at each place the first vertical in this table whose keyword matches counts.
# It runs case-sensitively on folded text (``text.fold``), which gives the same matches as IGNORECASE for
# these ASCII keywords at a third of the cost.
# The leading word boundary is shared by every vertical, so it is tested once per place, not once per vertical.
_KEYWORD = re.compile(r"\b(?:" + "|".join(rf"(?P<{v}>{kw})\b" for v, kw in _KEYWORDS.items()) + ")")
_MIN_HITS = 2
_TEXT_CAP = 1500
_MAX_TURNS = 4


def valid_domain(domain: str | None) -> str | None:
    return domain if domain in KNOWN_DOMAINS else None


def classify(user_texts: Iterable[str]) -> str:
    """The vertical whose keywords occur most often in the first user turns, else ``unknown``."""
    texts = [cap(t, _TEXT_CAP) for _, t in zip(range(_MAX_TURNS), user_texts, strict=False)]
    counts = Counter({v: 0 for v in _KEYWORDS})
    counts.update(m.lastgroup for t in texts for m in _KEYWORD.finditer(fold(t)))
    counts["software_development"] += 2 * sum(has_code(t) for t in texts)
    best = max(counts, key=lambda v: counts[v])
    return best if counts[best] >= _MIN_HITS else UNKNOWN
