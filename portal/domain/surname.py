"""Surname initials for grouping clients (附件4, 附件7; SPEC §7).

A Chinese name is grouped by its *surname's* reading: compound surnames (欧阳, 万俟, …)
count as one surname and polyphonic characters are read as surnames (单 shàn, 曾 zēng,
解 xiè, …). Other Hanzi fall back to pypinyin. A name in Latin letters (full-width
and accented ones included) is grouped by its first letter; anything else by ``#``.

Within a letter, names are ordered by :func:`sort_key`: the pinyin of the whole name with the
surname read as a surname, syllable by syllable (单田芳 shan4tian2fang1 comes after 邵, not
with 丹).
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin, pinyin

OTHER = "#"

COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ou yang",
    "太史": "tai shi",
    "端木": "duan mu",
    "上官": "shang guan",
    "司马": "si ma",
    "东方": "dong fang",
    "独孤": "du gu",
    "南宫": "nan gong",
    "万俟": "mo qi",
    "闻人": "wen ren",
    "夏侯": "xia hou",
    "诸葛": "zhu ge",
    "尉迟": "yu chi",
    "公羊": "gong yang",
    "赫连": "he lian",
    "澹台": "tan tai",
    "皇甫": "huang fu",
    "宗政": "zong zheng",
    "濮阳": "pu yang",
    "公冶": "gong ye",
    "太叔": "tai shu",
    "申屠": "shen tu",
    "公孙": "gong sun",
    "慕容": "mu rong",
    "仲孙": "zhong sun",
    "钟离": "zhong li",
    "长孙": "zhang sun",
    "宇文": "yu wen",
    "司徒": "si tu",
    "鲜于": "xian yu",
    "司空": "si kong",
    "闾丘": "lv qiu",
    "子车": "zi ju",
    "亓官": "qi guan",
    "司寇": "si kou",
    "巫马": "wu ma",
    "公西": "gong xi",
    "颛孙": "zhuan sun",
    "壤驷": "rang si",
    "公良": "gong liang",
    "漆雕": "qi diao",
    "乐正": "yue zheng",
    "宰父": "zai fu",
    "谷梁": "gu liang",
    "拓跋": "tuo ba",
    "夹谷": "jia gu",
    "轩辕": "xuan yuan",
    "令狐": "ling hu",
    "段干": "duan gan",
    "百里": "bai li",
    "呼延": "hu yan",
    "东郭": "dong guo",
    "南门": "nan men",
    "羊舌": "yang she",
    "微生": "wei sheng",
    "梁丘": "liang qiu",
    "左丘": "zuo qiu",
    "东门": "dong men",
    "西门": "xi men",
    "第五": "di wu",
    "归海": "gui hai",
    "淳于": "chun yu",
    "单于": "chan yu",
    "褚师": "chu shi",
    "仲长": "zhong chang",
    "完颜": "wan yan",
    "纳兰": "na lan",
    "爱新觉罗": "ai xin jue luo",
    "叶赫那拉": "ye he na la",
}
"""Compound surnames (simplified) → reading, one syllable per character."""

SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "查": "zha",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "繁": "po",
    "覃": "qin",
    "尉": "wei",
    "乐": "yue",
    "盖": "ge",
    "缪": "miao",
    "华": "hua",
    "任": "ren",
    "黑": "he",
    "员": "yun",
    "重": "chong",
    "祭": "zhai",
    "翟": "zhai",
    "召": "shao",
    "沈": "shen",
    "折": "she",
    "种": "chong",
    "秘": "bi",
    "过": "guo",
    "句": "gou",
    "薄": "bo",
    "蕃": "pi",
    "能": "nai",
    "阚": "kan",
    "柏": "bai",
    "褚": "chu",
    "宓": "fu",
    "隗": "wei",
    "佴": "nai",
    "长": "chang",
    "都": "du",
    "幺": "yao",
    "么": "yao",
    "和": "he",
    "葛": "ge",
    "贾": "jia",
    "卜": "bu",
    "车": "che",
    "藏": "zang",
    "臧": "zang",
    "瞿": "qu",
    "洗": "xian",
    "冼": "xian",
    "莘": "shen",
    "郇": "huan",
    "朝": "chao",
    "沓": "ta",
    "纪": "ji",
    "万": "wan",
    "牟": "mou",
    "宁": "ning",
    "燕": "yan",
    "蔚": "yu",
    "应": "ying",
    "曲": "qu",
    "盛": "sheng",
    "叶": "ye",
    "角": "jue",
    "粘": "nian",
    "谷": "gu",
    "令": "ling",
    "涂": "tu",
    "匡": "kuang",
    "贲": "ben",
    "宿": "su",
    "乜": "nie",
    "鲜": "xian",
    "占": "zhan",
    "便": "pian",
    "殷": "yin",
    "尹": "yin",
    "石": "shi",
    "冯": "feng",
    "汤": "tang",
    "乾": "qian",
    "冉": "ran",
    "伯": "bo",
    "相": "xiang",
    "强": "qiang",
    "郗": "xi",
    "颉": "xie",
    "於": "yu",
    "陆": "lu",
}
"""Polyphonic single surnames (simplified) → their reading as a surname."""

# Traditional forms of the characters in the tables above, for lookups only.
_TO_SIMPLIFIED = str.maketrans(
    "單區樂蓋繆華員長種過闞賈車歐陽馬諸東遲萬孫軒轅鍾鐘離聞連臺獨宮門鮮閭顏納蘭葉覺羅"
    "顓駟夾穀紀寧應塗賁湯馮強頡陸",
    "单区乐盖缪华员长种过阚贾车欧阳马诸东迟万孙轩辕钟钟离闻连台独宫门鲜闾颜纳兰叶觉罗"
    "颛驷夹谷纪宁应涂贲汤冯强颉陆",
)
_MAX_COMPOUND = max(map(len, COMPOUND_SURNAMES))
_HANZI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HANZI_RE = re.compile(f"[{_HANZI}]")
_TOKEN_RE = re.compile(f"([{_HANZI}]+)|([^\\W\\d_{_HANZI}]+)")
_SEPARATORS = " \t\r\n·・•"
_LATIN_WORD = "0"
"""The tone-digit of a word in Latin letters in :func:`sort_key` (below every tone, 1-5)."""


def _normalize(name: str) -> str:
    """NFKC (full-width letters become ASCII) and strip."""
    return unicodedata.normalize("NFKC", name or "").strip()


def _letter(text: str) -> str | None:
    """Uppercase ASCII letter for the first character of ``text`` if it is a Latin letter."""
    if not text:
        return None
    base = unicodedata.normalize("NFKD", text[0])[0]
    return base.upper() if base.isascii() and base.isalpha() else None


def split_surname(name: str) -> tuple[str, str]:
    """Split a name, after NFKC normalisation, into (surname, given name).

    Chinese names: a known compound surname, else the first character. Other names:
    the first word is taken as the surname (the grouping letter follows it).
    """
    text = _normalize(name)
    if not text:
        return "", ""
    if _HANZI_RE.match(text):
        key = text.translate(_TO_SIMPLIFIED)
        for length in range(_MAX_COMPOUND, 1, -1):
            if key[:length] in COMPOUND_SURNAMES:
                return text[:length], text[length:].strip(_SEPARATORS)
        return text[0], text[1:].strip(_SEPARATORS)
    surname, *given = text.split(maxsplit=1)
    return surname, given[0] if given else ""


def _surname_syllables(surname: str) -> list[str]:
    """Reading of a Chinese surname, one syllable per character."""
    key = surname.translate(_TO_SIMPLIFIED)
    reading = COMPOUND_SURNAMES.get(key) or SURNAME_READINGS.get(key)
    return reading.split() if reading else lazy_pinyin(surname)


def _text_initials(text: str) -> str:
    """Initials of Hanzi (by pypinyin) and of Latin words in ``text``; other scripts skipped."""
    letters: list[str | None] = []
    for hanzi, word in _TOKEN_RE.findall(text):
        letters.extend(map(_letter, lazy_pinyin(hanzi)) if hanzi else [_letter(word)])
    return "".join(letter for letter in letters if letter)


def initial(name: str) -> str:
    """Grouping letter ``A``–``Z`` of a client's surname, or ``#``."""
    surname, _ = split_surname(name)
    if _HANZI_RE.match(surname):
        surname = _surname_syllables(surname)[0]
    return _letter(surname) or OTHER


