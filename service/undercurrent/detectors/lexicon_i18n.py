"""Cue patterns in Korean, Chinese, Japanese, Spanish, German, French, Italian and Portuguese.

One list per language and reaction, merged into one pattern per reaction: a message is read
against every language at once, so a Spanish correction in a session identified as English
still counts. Chinese, Japanese and Korean have no word boundaries, so their cues are
phrases long enough not to occur inside unrelated words.
"""

from __future__ import annotations

import re

from .cue import AnyCue, Cue

CORRECTION: dict[str, tuple[str, ...]] = {
    "es": (
        r"^\W*no\s*[,.!;:]",
        r"^\W*no\s+(?:es|era|quiero|quise|te\s+ped[ií]|me\s+refer[ií]a|pero)\b",
        r"\bno\s+(?:funciona|funcion[oó]|sirve|sirvi[oó]|anda|existe|aparece|sale|es\s+(?:correcto|as[ií]|lo\s+que))\b",
        r"\b(?:sigue|contin[uú]a)\s+sin\b",
        r"\btampoco\s+(?:existe|funciona|aparece|sale|est[aá])\b",
        r"\b(?:est[aá]\s+(?:mal|equivocad[oa])|incorrecto|te\s+equivocas(?:te)?)\b",
        r"\bme\s+refer[ií]a\s+a\b",
        r"^\W*correg(?:ir|ime|ilo|ila)\b|\bcorregir\s+(?:el|la|los|las)\b",
    ),
    "it": (
        r"^\W*no\s*[,.!;:]",
        r"^\W*no\s+(?:ma|non|volevo|intendevo)\b",
        r"\bnon\s+(?:funziona|ha\s+funzionato|esiste|[eè]\s+(?:corretto|giusto|quello))\b",
        r"\b(?:sbagliato|errato|intendevo)\b",
    ),
    "pt": (
        r"\bn[ãa]o\s+(?:funciona|funcionou|existe|[ée]\s+(?:isso|correto))\b",
        r"\b(?:est[áa]\s+errado|incorreto)\b",
    ),
    "fr": (
        r"^\W*non\s*[,.!;:]",
        r"\b(?:ne|n')\s*(?:marche|fonctionne|existe)\s+(?:toujours\s+)?pas\b",
        r"\b(?:c'est|ce\s+n'est)\s+pas\s+(?:[çc]a|correct|juste|ce\s+que)\b",
        r"\bc'est\s+faux\b",
        r"\btoujours\s+pas\b",
        r"\bje\s+voulais\s+dire\b",
        r"\b(?:tu\s+t'es|vous\s+vous\s+[êe]tes)\s+tromp[ée]",
        r"\b(?:tu\s+as|vous\s+avez)\s+oubli[ée]",
    ),
    "de": (
        r"^\W*nein\b",
        r"\b(?:funktioniert|klappt|geht)\s+(?:(?:immer\s+)?noch\s+)?nicht\b",
        r"\b(?:das\s+)?stimmt\s+(?:so\s+)?nicht\b",
        r"\b(?:das\s+ist|ist)\s+(?:falsch|nicht\s+(?:richtig|korrekt))\b",
        r"\bich\s+meinte\b",
        r"\bgibt\s+es\s+nicht\b",
        r"\bimmer\s+noch\s+(?:nicht|falsch|der\s+gleiche|dasselbe|derselbe)\b",
        r"\bdu\s+hast\s+\w*\s*(?:vergessen|ignoriert|übersehen)\b",
    ),
    "ko": (
        r"^\W*아니(?:요|야|에요|오|라|고)?(?:[\s,.!]|$)",
        r"(?:그게|이게|그건|이건|그런\s?게|그런\s?뜻이)\s?아니",
        r"(?:작동|동작|실행)(?:이|을|하지|되지)?\s?(?:안|않|못)",
        r"안\s?(?:돼|되네|되요|되는데|됩니다|나와|나오)",
        r"(?:틀렸|틀린\s?(?:답|내용)|잘못\s?(?:됐|되었|했|하셨|이해))",
        r"(?:똑같|아까랑\s?같|그대로(?:잖아|인데|네))",
        r"(?:말고|라고\s?했|라니까)",
    ),
    "zh": (
        r"(?:不对|不對|错了|錯了|不正确|不正確|有误|有誤|搞错|搞錯)",
        r"(?:不是(?:这样|這樣|这个|這個|我要|我想|我说|我說))",
        r"(?:不行|没用|沒用|不能用|无法(?:运行|使用)|無法(?:運行|使用)|运行不了|運行不了|报错|報錯|出错|出錯)",
        r"(?:还是|還是|依然|仍然)(?:不|没|沒|一样|一樣|报错|報錯)",
        r"(?:我是说|我是說|我的意思是)",
    ),
    "ja": (
        r"(?:違います|違う|ちがう|ちがいます|間違(?:い|って|えて)|誤りです)",
        r"(?:ではなく|じゃなくて)",
        r"(?:動きません|動かない|うまくいきません|うまくいかない|機能しません|エラーが(?:出|発生))",
        r"(?:まだ|やはり|やっぱり)(?:動|エラー|同じ)",
    ),
}

