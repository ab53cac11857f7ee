"""English cue patterns. Every detector that matches these is English-only."""

from __future__ import annotations

import re

from .cue import AnyCue, Cue

_F = re.IGNORECASE


def _rx(*alternatives: str) -> Cue:
    return Cue(re.compile("|".join(f"(?:{a})" for a in alternatives), _F))


def _each(*alternatives: str) -> AnyCue:
    """A long list of alternatives, pre-checked one by one (see ``AnyCue``)."""
    return AnyCue(Cue(re.compile(a, _F)) for a in alternatives)


def _one(pattern: str, flags: int = _F) -> Cue:
    return Cue(re.compile(pattern, flags))


NOT_A_CORRECTION = _rx(
    r"^\W*no\W+(?:problem|worries|thanks|thank you|need|rush|that's (?:all|it|everything|fine|great))\b",
    r"^\W*nope\W+(?:that's (?:all|it|everything))",
)
CORRECTION = _rx(
    r"^\W*(?:no|nope|wrong|incorrect)\b\s*[,.!;:-]",
    r"^\W*no\W+(?:it|that|this|you|the|sir|man|mate)\b",
    r"\bthat(?:'s| is| was)\s+(?:not\s+(?:right|correct|true|accurate)|wrong|incorrect|false)\b",
    r"\bthis\s+is\s+(?:wrong|incorrect|not\s+(?:right|correct))\b",
    r"\byou(?:'re| are| were)\s+(?:wrong|mistaken|incorrect)\b",
    r"\bthat(?:'s| is)\s+not\s+what\s+i\s+(?:asked|meant|said|wanted)\b",
    r"\byou\s+(?:misunderstood|misread|forgot|ignored|missed|left\s+out|omitted|skipped)\b",
    r"\byou\s+made\s+(?:a|an)\s+(?:mistake|error)\b",
    r"\b(?:there(?:'s| is)|you have)\s+(?:a|an)\s+(?:mistake|error|typo|bug)\s+in\s+your\b",
    r"\bi\s+(?:meant|said)\s+\w+,?\s+not\b",
    r"^\W*actually,?\s+(?:it|that|the|this)\s*(?:'s|is|was|should|has)\b",
    r"\bit\s+should\s+(?:be|say|return)\b.{0,60}\bnot\b",
)
IMPLICIT_CORRECTION = _each(
    r"\b(?:doesn'?t|does\s+not|didn'?t|did\s+not|won'?t|will\s+not|isn'?t|is\s+not|never|nothing)\s+"
    r"(?:seem\s+to\s+)?(?:really\s+)?work(?:s|ing|ed)?\b(?!\s+out)|\bnot\s+working\b(?!\s+(?:on|with|for|at|as|in)\s+(?:my|our|a|the)\s+\w+\s+(?:project|team|company))",
    r"^\W*it\s+(?:doe?nt|dosent|doesnt|dont)\b",
    r"\b(?:are|r)\s+(?:you|u)\s+sure\b|^\W*(?:you|u)\s+sure\b",
    r"\bis\s+(?:that|this|it)\s+(?:really\s+)?(?:right|correct|true|accurate)\s*\?",
    r"^\W*shouldn'?t\s+(?:we|it|this|that|you|the|there)\b",
    r"^\W*(?:there(?:'s|\s+is)|there\s+still)\s+(?:still\s+)?no\b",
    r"\b(?:there\s+(?:is|are)\s+no|there'?s\s+no|i\s+(?:can'?t|cannot|don'?t|do\s+not)\s+(?:see|find))\s+"
    r"(?:any\s+|the\s+|a\s+)?(?:\w+\s+)?(?:option|menu|button|tab|setting|link|field|image|section)s?\b",
    r"\b(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+exist\b|\bno\s+such\s+(?:option|menu|button|file|command|method|function|module|attribute|field|column|table|thing)\b",
    r"\bstill\s+(?:no|not|doesn'?t|isn'?t|the\s+same|wrong|broken|empty|nothing|an?\s+error|error|same)\b(?!\s+(?:sure|clear))",
    r"\bstill\s+(?:getting|get|see|seeing|have|having|shows?|showing|gives?|giving)\s+(?:the\s+|an?\s+|same\s+|this\s+)*"
    r"(?:error|issue|problem|exception|blank|nothing|empty)",
    r"\b(?:gives?|giving|got|getting|throws?|throwing|returns?|returned|shows?|showing)\s+(?:me\s+)?(?:an?|the|this|that|following|same)\s+(?:following\s+)?error\b",
    r"\b(?:the\s+)?(?:code|command|query|script|function|link|formula|solution|fix|regex|example)\s+you\s+"
    r"(?:wrote|gave|provided|suggested|sent|shared)\s+(?:me\s+)?(?:does\s*n[o']t|did\s*n[o']t|is|gives|has|returns|throws|fails)\b",
    r"\b(?:this|that|it)\s+(?:won'?t|will\s+not|wouldn'?t|can'?t|cannot)\s+work\b",
    r"\b(?:that'?s|that\s+is|it\s*'?\s*s|it\s+is|this\s+is)[\s.…]+(?:not\s+)?what\s+i\s+(?:just\s+)?(?:said|meant|asked)\b",
    r"^\W*(?:what\s+)?i\s+meant\b|\bwhat\s+i\s+meant\s+(?:was|is)\b|^\W*i\s+mean\s*,",
    r"\bi\s+(?:didn'?t|did\s+not)\s+(?:ask|say|want|mean)\b|\bi\s+(?:don'?t|do\s+not)\s+want\s+(?:a|an|the|you\s+to|it\s+to)\b",
    r"\byou(?:'ve|\s+have)?\s+(?:just\s+|still\s+|completely\s+)?(?:ignored|forgot|forgotten|missed|skipped|left\s+out|omitted|repeated|"
    r"changed|removed|dropped)\b",
    r"\byou(?:'re|\s+are)\s+still\s+\w+ing\b|\byou\s+(?:went|switched|changed)\s+from\b",
    r"^\W*(?:do\s+not|don'?t)\s+(?:repeat|change|use|add|include|make\s+up|invent)\b",
    r"^\W*stop\s*[.!,]",
    r"^\W*(?:that'?s|is\s+that)\s+it\s*\?",
    r"\b(?:same|identical)\s+(?:error|result|problem|issue|output|code|answer|thing)\b",
    r"^\W*(?:not|isn'?t|wasn'?t)\s+(?:quite\s+)?(?:right|correct)\b",
    r"(?<!\bif\s)\b(?:it|this|that|answer|result|output|code)(?:'s|\s+is|\s+was)\s+(?:still\s+)?not\s+(?:quite\s+)?"
    r"(?:right|correct|accurate)\b",
    r"\b(?:must|should|shall|has\s+to|needs?\s+to)\s+not\s+(?:contain|include|be|have|use|mention)\b|^\W*let'?s\s+not\b",
    r"^\W*but\s+i\s+(?:want|need|asked|said|meant|wanted)\b|\bbut\s+(?:please\s+)?(?:revise|fix|correct)\b",
)
ERROR_TEXT = _rx(
    r"\btraceback\s+\(most\s+recent\s+call\s+last\)",
    r"\b\w*(?:Error|Exception)\b\s*(?::|\sat\s)",
    r"^\W*(?:error|exception|warning|fatal)\b\s*:?",
    r"\blevel=error\b|\bsyntax\s*error\b|\bis\s+not\s+defined\b|\bunexpected\s+token\b",
    r"\b(?:cannot|can'?t)\s+(?:find|resolve|read|load)\s+(?:module|symbol|property|package|file)\b",
    r"\bundefined\s+(?:is\s+not|reference|method|variable|index)\b|\bnull\s*pointer\b",
    r"\bcommand\s+not\s+found\b|\bno\s+such\s+file\s+or\s+directory\b|\bpermission\s+denied\b",
)
FRUSTRATION = _rx(
    r"\b(?:wtf|ffs|fuck\w*|shit\w*|damn\s+it|dammit|crap)\b",
    r"\b(?:you(?:'re|\s+are)?|this|that|it|your\s+\w+)\s+(?:is\s+|are\s+|was\s+)?(?:so\s+|"
    r"really\s+|completely\s+)?(?:useless|stupid|pathetic|ridiculous|terrible|garbage|rubbish|"
    r"dumb)\b",
    r"^\W*(?:useless|pathetic|ridiculous|garbage|rubbish)\b",
    r"\b(?:you\s+)?(?:idiot|moron)\b",
    r"\bi(?:'ve| have)\s+(?:already\s+)?(?:told|asked)\s+you\b",
    r"\bhow\s+many\s+times\b",
    r"\bfor\s+the\s+(?:third|fourth|fifth|last|\d+(?:st|nd|rd|th))\s+time\b",
    r"\bare\s+you\s+(?:even\s+)?(?:listening|reading)\b",
    r"\bstop\s+(?:apologi[sz]ing|repeating|saying|doing\s+that|giving\s+me|ignoring)\b",
    r"\b(?:still|again)\s+(?:doesn't|does not|don't|isn't|is not|not)\s+work\w*\s*[!?]",
    r"\bstill\s+(?:the\s+same|wrong|broken|not\s+working)\b",
    r"\byou\s+keep\s+(?:giving|making|saying|repeating|ignoring|getting)\b",
)
SHOUTED_NEGATIVE = _one(r"\b(?:WRONG|STILL|AGAIN|STOP|NOT|NEVER)\b", 0)
DISSATISFACTION = _rx(
    r"\bnot\s+(?:quite|exactly)\s+(?:right|what)\b",
    r"\bnot\s+what\s+i\s+(?:was\s+looking\s+for|wanted|needed|had\s+in\s+mind)\b",
    r"\b(?:doesn't|does not|didn't|did not)\s+(?:really\s+)?(?:help|work|answer)\b(?!\s+out)",
    r"\b(?:not|isn't|wasn't)\s+(?:very\s+|really\s+)?(?:helpful|useful|working|good enough)\b",
    r"\bthis\s+is\s+(?:too\s+(?:long|short|generic|vague|complicated|formal|basic)|bad|not\s+good|meh)\b",
    r"\b(?:too\s+(?:generic|vague|long|wordy|verbose))\b",
    r"\b(?:never\s*mind|forget\s+it|i'll\s+do\s+it\s+myself|i\s+give\s+up)\b",
    r"^\W*(?:meh|hmm+,?\s+no)\b",
    r"\bthat\s+(?:didn't|did not|doesn't)\s+(?:fix|solve|change)\b",
    r"\b(?:same|that)\s+error\s+(?:again|still)\b",
    r"\bstill\s+(?:getting|get|have|seeing)\s+(?:the\s+)?(?:same\s+)?(?:error|issue|problem)\b",
)
CLARIFICATION = _rx(
    r"\bwhat\s+do\s+you\s+mean\b",
    r"\bwhat\s+does\s+(?:that|this|it)\s+mean\b",
    r"\bi\s+(?:don't|do not|didn't|did not)\s+(?:understand|get|follow)\s+(?:that|this|it|what|"
    r"why|how|your|the)\b",
    r"\b(?:can|could|would)\s+you\s+(?:please\s+)?(?:clarify|rephrase|explain\s+(?:that|this|it|"
    r"what\s+you|why\s+you|your|the\s+(?:last|previous|above|second|first|third)|step|again|"
    r"more\s+simply|in\s+simpler))\b",
    r"\b(?:explain|say)\s+(?:that|it|this)\s+(?:again|more\s+simply|in\s+simpler\s+terms)\b",
    r"\bwhy\s+did\s+you\s+(?:use|say|choose|pick|write|put|add)\b",
    r"\bwhat\s+is\s+the\s+(?:difference|point)\s+of\s+(?:that|this|step)\b",
    r"\bin\s+simpler\s+terms\b|\beli5\b",
)
ANSWER_QUESTION = _rx(
    r"^\W*explain\s+(?:this|that)\b",
    r"\bwhy\s+(?:did|are|would)\s+you\s+\w+|\bwhy\s+(?:is|does|did)\s+(?:it|this|that)\s+\w+",
    r"\bhow\s+did\s+you\s+(?:get|arrive|come|calculate|find|derive|compute)\b",
    r"\bwhere\s+(?:do|can|should|would)\s+i\s+(?:find|put|get|place|see|add)\b|\bwhere\s+(?:has|is|was)\s+(?:this|that|it)\s+"
    r"(?:been\s+)?(?:defined|declared|set|coming)\b",
    r"\bwhich\s+\w+\s+did\s+you\b",
)
TERM_QUESTION = _one(
    r"^\W*what(?:'s| is| does| are)\s+(?:an?\s+|the\s+)?[\"'`]?([\w.\- ]{2,40}?)[\"'`]?(?:\s+mean)?\s*\?\s*$", _F
)
RE_ASK = _rx(
    r"\b(?:i|as\s+i)\s+(?:already\s+)?(?:asked|said|told\s+you)\b",
    r"\blike\s+i\s+(?:asked|said)\b",
    r"\b(?:once|one)\s+more\s+time\b",
    r"\bagain[:,]",
    r"^\W*again\b",
)
THANKS = _rx(
    r"\b(?:thanks?|thank\s+you|thx|ty|cheers|many\s+thanks)(?:\s+(?:so|very)\s+much|\s+a\s+lot)?\b",
)
APPROVAL = _rx(
    r"^\W*(?:(?:ok|okay|oh|wow|yes|yeah)\W+)?(?:that(?:'s| is)\s+|this\s+is\s+|it(?:'s| is)\s+"
    r")?(?:so\s+|very\s+|really\s+)?(?:perfect|great|excellent|awesome|amazing|brilliant|"
    r"fantastic|wonderful|spot\s+on|exactly\s+(?:it|right)|nice|cool|lovely)\b",
    r"\b(?:it|that|this)\s+(?:works|worked|did\s+it|did\s+the\s+trick|fixed\s+it|solved\s+"
    r"it)\b(?!\s+(?:but|except))",
    r"\bexactly\s+what\s+i\s+(?:needed|wanted|was\s+looking\s+for)\b",
    r"\b(?:very|really|super|so|extremely)\s+helpful\b",
    r"\blove\s+(?:it|this)\b",
    r"\bworks\s+(?:perfectly|great|like\s+a\s+charm|now)\b",
)
APPROVAL_VETO = _rx(
    r"\b(?:but|however|although|though|except)\b",
    r"\bnot\s+(?:so\s+|very\s+|really\s+|that\s+)?(?:perfect|great|helpful|nice|working)\b",
    r"\b(?:doesn't|does not|didn't|did not|isn't|won't)\s+work",
    r"^\W*(?:can|could|would|will)\s+you\b",
    r"^\W*(?:write|make|create|give|generate|draft|compose|design)\b",
)
CLOSURE = _rx(
    r"\b(?:thanks?|thank\s+you|thx|got\s+it|bye|goodbye|that's\s+all|perfect|great|awesome|understood)\b",
)
FAILURE_REPORT = _rx(
    r"\b(?:didn't|did not|doesn't|does not|still\s+(?:doesn't|not))\s+work",
    r"\btry\s+again\b",
    r"\btraceback\s+\(most\s+recent\s+call\s+last\)",
    r"\b\w*(?:error|exception):\s",
    r"\bsame\s+(?:error|result|problem|issue|answer)\b",
)
GENERIC_CLOSER = _rx(
    r"\b(?:anything\s+else|any\s+(?:other|more|further)\s+questions?|other\s+questions?)\b",
    r"\bwould\s+you\s+like\s+(?:me\s+to\s+)?(?:more|further|additional|to\s+know\s+more|me\s+"
    r"to\s+(?:elaborate|explain|expand|go))\b",
    r"\bdoes\s+(?:this|that)\s+(?:help|make\s+sense|answer)\b",
    r"\bhow\s+(?:can|may)\s+i\s+(?:help|assist)\b",
    r"\bis\s+there\s+(?:something|anything)\b|\bany\s+other\b",
    r"^\W*(?:should|shall)\s+i\b|\bdo\s+you\s+want\s+me\s+to\b|\bwant\s+(?:more|another|me\s+to)\b",
    r"^\W*(?:how|what)\s+about\b|\bwould\s+you\s+like\s+(?:more|another|to\s+(?:know|see|hear|try))\b",
)
CLARIFYING_ASK = _rx(
    r"\b(?:could|can|would)\s+you\s+(?:please\s+)?(?:provide|share|clarify|specify|tell\s+me|"
    r"give\s+me|confirm|paste|post|let\s+me\s+know)\b",
    r"\bwhat\s+(?:kind|type|sort|version|language|format|size|platform|framework|exactly)\b[^?]{0,80}\?",
    r"\bwhich\s+(?:one|version|language|format|option|platform|framework|of\s+these)\b[^?]{0,80}\?",
    r"\bdo\s+you\s+(?:mean|want|prefer|need)\b[^?]{0,120}\?",
    r"\bare\s+you\s+(?:looking\s+for|referring\s+to|asking\s+about|using)\b[^?]{0,120}\?",
    r"\bif\s+you\s+(?:tell|let)\s+me\b",
    r"\bcould\s+you\s+be\s+more\s+specific\b",
    r"\bwhat\s+do\s+you\s+(?:mean|have\s+in\s+mind)\b",
)
REFUSAL = _rx(
    r"\b(?:i(?:'m| am)\s+sorry|i\s+apologi[sz]e),?\s+but\s+(?:i(?:'m| am)\s+(?:just\s+|only\s+)?(?:a|an)\s+"
    r"(?:\w+\s+)?(?:language\s+model|ai|computer\s+program|program)|it(?:'s|\s+is)\s+not\s+possible\s+for\s+me|"
    r"i\s+(?:don't|do\s+not)\s+have\s+the\s+(?:ability|capability|capacity)|my\s+knowledge\s+cut-?off)\b",
    r"\bi(?:'m| am)\s+(?:sorry|afraid),?\s+(?:but\s+)?i\s+(?:can(?:no|')t|won't|will\s+not|am\s+"
    r"(?:unable|not\s+able)|'m\s+(?:unable|not\s+able))\b",
    r"\bi\s+(?:can(?:no|')t|won't|will\s+not)\s+(?:help|assist|provide|fulfill|comply|create|"
    r"write|generate|produce|engage|support|submit|send|share|do\s+(?:that|this))\b",
    r"\bi(?:'m| am)\s+(?:not\s+able|unable)\s+to\s+(?:help|assist|provide|fulfill|comply|create|"
    r"write|generate|do\s+(?:that|this))\b",
    r"\bi\s+must\s+(?:decline|refuse)\b",
    r"\bi\s+(?:can(?:no|')t|won't)\s+(?:in\s+good\s+conscience|ethically)\b",
    r"\b(?:it(?:'s| is)|that(?:'s| is)|would\s+be)\s+not\s+appropriate\s+for\s+me\s+to\b",
    r"\b(?:against|violates?)\s+(?:my|openai's|the)\s+(?:guidelines|polic(?:y|ies)|content\s+"
    r"policy|programming)\b",
    r"\bas\s+an\s+ai(?:\s+language\s+model)?,?\s+i\s+(?:cannot|can't|am\s+not\s+able\s+to|"
    r"won't)\s+(?:help|assist|provide|fulfill|comply|create|write|generate|engage)\b",
)
KNOWLEDGE_LIMIT = _rx(
    r"\bi\s+(?:don't|do\s+not)\s+have\s+(?:access\s+to|the\s+ability\s+to|real[- ]time|current|"
    r"up[- ]to[- ]date|browsing|internet|personal\s+(?:opinions?|experiences?|feelings|"
    r"preferences|beliefs))\b",
    r"\b(?:my|the)\s+(?:knowledge|training)\s+(?:cut-?off|cutoff|data\s+(?:only\s+)?(?:goes|"
    r"extends)|is\s+limited)\b",
    r"\bas\s+of\s+my\s+(?:last\s+)?(?:knowledge|training)\s+(?:update|cut-?off|cutoff|date)\b",
    r"\bi\s+(?:can(?:no|')t|am\s+unable\s+to|am\s+not\s+able\s+to)\s+(?:browse|access\s+"
    r"(?:the\s+internet|external|real|websites?|links?|urls?|files?)|verify|check\s+(?:the\s+"
    r")?(?:current|latest|live)|see\s+(?:images?|the\s+image|your))\b",
    r"\bi(?:'m| am)\s+not\s+(?:aware\s+of\s+any|familiar\s+with)\b",
    r"\bas\s+an\s+ai(?:\s+language\s+model)?,?\s+i\s+(?:don't|do\s+not|cannot|can't)\s+(?:have|"
    r"know|browse|access|experience|feel|hold|dream|sleep|eat|remember)\b",
    r"\bi\s+(?:don't|do\s+not)\s+have\s+(?:any\s+)?information\s+(?:about|on)\b",
)
AI_DISCLAIMER = _rx(
    r"\bas\s+an\s+ai(?:\s+language\s+model)?\b",
    r"\bas\s+of\s+my\s+(?:last\s+)?(?:knowledge|training)\b",
    r"\bi\s+(?:don't|do\s+not)\s+have\s+(?:access\s+to\s+)?real[- ]time\b",
    r"\bi(?:'m| am)\s+not\s+(?:a|an)\s+(?:doctor|lawyer|financial\s+advisor|medical\s+professional)\b",
)
HEDGE = _rx(
    r"\b(?:may|might|could|possibly|perhaps|probably|likely|unlikely|approximately|roughly|"
    r"around|about|typically|usually|generally|often|sometimes|depends?|depending|estimate[sd]?|"
    r"uncertain|unclear|not\s+sure|i\s+think|i\s+believe|seems?|appears?|suggests?|can\s+vary|"
    r"varies)\b",
)
CERTAINTY = _rx(
    r"\b(?:definitely|undoubtedly|unquestionably|indisputably|guaranteed)\b",
    r"\bwithout\s+(?:a|any)\s+doubt\b",
    r"\bthere\s+is\s+no\s+(?:doubt|question)\b",
    r"\b100\s*%\s+(?:certain|sure|accurate|correct|guaranteed|safe)\b",
    r"\b(?:absolutely|completely|entirely)\s+(?:certain|sure|correct|true|accurate|safe|right)\b",
    r"\bit\s+is\s+(?:a\s+)?(?:well[- ]established\s+|proven\s+)?fact\b",
    r"\b(?:will|is)\s+(?:always|never)\s+(?:work|be|fail|happen)\b",
    r"(?<!^)(?<![.!]\s)\bcertainly\b(?!\s*[!,])",
)
STOCK_OPENER = _one(r"^\W*(?:absolutely|certainly|of\s+course|sure|definitely)\b\s*[!,.]")
INTERPRETATION = _rx(
    r"\b(?:i'll|i\s+will|let\s+me|i'm\s+going\s+to)\s+assume\b",
    r"\bassuming\s+(?:you|that|this|the)\b",
    r"\bif\s+you\s+(?:mean|meant|are\s+(?:asking|referring|looking))\b",
    r"\bsince\s+you\s+(?:didn't|did\s+not|haven't)\s+(?:specify|mention|say)\b",
    r"\bi(?:'m| am)\s+not\s+(?:sure|certain)\s+what\s+you\b",
    r"\bit(?:'s| is)\s+(?:not\s+clear|unclear)\s+(?:what|which)\b",
    r"\bhere(?:'s| is| are)\s+(?:a|some)\s+(?:general|generic)\b",
    r"\bi\s+interpret(?:ed)?\b|\bmy\s+(?:understanding|reading)\s+is\b",
)
VAGUE_REQUEST = _rx(
    r"^\W*(?:fix|improve|optimi[sz]e|rewrite|redo|change|update|clean\s+up|refactor|enhance|"
    r"make\s+(?:it|this|that)\s+(?:better|nicer|good|work|pop))\b",
    r"^\W*(?:help(?:\s+me)?(?:\s+with)?|do|handle|sort\s+out)\s+(?:it|this|that|my\s+\w+)\W*$",
    r"^\W*(?:write|make|create|give\s+me|generate)\s+(?:something|anything|a\s+thing|stuff)\b",
    r"^\W*(?:write|make|create|design|plan|draft)\s+(?:a|an|my|the)\s+\w+(?:\s+\w+)?\W*$",
)
ACKNOWLEDGE = _rx(
    r"\b(?:i\s+apologi[sz]e|apologies|sorry|you(?:'re| are)\s+(?:right|correct)|my\s+(?:mistake|"
    r"bad|error)|i\s+(?:was|stand)\s+(?:wrong|corrected)|correction|i\s+misspoke|i\s+made\s+"
    r"(?:a|an)\s+(?:mistake|error))\b",
)
ADMITS_ERROR = _rx(
    r"\bi\s+apologi[sz]e\b|\bmy\s+(?:apologies|mistake|bad)\b|\bapologies\s+for\b",
    r"\byou(?:'re|\s+are)\s+(?:absolutely\s+|quite\s+)?(?:right|correct)\b",
    r"\bi\s+(?:was\s+wrong|made\s+(?:a|an)\s+(?:mistake|error))\b|\bgood\s+catch\b|\bthanks?\s+(?:you\s+)?for\s+(?:pointing|catching)\b",
)
NEGATION = _one(r"\b(?:not|no|never|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|cannot|can't|won't)\b")
REPORTED_SPEECH = _one(r"^\W*(?:tell|say|write|reply|respond|answer|draft|add|ask)\s+(?:them|him|her|that|to)\b")
NEW_REQUEST = _rx(
    r"^\W*(?:write|give|explain|suggest|recommend|list|make|create|generate|translate|summari[sz]e|describe|"
    r"tell\s+me|show\s+me|find|plan|draft|compose|help\s+me|name|compare|what|how|why|who|which|where|when|"
    r"can\s+you|could\s+you|would\s+you|is|are|do|does|should)\b",
)
MORE_OF_THE_SAME = _one(r"\b(?:another|more(?!\s+time)|next|others?|different)\b")
CONTINUATION = _one(r"^\W*(?:please\s+)?(?:continue|go\s+on|keep\s+going|more|next|carry\s+on|proceed)\b")
