"""Screening of advice text for claims the policy forbids (Art. 59 禁止事项; SPEC §6).

The rules are data (``seeds/screening_rules.json``): each names its clause and the phrases
that make such a claim. The text is compared with spaces, punctuation, symbols and full-width
forms folded away, so "保 证 收 益" or "稳-赚" are still caught; a hit reports the text as it
was written (with its offsets, for highlighting). A phrase directly negated ("不能保证收益",
"并非零风险", "不一定涨") is ordinary risk language, not a claim, and raises no alarm.
A hit never blocks saving: it flags the record for the branch head.

A rule may also give ``patterns``: regular expressions matched against the folded text (so
written without spaces or punctuation, in lower case), for claims whose words vary around a
fixed core — "亏了我给你补", "收益我们平分", "肯定翻倍" — where a bare phrase ("平分",
"翻倍") would also catch ordinary analysis ("两只股票平分仓位", "如果业绩翻倍").

In a pattern, ``~`` stands for one character that is not a negation (不 没 未 别 勿 非 无), so
``~{0,6}`` lets other words stand between the parts of a claim ("保证您的投资收益",
"把账户密码发我") while "密码不要告诉我" stays ordinary: the same act in other words is a
pattern of its own parts, not a list of every sentence.

Staff phrases (Art. 44; SPEC §5): ``seeds/service_phrases.json`` holds the 15 courteous
phrases (``COURTEOUS_PHRASES``, shown where staff write to clients) and the 18 forbidden ones
as rules of the same kind, screened by ``screen_service`` sentence by sentence, so a pattern
anchored with ``^…$`` must be the whole sentence: a bare "不知道。" is the forbidden answer,
"客户不知道如何使用网上交易" a note.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).resolve().parents[2] / "seeds" / "screening_rules.json"
SERVICE_PHRASES_PATH = RULES_PATH.with_name("service_phrases.json")

# Words that may stand between a negation and the phrase: "不能向您保证收益".
_FILLERS = (
    "",
    "能",
    "会",
    "可能",
    "一定",
    "向您",
    "向你",
    "给您",
    "给你",
    "对您",
    "对你",
    "做出",
    "作出",
    "承诺",
    "能够",
)


@dataclass(frozen=True)
class Rule:
    code: str
    clause: str
    name: str
    description: str
    phrases: tuple[str, ...]
    negatable: bool = True
    patterns: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Hit:
    """One forbidden claim found: the rule, and the text as written with its offsets."""

    rule: str
    name: str
    clause: str
    matched: str
    start: int
    end: int

    @classmethod
    def from_stored(cls, stored: dict) -> Hit:
        """A hit as kept in a record's ``screening_hits`` (which adds the field's name)."""
        return cls(
            stored["rule"],
            stored["name"],
            stored["clause"],
            stored["matched"],
            stored["start"],
            stored["end"],
        )


@dataclass(frozen=True)
class RuleSet:
    version: int
    rules: tuple[Rule, ...]
    negations: tuple[str, ...]


def _keep(char: str) -> bool:
    """Letters and digits count; spaces, punctuation, symbols and format characters do not."""
    return unicodedata.category(char)[0] in "LN"


def fold(text: str) -> tuple[str, list[int]]:
    """The text reduced to what is compared, and for each kept character its offset in ``text``."""
    folded, offsets = [], []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char).lower():
            if _keep(part):
                folded.append(part)
                offsets.append(index)
    return "".join(folded), offsets


def load_rules(source: Path | Mapping[str, Any] = RULES_PATH) -> RuleSet:
    raw = json.loads(Path(source).read_text("utf-8")) if isinstance(source, Path) else source
    rules = []
    codes = set()
    for item in raw.get("rules", ()):
        code = item.get("code")
        phrases = tuple(fold(p)[0] for p in item.get("phrases", ()))
        patterns = _compile(code, item.get("patterns", ()))
        if not code or code in codes or not (phrases or patterns) or not all(phrases):
            raise ValueError(f"筛查规则无效：{code or '（无代码）'}")
        codes.add(code)
        rules.append(
            Rule(
                code,
                item.get("clause", ""),
                item.get("name", code),
                item.get("description", ""),
                phrases,
                item.get("negatable", True),
                patterns,
            )
        )
    negations = tuple(sorted({fold(n)[0] for n in raw.get("negations", ())}, key=len, reverse=True))
    return RuleSet(int(raw.get("version", 1)), tuple(rules), negations)


GAP = "(?:(?![不没未别勿非无]).)"
"""What ``~`` stands for in a pattern: any one character but a negation."""


def _compile(code: str | None, patterns) -> tuple[re.Pattern[str], ...]:
    """The rule's patterns compiled; one that is not a valid expression, or that matches the
    empty text, is refused (it would flag everything)."""
    compiled = []
    for pattern in patterns:
        try:
            regex = re.compile(pattern.replace("~", GAP))
        except (re.error, TypeError) as error:
            raise ValueError(f"筛查规则无效：{code or '（无代码）'}（{error}）") from error
        if regex.fullmatch(""):
            raise ValueError(f"筛查规则无效：{code or '（无代码）'}（表达式可匹配空文本）")
        compiled.append(regex)
    return tuple(compiled)


def _candidates(folded: str, rule: Rule) -> list[tuple[int, int]]:
    """Where the rule's phrases and patterns occur in the folded text, longest first."""
    spans = []
    for phrase in rule.phrases:
        start = folded.find(phrase)
        while start != -1:
            spans.append((start, start + len(phrase)))
            start = folded.find(phrase, start + 1)
    for regex in rule.patterns:
        spans.extend(m.span() for m in regex.finditer(folded) if m.end() > m.start())
    return sorted(set(spans), key=lambda span: (span[0] - span[1], span[0]))


