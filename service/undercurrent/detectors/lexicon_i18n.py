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
        r"^\W*no\s+(?:(?:es|era)\s+(?:eso|esto|as[ií]|correcto|cierto|lo\s+que)|quiero\s+(?:que|eso|esto)|quise|te\s+ped[ií]|"
        r"me\s+refer[ií]a|pero)\b",
        r"(?<!\bsi\s)(?<!\bque\s)\bno\s+(?:me\s+|lo\s+|la\s+|se\s+)?(?:funciona|funcion[oó]|sirve|sirvi[oó]|anda|existe|aparece|sale|compila|"
        r"carga|cambia|cambi[oó]|muestra|hace\s+nada|es\s+(?:correcto|cierto|verdad|as[ií]|eso|lo\s+que))\b",
        r"\b(?:sigue|contin[uú]a)\s+(?:sin|igual|saliendo|dando|apareciendo|con\s+el\s+(?:mismo\s+)?error)\b",
        r"\b(?:todav[ií]a|a[uú]n)\s+(?:sale|da\s+(?:un\s+|el\s+)?error|aparece|igual|con\s+el\s+(?:mismo\s+)?error|el\s+mismo)\b",
        r"\b(?:tampoco|nada)\s+(?:existe|funciona|aparece|sale|cambia|cambi[oó])\b",
        r"(?<!\bno\s)\best[aá]\s+(?:mal|equivocad[oa])\b|\b(?:es|est[aá]|eso\s+es)\s+incorrect[oa]\b|\b(?:te\s+equivocas(?:te)?|es\s+falso)\b",
        r"\b(?:me\s+refer[ií]a|te\s+(?:dije|ped[ií])|(?:ya\s+)?(?:dije|ped[ií])\s+que|lo\s+que\s+(?:ped[ií]|quer[ií]a)\s+(?:es|era))\b",
        r"\bno\s+(?:hay|veo|encuentro)\s+(?:ning[uú]n|ninguna|la|el|tal|esa|ese|dich[oa])\s+(?:opci[oó]n|bot[oó]n|men[uú]|pesta[nñ]a|"
        r"archivo|carpeta|enlace|campo|comando|funci[oó]n|m[eé]todo|columna|tabla|p[aá]gina|icono|paquete|librer[ií]a|clase|"
        r"ajuste|configuraci[oó]n)\b",
        r"\b(?:(?:el\s+)?mismo\s+error|da\s+(?:un\s+|el\s+)?error|me\s+sale\s+(?:un\s+|el\s+)?error)\b",
        r"\bolvidaste\b|\bno\s+(?:incluiste|pusiste|tuviste\s+en\s+cuenta)\b",
    ),
    "it": (
        r"^\W*no\s+(?:ma|non|volevo|intendevo)\b",
        r"\bnon\s+(?:funziona|ha\s+funzionato|esiste|compila|cambia|appare|[eè]\s+(?:corretto|vero|quello))\b",
        r"\b(?:[eè]|hai)\s+(?:sbagliat[oa]|errat[oa])\b|\b(?:intendevo|ti\s+ho\s+(?:chiesto|detto)|stesso\s+errore)\b",
        r"\bsei\s+sicur[oa]\b",
    ),
    "pt": (
        r"\bn[ãa]o\s+(?:funciona|funcionou|existe|aparece|compila|mudou|[ée]\s+(?:isso|correto|verdade))\b",
        r"\b(?:est[áa]\s+errado|(?:[ée]|est[áa])\s+incorret[oa]|eu\s+(?:disse|pedi)\s+(?:que|para|pra)|continua\s+(?:sem|n[ãa]o|dando)|mesmo\s+erro)\b",
    ),
    "fr": (
        r"\b(?:ne|n')\s*(?:le\s+|la\s+|les\s+)?(?:marche|fonctionne|existe|compile|change|s'affiche|appara[iî]t|"
        r"trouve|vois|correspond)\s+(?:toujours\s+|plus\s+|m[êe]me\s+)?pas\b(?!\s+(?:pourquoi|comment|en\s+quoi|d'inconv|le\s+rapport))",
        r"\b(?:c'est|ce\s+n'est|ça\s+n'est)\s+pas\s+(?:[çc]a|correct|juste|vrai|ce\s+que|la\s+bonne)\b",
        r"\bc'est\s+(?:faux|incorrect|inexact)\b",
        r"\btoujours\s+(?:pas|la\s+m[êe]me|le\s+m[êe]me|une\s+erreur|rien)\b",
        r"\bje\s+(?:voulais\s+dire|t'ai\s+demand[ée]|vous\s+ai\s+demand[ée]|(?:t'|vous\s+)?ai\s+dit)\b",
        r"\b(?:tu\s+t'es|vous\s+vous\s+[êe]tes)\s+tromp[ée]",
        r"\b(?:tu\s+as|vous\s+avez)\s+(?:oubli[ée]|ignor[ée]|mal\s+compris)",
        r"\bil\s+n'y\s+a\s+pas\s+(?:de|d')\s*(?:option|bouton|menu|onglet|fichier|lien)\b|\bm[êe]me\s+erreur\b",
    ),
    "de": (
        r"\b(?:funktioniert|klappt|geht|l[äa]uft|kompiliert|passt)\s+(?:(?:immer|leider|so|auch)\s+)*(?:noch\s+)?"
        r"(?:immer\s+)?nicht\b(?!\s+um\b)",
        r"\b(?:das\s+)?stimmt\s+(?:so\s+|leider\s+)?nicht\b",
        r"\b(?:das\s+ist|ist)\s+(?:leider\s+)?(?:falsch|nicht\s+(?:richtig|korrekt|das,?\s+was))\b",
        r"\bich\s+(?:meinte|sagte|habe\s+(?:doch\s+)?(?:gesagt|geschrieben|gefragt)|wollte\s+(?:doch|eigentlich))\b",
        r"(?<=\w\s)gibt\s+es\s+(?:nicht|kein\w*)\b|\bich\s+(?:sehe|finde)\s+(?:kein\w*|\w+\s+nicht)\b",
        r"\b(?:immer\s+noch|noch\s+immer)\s+(?:nicht|falsch|der\s+gleiche|dasselbe|derselbe|die\s+gleiche|kein\w*|fehler)\b",
        r"\bdu\s+hast\s+(?:\w+\s+){0,3}(?:vergessen|ignoriert|übersehen|weggelassen)\b|\bgleiche[rn]?\s+fehler\b",
    ),
    "ko": (
        r"(?:그게|이게|그건|이건|그런\s?게|그런\s?뜻이|제\s?말은|내\s?말은)\s?아니",
        r"(?:작동|동작|실행|적용)(?:이|을|하지|되지)?\s?(?:안\s?(?:돼|되|됨)|않(?:아(?!도)|네|습니다|는데|음)|못\s?하(?:네|는데|고\s?있))",
        r"(?<!면)(?<!면\s)안\s?(?:돼|되네|되요|되는데|됩니다|나와|나오|보여|보이)",
        r"(?:틀렸|틀린\s?(?:답|내용)|잘못\s?(?:됐|되었|했|하셨|이해|나왔)|(?:오류|에러)가\s?(?:나(?:요|네|는데|와|옵니다)|났|떠요|떴|"
        r"발생(?:했|합니다|해요|하네|하는데)|있(?:어요|습니다|네요|는데)))",
        r"(?:똑같(?!이)|아까랑\s?같|그대로(?:잖아|인데|네)|(?:여전히|아직도)\s?(?:[가-힣]+\s?){0,2}?(?:안\s?[되돼나보]|않|못\s|오류|에러|같|그대로))",
        r"(?:말고(?!도)|라고\s?했|라니까|말했잖|했잖아)",
        r"(?:옵션|메뉴|버튼|탭|설정|파일|폴더|항목|기능|링크|명령어?|함수|메[서소]드|모듈|속성|[칼컬]럼|테이블|페이지|아이콘|패키지|"
        r"라이브러리|클래스)(?:이|가|은|는)?\s?(?:없|안\s?보|보이지\s?않)",
    ),
    "zh": (
        r"(?:(?<!对)(?<!對)不对|不對|错了|錯了|不正确|不正確|(?<!是否)(?<!有无)有误|(?<!是否)有誤|搞错|搞錯|不准确|不準確)",
        r"(?:(?<!是)不是(?:这样|這樣|这个|這個|我要|我想|我说|我說|我问|我問))",
        r"(?:(?<!行)不行|没用(?![过過到])|沒用(?![过過到])|不能用|无法(?:运行|使用)|無法(?:運行|使用)|运行不了|運行不了|"
        r"没有(?:效果|反应|變化|变化))",
        r"(?:还是|還是|依然|仍然|仍旧|仍舊)(?:不(?:行|对|對|能|会|會|显示|顯示|工作|起作用)|没(?:有|用|变|反应)|沒(?:有|用|變|反應)|"
        r"一样|一樣|报错|報錯|出错|出錯|有(?:问题|問題|错|錯|bug))",
        r"(?:我是说|我是說|我的意思是|我说的是|我說的是|我要的是|我问的是|我問的是)",
        r"(?:找不到|看不到|没有这个|沒有這個|不存在)(?!的话|的話|时|時|，?则|，?則|就)",
    ),
    "ja": (
        r"(?:違います|(?:違う|ちがう)(?=[よねぞ。！!、,？?\s]|$)|ちがいます|間違(?:って|えて|いです|いでした)|誤りです|正しくない|正しくありません)",
        r"(?:ではなく|じゃなくて)",
        r"(?:動きません|動かない|うまくいきません|うまくいかない|機能しません|エラーが(?:出(?:ます|ました|る(?!場合)|て)|発生(?:します|しました|して))|"
        r"表示されません|見つかりません|存在しません)",
        r"(?:まだ|やはり|やっぱり|相変わらず)(?:動|エラー|同じ|表示され)",
        r"(?:と|って)(?:言いました|書きました|頼みました|お願いしました)(?:よね|が|けど)|(?:と|って)(?:言った|書いた|頼んだ|お願いした)(?:のに|でしょ|よね|じゃん)",
    ),
}

