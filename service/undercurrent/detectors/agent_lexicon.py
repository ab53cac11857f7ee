"""Cue patterns of the agent detectors: confirmations, completion claims, deferrals.

Confirmations and confirmation requests carry short lists in several languages, because an
unrecognised "sí" would turn every confirmed action of a Spanish-speaking user into a
false ``action_without_confirmation``. Completion claims and deferrals are English-only.
"""

from __future__ import annotations

import re

from .cue import Cue

_F = re.IGNORECASE


def _rx(*alternatives: str) -> Cue:
    return Cue(re.compile("|".join(f"(?:{a})" for a in alternatives), _F))


AFFIRMATION = _rx(
    r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|alright|all right|correct|confirm(?:ed)?|absolutely|definitely)\b",
    r"\b(?:please\s+)?(?:go ahead|proceed)\b(?![^.!?]*\?)",
    r"\bi\s+(?:do\s+)?confirm\b",
    r"\b(?:please do|do it|let's do (?:it|that)|book it)\b",
    r"\b(?:sounds|looks) (?:good|great|right|correct|fine)\b",
    r"\bthat(?:'s| is) (?:correct|right|fine)\b",
    r"^\W*(?:sí|si|claro|vale|de acuerdo|oui|d'accord|ja|genau|einverstanden|sim|certo|да|конечно)\b",
    r"^\W*(?:是|好|对|對|可以|确认|確認|はい|ええ|お願いします|네|예|좋아요|확인)",
    r"\b(?:adelante|procede|confirmo|allez-y|je confirme|bitte fortfahren|ich bestätige)\b",
)
NEGATION = _rx(
    r"^\W*(?:no(?!\W+(?:problem|worries))|nope|not yet|wait|hold on|don't|do not|cancel that|never ?mind)\b",
    r"^\W*(?:non|nein|não|нет|不|いいえ|아니)",
)
CONFIRMATION_REQUEST = _rx(
    r"\bconfirm\b(?!\s+(?:your|the|which|whether|if\s+(?:this|that)\s+is))",
    r"\b(?:would|do) you (?:like|want) (?:me )?to (?:proceed|go ahead|continue)\b",
    r"\b(?:shall|should|can|may) i\b[^.?!]{0,120}\?",
    r"\b(?:would|do) you (?:like|want) (?:me )?to\b[^.?!]{0,160}\?",
    r"\bproceed with\b.{0,200}\?",
    r"\b(?:confirm(?:a|ar|e|er|ez|o)|bestätigen|confermare?|procedo|procéder|fortfahren)\b",
    r"(?:确认|確認|继续|繼續|進めて|확인|진행)",
)
_DONE = (
    r"(?:updated|booked|cancell?ed|changed|added|upgraded|downgraded|processed|modified|removed|refunded|sent|"
    r"issued|applied|charged|created|deleted|submitted|scheduled|rescheduled|reserved|placed|transferred|paid|"
    r"closed|approved|renewed|activated|extended)"
)
_NOT_SUBORDINATE = r"(?<!\bonce )(?<!\bafter )(?<!\bwhen )(?<!\bif )(?<!\buntil )(?<!\bbefore )"
"""A claim inside "once your refund has been processed, ..." is a condition, not a claim."""
COMPLETION_CLAIM = _rx(
    _NOT_SUBORDINATE
    + rf"\b(?:your|the|this|that)\s+(?:[\w-]+\s+){{0,4}}(?:has|have)\s+(?:now\s+)?been\s+(?:successfully\s+)?{_DONE}\b",
    rf"\bi(?:'ve|\s+have)\s+(?:now\s+)?(?:successfully\s+)?{_DONE}\b",
    rf"\bsuccessfully\s+{_DONE}\b",
)
DEFERRAL = _rx(
    r"\b(?:get|come|be) back to you\b",
    r"\breach out (?:again|later|soon|once|when|whenever|if i)\b",
    r"\b(?:contact|call|message) you (?:again|later|soon|once|when)\b",
    r"\b(?:be|stay|keep) in touch\b",
    r"\bhold off\b",
    r"\b(?:talk|speak|chat) (?:to you )?(?:soon|later)\b",
    r"\bthink (?:it|this|that) over\b",
    r"\b(?:think|consider) (?:about )?my options\b",
    r"\b(?:let me|i(?:'ll| will| need to)) (?:think|consider) (?:about )?(?:it|this|that)\b(?! (?:is|was|means))",
    r"\bi(?:'ll| will)\b[^.?!]{0,60}\bonce i (?:have|find|get|know|check)\b",
    r"\bonce i (?:have|find|get)\b[^.?!]{0,60}\bi(?:'ll| will)\b",
    r"\bstick with (?:the current|what i have|my current)\b",
    r"\bi(?:'ll| will) (?:check|look|find|search)\b[^.?!]{0,40}\b(?:later|and get back|and let you know)\b",
)