ARE_YOU_SURE: dict[str, tuple[str, ...]] = {
    "es": (r"\b(?:est[aá]s|est[aá])\s+segur[oa]\b", r"\bseguro\s+que\b[^?]{0,80}\?"),
    "it": (r"\bsei\s+sicur[oa]\b",),
    "pt": (r"\b(?:tem|voc[êe]\s+tem)\s+certeza\b",),
    "fr": (r"\b(?:tu\s+es|vous\s+[êe]tes|es-tu|[êe]tes-vous)\s+s[ûu]re?\b",),
    "de": (r"\b(?:bist\s+du|sind\s+sie)\s+(?:dir\s+|sich\s+)?sicher\b",),
    "ko": (r"(?:확실해|확실합니까|확실한가요|확실하니|정말(?:요|이야|이에요)?\s?\?|맞아\?|맞나요\?|맞습니까\?)",),
    "zh": (r"(?:你确定|你確定|确定吗|確定嗎|真的吗|真的嗎|对吗\?|對嗎\?|对吗？|對嗎？)",),
    "ja": (r"(?:本当ですか|本当に\?|確かですか|正しいですか)",),
}

REFUSAL: dict[str, tuple[str, ...]] = {
    "es": (
        r"\b(?:lo\s+siento|lamentablemente),?\s+(?:pero\s+)?(?:como\s+(?:un\s+)?modelo\s+de\s+lenguaje,?\s+)?(?:yo\s+)?no\s+(?:puedo|tengo\s+la\s+capacidad|soy\s+capaz)\b",
        r"\blamento\s+no\s+poder\b",
        r"\bcomo\s+(?:un\s+)?modelo\s+de\s+lenguaje,?\s+no\s+(?:puedo|tengo|me\s+es\s+posible)\b",
    ),
    "it": (
        r"\bmi\s+dispiace,?\s+(?:ma\s+)?(?:come\s+modello\s+di\s+linguaggio,?\s+)?non\s+(?:posso|sono\s+in\s+grado|[eè]\s+appropriato)\b",
        r"\bcome\s+modello\s+di\s+linguaggio,?\s+non\s+(?:posso|fornir[oò]|sono\s+in\s+grado)\b",
    ),
    "pt": (r"\b(?:desculpe|sinto\s+muito),?\s+(?:mas\s+)?(?:eu\s+)?n[ãa]o\s+(?:posso|consigo|sou\s+capaz)\b",),
    "fr": (
        r"\b(?:je\s+suis\s+d[ée]sol[ée]e?|d[ée]sol[ée]e?),?\s+(?:mais\s+)?(?:en\s+tant\s+qu[e']\s*\w+\s+\w+,?\s+)?je\s+ne\s+(?:peux|suis\s+pas\s+en\s+mesure)\b",
        r"\ben\s+tant\s+que\s+mod[èe]le\s+de\s+langage,?\s+je\s+ne\s+(?:peux|suis)\b",
    ),
    "de": (
        r"\b(?:es\s+tut\s+mir\s+leid|entschuldigung|leider),?\s+(?:aber\s+)?(?:als\s+\w+\s+)?(?:ich\s+(?:kann|darf)|(?:kann|darf)\s+ich)\s+(?:\w+\s+){0,3}(?:nicht|keine)\b",
        r"\bals\s+(?:ki|sprachmodell)\s+kann\s+ich\s+(?:\w+\s+){0,3}(?:nicht|keine)\b",
    ),
    "ko": (r"(?:죄송(?:합니다|하지만)|유감스럽게도)[^\n]{0,80}(?:수\s?없|드릴\s?수\s?없|불가능)",),
    "zh": (r"(?:抱歉|对不起|對不起|很遗憾|很遺憾)[^\n]{0,40}(?:无法|無法|不能|做不到)",),
    "ja": (
        r"(?:申し訳(?:ありません|ございません)|すみません|残念ながら)[^\n]{0,60}(?:できません|出来ません|いたしかねます)",
    ),
}