BARE_NO: dict[str, tuple[str, ...]] = {
    "fr": (r"^\W*non\s*[,.!;:]",),
    "de": (r"^\W*nein\b",),
    "ko": (r"^\W*아니(?:요|야|에요|오|라|고)?(?:[\s,.!]|$)",),
    "zh": (r"^\W*(?:不是|不)(?:[\s,，.。!！]|$)",),
    "ja": (r"^\W*いいえ",),
}
"""A reply opening with "no" (Spanish, Italian and Portuguese "no"/"não" as in ``lexicon.BARE_NO``): gated like it."""

NOT_A_CORRECTION: dict[str, tuple[str, ...]] = {
    "es": (r"^\W*no,?\s+(?:gracias|hace\s+falta|es\s+necesario)\b",),
    "it": (r"^\W*no,?\s+grazie\b",),
    "pt": (r"^\W*n[ãa]o,?\s+obrigad[oa]\b",),
    "fr": (r"^\W*non,?\s+merci\b",),
    "de": (r"^\W*nein\W+(?:danke|vielen\s+dank)\b",),
    "ko": (r"^\W*아니(?:요|오)?[\s,.!]*(?:감사|고맙|괜찮)",),
    "zh": (r"^\W*(?:不用了|不用[，,]?\s?(?:谢谢|謝謝)|不(?:[，,]\s?)?(?:谢谢|謝謝))",),
    "ja": (r"^\W*いいえ[、,]?\s?(?:大丈夫|結構|ありがとう)",),
}
"""A "no" that declines an offer ("No, thanks"), as ``lexicon.NOT_A_CORRECTION`` in English."""