def name_initials(name: str) -> str:
    """Initials of the whole name: 张三丰 → ZSF, 单田芳 → STF, 欧阳修 → OYX, John Smith → JS."""
    surname, given = split_surname(name)
    if _HANZI_RE.match(surname):
        head = "".join(_letter(syllable) or "" for syllable in _surname_syllables(surname))
    else:
        head = _text_initials(surname)
    return head + _text_initials(given)


def _tone(syllable: str, char: str) -> str:
    """``syllable`` (a surname's reading of ``char``) with its tone digit, as pypinyin knows it
    among the readings of ``char`` (a neutral ``5`` only when nothing else fits)."""
    readings = pinyin(char, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0]
    fitting = [r for r in readings if r.rstrip("12345") == syllable]
    return min(fitting, key=lambda r: r.endswith("5"), default=syllable + "5")


def _sort_tokens(text: str) -> list[str]:
    """Pinyin syllables of Hanzi, each ending in its tone (1-5), and Latin words, lower case
    without accents, each ending in ``0``; digits and other scripts are left out."""
    tokens: list[str] = []
    for hanzi, word in _TOKEN_RE.findall(text):
        if hanzi:
            tokens += lazy_pinyin(hanzi, style=Style.TONE3, neutral_tone_with_five=True)
        else:
            decomposed = unicodedata.normalize("NFKD", word.lower())
            letters = "".join(c for c in decomposed if c.isascii() and c.isalpha())
            tokens += [letters + _LATIN_WORD] if letters else []
    return tokens


def sort_key(name: str) -> str:
    """The order of a client's name within its surname letter: 邓 deng4 < 丁 ding1 < 董 dong3 <
    杜 du4 < 段 duan4.

    The pinyin of the whole name, the surname read as a surname (单田芳 → ``shan4tian2fang1``,
    欧阳修 → ``ou1yang2xiu1``), each syllable closed by its tone digit and each Latin word by
    ``0``; so, compared by code point, names go syllable by syllable (李明 before 李明华,
    黎 li2 before 李 li3) and a Latin name goes among the Hanzi of its letter (蒋 jiang3 <
    John ``john0``). A space and the name itself follow, so that names read alike stay together
    and order by their characters.
    """
    text = _normalize(name)
    surname, given = split_surname(text)
    if _HANZI_RE.match(surname):
        simplified = surname.translate(_TO_SIMPLIFIED)
        head = [_tone(s, c) for s, c in zip(_surname_syllables(surname), simplified, strict=True)]
    else:
        head = _sort_tokens(surname)
    return "".join(head + _sort_tokens(given)) + " " + text