@functools.cache
def default_rules() -> RuleSet:
    return load_rules(RULES_PATH)


def _negated(folded: str, start: int, negations: tuple[str, ...]) -> bool:
    before = folded[:start]
    return any(before.endswith(n + f) for n in negations for f in _FILLERS)


def screen(text: str, rules: RuleSet | None = None) -> list[Hit]:
    """Every forbidden claim in ``text`` (empty when there is none), in text order."""
    rules = rules or default_rules()
    folded, offsets = fold(text or "")
    hits: list[Hit] = []
    taken: set[int] = set()
    for rule in rules.rules:
        for start, end in _candidates(folded, rule):
            span = set(range(start, end))
            if not span & taken and not (
                rule.negatable and _negated(folded, start, rules.negations)
            ):
                taken |= span
                first, last = offsets[start], offsets[end - 1] + 1
                hits.append(Hit(rule.code, rule.name, rule.clause, text[first:last], first, last))
    return sorted(hits, key=lambda hit: hit.start)


def highlight_spans(text: str, hits: list[Hit]) -> list[tuple[str, Hit | None]]:
    """``text`` cut into pieces, each with the hit it belongs to (None for ordinary text)."""
    pieces, position = [], 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start > position:
            pieces.append((text[position : hit.start], None))
        pieces.append((text[hit.start : hit.end], hit))
        position = hit.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


# --- Art. 44: the staff's courteous and forbidden phrases --------------------------------------

_SENTENCE = re.compile(r"[^。！？!?；;…\n\r]+")
"""A sentence: what stands between two sentence ends (commas stay inside it)."""


def _service_phrases() -> dict[str, Any]:
    return json.loads(SERVICE_PHRASES_PATH.read_text("utf-8"))


COURTEOUS_PHRASES: tuple[str, ...] = tuple(_service_phrases()["courteous"])
"""Art. 44 (1): the 15 常用语言 staff use with clients, as the policy writes them."""


@functools.cache
def service_rules() -> RuleSet:
    """Art. 44 (2): the 18 服务忌语, one rule each, named by the phrase as the policy writes it."""
    return load_rules(_service_phrases())


def screen_service(text: str, rules: RuleSet | None = None) -> list[Hit]:
    """Every forbidden staff phrase (Art. 44) in ``text``, in text order, with offsets in ``text``.

    Each sentence is screened on its own (``screen`` with the Art. 44 rules), so a rule may ask
    for the whole sentence to be the rude answer rather than ordinary wording sharing its words.
    """
    rules = rules or service_rules()
    hits: list[Hit] = []
    for sentence in _SENTENCE.finditer(text or ""):
        shift = sentence.start()
        for hit in screen(sentence.group(), rules):
            hits.append(replace(hit, start=hit.start + shift, end=hit.end + shift))
    return hits