ARE_YOU_SURE: dict[str, tuple[str, ...]] = {
    "es": (
        r"\b(?:est[aá]s|est[aá])\s+segur[oa]\b",
        r"\bseguro\s+que\b[^?]{0,80}\?",
        r"(?:\bes\s+eso|\beso\s+es)\s+(?:correcto|cierto|verdad)\?",
    ),
    "it": (r"\bsei\s+sicur[oa]\b",),
    "pt": (r"\b(?:tem|voc[êe]\s+tem)\s+certeza\b",),
    "fr": (r"\b(?:tu\s+es|vous\s+[êe]tes|es-tu|[êe]tes-vous)\s+s[ûu]re?\b", r"\bc'est\s+(?:vrai|correct|s[ûu]r)\s*\?"),
    "de": (
        r"\b(?:bist\s+du|sind\s+sie)\s+(?:dir\s+|sich\s+)?sicher\b",
        r"\b(?:stimmt|ist)\s+das\s+(?:wirklich|so)\s*\?",
    ),
    "ko": (
        r"(?:확실해|확실합니까|확실한가요|확실하니|정말(?:요|이야|이에요)?\s?\?)",
        r"(?:그게|이게|그거|이거|그것이|이것이|정말|진짜)\s?맞(?:아|나요|습니까|아요)\?",
    ),
    "zh": (
        r"(?:你确定|你確定|确定吗|確定嗎|真的吗|真的嗎|是真的吗|是真的嗎)",
        r"(?:这样|這樣|这个|這個|那个|那個)(?:是)?(?:对|對)(?:的)?(?:吗|嗎)[?？]",
    ),
    "ja": (
        r"(?:本当ですか|本当に\?|確かですか|本当？)",
        r"(?:(?:それ|これ|本当に)(?:は|で)?正しいですか|(?:それ|これ)(?:で|は)?合って(?:い)?ますか)",
    ),
}