_THANKS = (
    r"(?:(?:merci|gracias|grazie|obrigad[oa]|danke|감사합니다|고맙습니다|谢谢|謝謝|ありがとう(?:ございます)?)\W*)?"
)
APPROVAL: dict[str, tuple[str, ...]] = {
    "es": (
        rf"^\W*{_THANKS}(?:perfecto|excelente|genial|me\s+encanta|funciona\s+(?:perfectamente|bien)|eso\s+es\s+exactamente)\b",
    ),
    "it": (rf"^\W*{_THANKS}(?:perfetto|ottimo|fantastico|benissimo|funziona\s+(?:perfettamente|bene))\b",),
    "pt": (rf"^\W*{_THANKS}(?:perfeito|[óo]timo|excelente|funcionou)\b",),
    "fr": (
        rf"^\W*{_THANKS}(?:parfait|excellent|g[ée]nial|c'est\s+(?:parfait|exactement\s+[çc]a|g[ée]nial|super)|[çc]a\s+marche)\b",
    ),
    "de": (rf"^\W*{_THANKS}(?:perfekt|super|klasse|toll|prima|ausgezeichnet|genau\s+so|das\s+funktioniert)\b",),
    "ko": (rf"^\W*{_THANKS}(?:완벽|좋아요|좋네요|좋습니다|훌륭|최고|잘\s?(?:됩니다|되네요|돼요|작동))",),
    "zh": (rf"^\W*{_THANKS}(?:完美|太好了|非常好|很好|可以了|成功了|很有用|很有帮助|很有幫助)",),
    "ja": (rf"^\W*{_THANKS}(?:完璧|素晴らしい|いいですね|ばっちり|うまくいきました|動きました)",),
}
APPROVAL_VETO = (
    r"\b(?:pero|sin\s+embargo|ma|per[òo]|mas|mais|cependant|aber|jedoch|nicht|non|pas|n[ãa]o)\b"
    r"|하지만|그런데|근데|안\s?되|但是|不过|不過|可是|不行|でも|しかし|けど|ません"
)
DISSATISFACTION: dict[str, tuple[str, ...]] = {
    "es": (
        r"\bno\s+me\s+gusta\b|\bdemasiado\s+(?:largo|corto|gen[ée]rico|vago)\b|\bno\s+es\s+lo\s+que\s+(?:quer[ií]a|buscaba)\b",
    ),
    "it": (r"\bnon\s+mi\s+piace\b|\btroppo\s+(?:lungo|corto|generico)\b",),
    "pt": (r"\bn[ãa]o\s+gostei\b|\bmuito\s+(?:longo|gen[ée]rico)\b",),
    "fr": (r"\bje\s+n'aime\s+pas\b|\btrop\s+(?:long|court|g[ée]n[ée]rique|vague)\b|\bpas\s+(?:tr[èe]s\s+)?utile\b",),
    "de": (
        r"\bgef[äa]llt\s+mir\s+nicht\b|\bzu\s+(?:lang|kurz|allgemein|vage)\b|\bnicht\s+(?:hilfreich|gut\s+genug)\b",
    ),
    "ko": (r"(?:마음에\s?안\s?들|별로(?:야|예요|네요|입니다)|너무\s?(?:길어|짧아|일반적)|도움이\s?안)",),
    "zh": (r"(?:不满意|不滿意|太长了|太長了|太短了|太笼统|没有帮助|沒有幫助|不喜欢|不喜歡)",),
    "ja": (r"(?:気に入りません|イマイチ|いまいち|長すぎ|短すぎ|役に立たない)",),
}

ADMITS_ERROR: dict[str, tuple[str, ...]] = {
    "es": (r"\b(?:tienes|tiene)\s+raz[oó]n\b|\bdisculp(?:a|e)\s+(?:la|el|mi)\s+(?:confusi[oó]n|error)\b",),
    "it": (r"\b(?:hai|ha)\s+ragione\b|\bmi\s+scuso\s+per\b",),
    "pt": (r"\b(?:voc[êe]\s+)?(?:tem|est[áa])\s+raz[ãa]o\b|\bpe[çc]o\s+desculpas\b",),
    "fr": (r"\b(?:vous\s+avez|tu\s+as)\s+raison\b|\bje\s+m'excuse\b",),
    "de": (r"\b(?:sie\s+haben|du\s+hast)\s+recht\b|\bentschuldigen\s+sie\s+(?:den|die|das)\b",),
    "ko": (r"(?:말씀하신\s?대로|지적해\s?주셔서|혼란을\s?드려|실수(?:가\s?있었|를\s?했))",),
    "zh": (r"(?:您说得对|你说得对|您說得對|你說得對|抱歉造成|之前的回答有误|我的错误)",),
    "ja": (r"(?:ご指摘(?:の通り|ありがとう)|おっしゃる通り|申し訳ありません。?(?:先ほど|前回))",),
}


def merged(lexicon: dict[str, tuple[str, ...]]) -> AnyCue:
    """Every language's alternatives, case-insensitive, each pre-checked by its own literals."""
    return AnyCue(Cue(re.compile(a, re.IGNORECASE)) for patterns in lexicon.values() for a in patterns)


CORRECTION_CUES = merged(CORRECTION)
ARE_YOU_SURE_CUES = merged(ARE_YOU_SURE)
REFUSAL_CUES = merged(REFUSAL)
APPROVAL_CUES = merged(APPROVAL)
APPROVAL_VETO_CUES = Cue(re.compile(APPROVAL_VETO, re.IGNORECASE))
DISSATISFACTION_CUES = merged(DISSATISFACTION)
ADMITS_ERROR_CUES = merged(ADMITS_ERROR)
