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
BARE_NO = _rx(
    r"^\W*(?:no|nope|n[ãa]o)\b\s*[,.!;:-]",
    r"^\W*no\W+(?:it|that|this|you|the|sir|man|mate|i)\b",
)
"""A reply opening with "no": a correction after an answer, but just an answer after a question to the user."""
CORRECTION = _rx(
    r"^\W*(?:wrong|incorrect)\b\s*[,.!;:-]",
    r"(?<!\bif\s)(?<!\bwhether\s)\b(?:that|this|it)(?:'s|\s+is|\s+was)\s+(?:(?:still|also|just)\s+)?(?:not\s+(?:quite\s+)?(?:right|correct|true|accurate)|wrong|incorrect|false|inaccurate)\b",
    r"\b(?:that|this|it)\s+(?:isn'?t|wasn'?t)\s+(?:quite\s+)?(?:right|correct|true|accurate)\b",
    r"\byou(?:'re|\s+are|\s+were)\s+(?:wrong|mistaken|incorrect)\b",
    r"\byou\s+(?:misunderstood|misread|made\s+(?:a|an)\s+(?:mistake|error|typo))\b",
    r"\b(?:there(?:'s|\s+is)|you\s+have)\s+(?:a|an)\s+(?:mistake|error|typo|bug)\s+in\s+(?:your|the|this|that)\b",
    r"\bi\s+(?:meant|said|asked\s+for)\s+\w+(?:\s+\w+)?,?\s+not\b",
    r"^\W*actually,?\s+(?:it|that|this|there|the\s+\w+)\s*(?:'s|is|was|were|are|should|has|had)\b",
    r"^\W*(?:nice|good)\s+try\b|^\W*(?:close|almost),?\s+but\b",
)
"""Explicit: the user says the previous answer is wrong."""
IMPLICIT_CORRECTION = _each(
    # it did not work: a negated verb of functioning, about the answer's result
    r"\b(?:doesn'?t|does\s+not|didn'?t|did\s+not|won'?t|will\s+not|isn'?t|is\s+not|aren'?t|are\s+not|can'?t|cannot|"
    r"never|nothing|still\s+not)\s+(?:seem\s+to\s+|really\s+|even\s+)?(?:work(?:s|ing|ed)?|compil\w+|"
    r"run(?:s|ning)?|load(?:s|ing)?|render\w*|display\w*|appear\w*|show(?:s|ing)?\s+up|exist|change\w*|updat\w+|"
    r"make\s+(?:any\s+)?sense)\b(?!\s+(?:out|on\s+(?:my|our|a)))",
    r"\bnot\s+(?:working|compiling|loading|rendering|displaying|appearing|showing\s+up)\b"
    r"(?!\s+(?:on|with|for|at|as|in)\s+(?:my|our|a|the)\s+\w+\s+(?:project|team|company))",
    r"^\W*it\s+(?:doe?nt|dosent|doesnt|dont)\b",
    r"\b(?:the\s+)?(?:code|command|query|script|function|link|formula|solution|fix|regex|example|answer|steps?)\s+you\s+"
    r"(?:wrote|gave|provided|suggested|sent|shared)\s+(?:me\s+)?(?:does\s*n[o']t|did\s*n[o']t|is\s*n[o']t|is\s+not|gives|has|"
    r"returns|throws|fails|won'?t|can'?t)\b",
    r"\b(?:this|that|it)\s+(?:won'?t|will\s+not|wouldn'?t|can'?t|cannot)\s+(?:work|be\s+(?:right|correct|true))\b",
    # the same failure persists
    r"(?<!\bcan\si\s)(?<!\bcould\si\s)(?<!\bwill\si\s)\bstill\s+(?:no|not|doesn'?t|don'?t|didn'?t|isn'?t|aren'?t|can'?t|won'?t|the\s+same|wrong|broken|empty|"
    r"nothing|blank|an?\s+error|error|same|getting|get|gets|see|seeing|shows?|showing|gives?|giving|returns?|"
    r"returning|has|have|having|fails?|failing|crash\w*|happening|there|missing)\b(?!\s+(?:sure|clear|learning|new))",
    r"\b(?:same|identical)\s+(?:error|result|problem|issue|output|answer|thing|mistake|response)\b",
    r"\b(?:gives?|giving|got|getting|throws?|throwing|returns?|returned|shows?|showing|raises?)\s+(?:me\s+)?"
    r"(?:an?|the|this|that|following|same|another)\s+(?:following\s+|new\s+|same\s+)?(?:error|exception)\b",
    r"\bi\s+(?:get|got|am\s+getting|'m\s+getting|keep\s+getting|receive[d]?|see)\s+(?:an?\s+|the\s+|this\s+|following\s+)*"
    r"(?:error|exception)\b",
    # what the answer names is not there
    r"\b(?:there\s+(?:is|are)\s+no|there'?s\s+no|there\s+isn'?t\s+(?:a|an|any)|i\s+(?:can'?t|cannot|couldn'?t|don'?t|"
    r"do\s+not|didn'?t)\s+(?:see|find))\s+(?:any\s+|the\s+|a\s+|an\s+|such\s+)?(?:\w+\s+){0,2}(?:option|menu|button|"
    r"tab|setting|link|field|image|section|file|folder|command|method|function|module|attribute|column|table|page|"
    r"property|key|tool|feature|icon|entry|package|library|class|parameter|argument)s?\b",
    r"\b(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+exist\b|\bno\s+such\s+\w+\b",
    # the answer did not do what was asked: a restated request or constraint
    r"\b(?:that'?s|that\s+is|it\s*'?\s*s|it\s+is|this\s+is|this\s+isn'?t|that\s+isn'?t|it\s+isn'?t)[\s.…]+(?:not\s+)?"
    r"(?:exactly\s+)?what\s+i\s+(?:just\s+)?(?:said|meant|asked|wanted|need(?:ed)?)\b|\bnot\s+what\s+i\s+(?:asked|meant|said)\b",
    r"^\W*(?:what\s+)?i\s+meant\b|\bwhat\s+i\s+meant\s+(?:was|is)\b|^\W*i\s+mean\s*,",
    r"\bi\s+(?:didn'?t|did\s+not)\s+(?:ask|say|want|mean|tell)\b|\bi\s+(?:don'?t|do\s+not)\s+want\s+(?:a|an|the|you\s+to|it\s+to)\b",
    r"\b(?:as\s+|like\s+)?i\s+(?:said|asked|told\s+you|mentioned|specified|explained)\s*(?:before|earlier|above|already|previously|,)",
    r"\bi\s+(?:already\s+)?(?:said|asked\s+for|told\s+you|specified|wanted)\s+(?:that\s+)?(?:only|just|exactly|\d+)\b",
    r"^\W*but\s+i\s+(?:want|need|asked|said|meant|wanted|told)\b|\bbut\s+(?:please\s+)?(?:revise|fix|correct)\b",
    r"\b(?:must|should|shall|has\s+to|needs?\s+to)\s+not\s+(?:contain|include|be|have|use|mention)\b|^\W*let'?s\s+not\b",
    r"^\W*(?:do\s+not|don'?t)\s+(?:repeat|change|use|add|include|make\s+up|invent|remove)\b",
    # the answer dropped or changed something
    r"\byou(?:'ve|\s+have)?\s+(?:just\s+|still\s+|completely\s+|again\s+)?(?:ignored|forgot|forgotten|missed|skipped|"
    r"left\s+out|omitted|repeated|changed|removed|dropped|misspelled|mixed\s+up)\b",
    r"\byou\s+(?:didn'?t|did\s+not|haven'?t|have\s+not|never)\s+(?:include|mention|answer|use|add|follow|change|fix|"
    r"read|understand|address|consider|take|respond|update|explain)\w*\b",
    r"\byou(?:'re|\s+are)\s+still\s+\w+ing\b|\byou\s+keep\s+\w+ing\b|\byou\s+(?:went|switched|changed)\s+(?:from|to|back)\b",
    # doubt about a specific claim
    r"\b(?:are|r)\s+(?:you|u)\s+(?:really\s+)?sure\b|^\W*(?:you|u)\s+sure\b",
    r"\bis\s+(?:that|this|it)\s+(?:really\s+)?(?:right|correct|true|accurate)\s*\?|^\W*really\s*\?",
    r"\bi\s+(?:don'?t|do\s+not)\s+think\s+(?:so|that(?:'s|\s+is)\s+(?:right|correct|true))\b|\bthat\s+can'?t\s+be\s+(?:right|true)\b",
    # the right value, supplied
    r"^\W*shouldn'?t\s+(?:we|it|this|that|you|the|there)\b",
    r"\b(?:it|this|that|there|the\s+\w+)\s+should\s+(?:be|say|return|read)\b.{0,60}\b(?:not|instead)\b",
    r"^\W*(?:not|isn'?t|wasn'?t)\s+(?:quite\s+)?(?:right|correct)\b",
    r"^\W*(?:stop|wait)\s*[.!,]",
    r"^\W*(?:that'?s|is\s+that)\s+(?:all|it)\s*\?",
)
"""Implicit, in general forms rather than phrases: it did not work, the failure persists, what the answer
names is not there, a restated request or constraint, something dropped or changed, doubt, the right value."""
ERROR_TEXT = _rx(
    r"\btraceback\s+\(most\s+recent\s+call\s+last\)",
    r"\b\w*(?:Error|Exception)\b\s*(?::|\sat\s)",
    r"^\W*(?:error|exception|warning|fatal)\b\s*:?",
    r"\blevel=error\b|\bsyntax\s*error\b|\bis\s+not\s+defined\b|\bunexpected\s+token\b|\bnot\s+a\s+function\b",
    r"\b(?:cannot|can'?t|could\s+not|unable\s+to)\s+(?:find|resolve|read|load|open|import|convert)\s+(?:module|symbol|property|package|file|name|type)\b",
    r"\bundefined\s+(?:is\s+not|reference|method|variable|index)\b|\bnull\s*pointer\b|\bsegmentation\s+fault\b",
    r"\bcommand\s+not\s+found\b|\bno\s+such\s+file\s+or\s+directory\b|\bpermission\s+denied\b|\bexit\s+(?:code|status)\s+[1-9]",
    r"\berrors?\s*:|\b(?:get|gets|got|getting|gives?|giving|throws?|throwing|returns?|returning|shows?|showing|raises?|"
    r"see|seeing|receiv\w+|there\s+(?:is|are|was))\s+(?:\w+\s+){0,2}(?:errors?|exception)\b",
)
"""Error output; counts as a correction only after an answer that had code."""
DIAGNOSTIC = _rx(
    r'(?:^|\n)[ \t]*File\s+"[^"\n]+",\s+line\s+\d+',
    r"(?:^|\n)[ \t]*at\s+[^\n]*[(\s][^()\s]+:\d+(?::\d+)?\)?[ \t]*(?=\n|$)",
    r"(?:^|\n)[ \t]*\S*[\w-]\.[a-z]{1,5}:\d+(?::\d+)?:?\s",
    r"\berror\s*\[?[A-Z]{1,4}\d{3,5}\]?\s*:",
)
"""The shape of compiler or runtime output in any language: a stack frame, ``file:line[:col]`` at the start
of a line, a numbered error code. Like ``ERROR_TEXT``, read only in a coding exchange."""
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
NEGATION = re.compile(
    r"(?=[nidawc])\b(?:not|no|never|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|cannot|can't|won't)\b", _F
)
"""A plain regex, not a cue: it reads single sentences, each seen once, where one regex costs less than a scan.
The leading lookahead (case-insensitive, as the pattern) names the letters a negation starts with, so ``re``
skips to them instead of trying every place."""
REPORTED_SPEECH = _one(r"^\W*(?:tell|say|write|reply|respond|answer|draft|add|ask)\s+(?:them|him|her|that|to)\b")
NEW_REQUEST = _rx(
    r"^\W*(?:write|give|explain|suggest|recommend|list|make|create|generate|translate|summari[sz]e|describe|"
    r"tell\s+me|show\s+me|find|plan|draft|compose|help\s+me|name|compare|what|how|why|who|which|where|when|"
    r"can\s+you|could\s+you|would\s+you|is|are|do|does|should)\b",
)
MORE_OF_THE_SAME = _one(r"\b(?:another|more(?!\s+time)|next|others?|different)\b")
CONTINUATION = _one(r"^\W*(?:please\s+)?(?:continue|go\s+on|keep\s+going|more|next|carry\s+on|proceed)\b")