ERROR_WORDS = (
    r"(?:오류|에러|错误|錯誤|报错|報錯|エラー|\bfehler(?:meldung)?\b|\berreur\b|\berrore\b|\berro\b)"
    r"(?!\s?(?:처리|핸들링|处理|處理|処理|ハンドリング|を処理))"
)
"""Error output named in the six languages (English in ``lexicon.ERROR_TEXT``); read only after an answer with code."""

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


_ONE_CUE_PER_LANGUAGE = frozenset(("ko", "zh", "ja"))
"""Languages whose alternatives are joined into one cue: their literals are all East Asian, so one
pre-check of a few substrings rejects the (mostly other-script) text as well as one per alternative,
for one call instead of a dozen."""


def merged(lexicon: dict[str, tuple[str, ...]]) -> AnyCue:
    """Every language's alternatives, case-insensitive, each pre-checked by its own literals (Korean,
    Chinese and Japanese ones by the literals of their language)."""
    cues: list[Cue] = []
    for language, patterns in lexicon.items():
        if language in _ONE_CUE_PER_LANGUAGE:
            cues.append(Cue(re.compile("|".join(f"(?:{a})" for a in patterns), re.IGNORECASE)))
        else:
            cues.extend(Cue(re.compile(a, re.IGNORECASE)) for a in patterns)
    return AnyCue(cues)


CORRECTION_CUES = merged(CORRECTION)
BARE_NO_CUES = merged(BARE_NO)
NOT_A_CORRECTION_CUES = merged(NOT_A_CORRECTION)
ARE_YOU_SURE_CUES = merged(ARE_YOU_SURE)
REFUSAL_CUES = merged(REFUSAL)
APPROVAL_CUES = merged(APPROVAL)
APPROVAL_VETO_CUES = Cue(re.compile(APPROVAL_VETO, re.IGNORECASE))
DISSATISFACTION_CUES = merged(DISSATISFACTION)
ADMITS_ERROR_CUES = merged(ADMITS_ERROR)
ERROR_CUES = Cue(re.compile(ERROR_WORDS, re.IGNORECASE))
