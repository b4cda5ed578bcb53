"""Risk-tolerance questionnaire (附件1, Art. 8; SPEC §4): definition, scoring, level.

The questionnaire is data (``seeds/questionnaire_v1.json``), loaded and checked by
:func:`load_definition`. Answers map a question number to an option letter; a
multiple-choice question (Q9, 可以选择多项) takes a collection of letters.

**Decision (Q9):** a multiple-choice question scores the *highest* option chosen,
so the total stays within the document's 60-point scale (v1: 14–60).

Bands (附件1 评分标准, Art. 8.5): 18分以下 (18 included) 极低, 19–35 低,
36–45 中, 46–60 高.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.domain.supplementary import RISK_LEVELS

V1_PATH = Path(__file__).resolve().parents[2] / "seeds" / "questionnaire_v1.json"
"""The seed file of questionnaire version 1."""

_BLANK = re.compile(r"（\s*）")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class Option:
    """One answer option: its letter, the policy's text and its score."""

    letter: str
    text: str
    score: int


@dataclass(frozen=True)
class Question:
    """One question; ``multiple`` questions allow several options (可以选择多项)."""

    number: int
    text: str
    multiple: bool
    options: tuple[Option, ...]

    @property
    def display_text(self) -> str:
        """The text without the paper form's answer blank ``（ ）``."""
        return _BLANK.sub("", self.text)

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(option.letter for option in self.options)

    def option(self, letter: str) -> Option:
        """The option with ``letter`` (upper case); ``KeyError`` if there is none."""
        for option in self.options:
            if option.letter == letter:
                return option
        raise KeyError(letter)

    @property
    def min_score(self) -> int:
        return min(option.score for option in self.options)

    @property
    def max_score(self) -> int:
        return max(option.score for option in self.options)


@dataclass(frozen=True)
class Level:
    """A risk-tolerance level: its score band (both ends included) and Art. 8.5 text."""

    level: str
    min: int
    max: int
    may_offer: str
    description: str


@dataclass(frozen=True)
class ProductRule:
    """A product category as the definition lists it (see ``suitability.PRODUCTS``)."""

    code: str
    label: str
    min_level: str
    disclosure: str | None


@dataclass(frozen=True)
class Definition:
    """One version of the questionnaire with its scoring bands and Art. 8.5 tables."""

    version: int
    title: str
    notice: str
    questions: tuple[Question, ...]
    levels: tuple[Level, ...]
    reminder: str
    scoring_standard: str
    fund_risk_grades: Mapping[str, tuple[str, ...]]
    products: tuple[ProductRule, ...]
    conclusion: str = ""

    def question(self, number: int) -> Question:
        """The question numbered ``number``; ``KeyError`` if there is none."""
        for question in self.questions:
            if question.number == number:
                return question
        raise KeyError(number)

    def level_info(self, level: str) -> Level:
        """The :class:`Level` named ``level``; ``KeyError`` if there is none."""
        for info in self.levels:
            if info.level == level:
                return info
        raise KeyError(level)

    @property
    def min_total(self) -> int:
        """Lowest possible total (a multiple-choice question counts its lowest option)."""
        return sum(question.min_score for question in self.questions)

    @property
    def max_total(self) -> int:
        return sum(question.max_score for question in self.questions)


@dataclass(frozen=True)
class Result:
    """An evaluated questionnaire: total score, level, what may be offered (Art. 8.5)."""

    total: int
    level: str
    may_offer: str
    answers: dict[int, str | tuple[str, ...]] = field(default_factory=dict)
    version: int | None = None


class AnswerError(ValueError):
    """A bad answer; ``question`` is the question number it concerns (if any)."""

    def __init__(self, message: str, question: int | None = None) -> None:
        super().__init__(message)
        self.question = question


# --------------------------------------------------------------------------- loading


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(f"问卷定义无效：{message}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    _require(isinstance(value, str), f"{where}的 {key} 必须是字符串")
    if required:
        _require(bool(value.strip()), f"{where}缺少 {key}")
    return value


def _load_question(raw: Any, index: int) -> Question:
    _require(isinstance(raw, Mapping), f"第{index + 1}个题目必须是对象")
    number = raw.get("number")
    _require(_is_int(number), f"第{index + 1}个题目的 number 必须是整数")
    where = f"第{number}题"
    text = _text(raw, "text", where)
    multiple = raw.get("multiple", False)
    _require(isinstance(multiple, bool), f"{where}的 multiple 必须是 true 或 false")
    raw_options = raw.get("options")
    _require(isinstance(raw_options, list) and len(raw_options) >= 2, f"{where}至少需要两个选项")
    options = []
    for position, raw_option in enumerate(raw_options):
        _require(isinstance(raw_option, Mapping), f"{where}的选项必须是对象")
        letter = raw_option.get("letter")
        expected = chr(ord("A") + position)
        _require(
            letter == expected,
            f"{where}的第{position + 1}个选项字母应为 {expected}，实为 {letter!r}",
        )
        score = raw_option.get("score")
        _require(_is_int(score) and score >= 0, f"{where}选项{letter}的分值必须是非负整数")
        options.append(Option(letter, _text(raw_option, "text", f"{where}选项{letter}"), score))
    return Question(number, text, multiple, tuple(options))


def _load_levels(raw: Any, min_total: int, max_total: int) -> tuple[Level, ...]:
    _require(isinstance(raw, list) and raw, "缺少 levels")
    levels = []
    for raw_level in raw:
        _require(isinstance(raw_level, Mapping), "levels 的每一项必须是对象")
        name = raw_level.get("level")
        _require(name in RISK_LEVELS, f"未知的风险承受能力等级 {name!r}")
        low, high = raw_level.get("min"), raw_level.get("max")
        _require(_is_int(low) and _is_int(high), f"等级「{name}」的 min/max 必须是整数")
        _require(low <= high, f"等级「{name}」的 min 大于 max")
        where = f"等级「{name}」"
        levels.append(
            Level(
                name,
                low,
                high,
                _text(raw_level, "may_offer", where),
                _text(raw_level, "description", where, required=False),
            )
        )
    names = [level.level for level in levels]
    _require(len(set(names)) == len(names), "风险承受能力等级重复")
    _require(
        names == sorted(names, key=RISK_LEVELS.index), "等级必须按 极低、低、中、高 的顺序排列"
    )
    for before, after in itertools.pairwise(levels):
        _require(
            after.min == before.max + 1,
            f"等级分数段不连续：「{before.level}」止于{before.max}分，"
            f"「{after.level}」始于{after.min}分",
        )
    _require(
        levels[0].min <= min_total,
        f"等级分数段未覆盖最低可能总分{min_total}分（始于{levels[0].min}分）",
    )
    _require(
        levels[-1].max >= max_total,
        f"等级分数段未覆盖最高可能总分{max_total}分（止于{levels[-1].max}分）",
    )
    return tuple(levels)


def _load_products(raw: Any, level_names: Iterable[str]) -> tuple[ProductRule, ...]:
    if raw is None:
        return ()
    _require(isinstance(raw, list), "products 必须是列表")
    names = set(level_names)
    products = []
    for raw_product in raw:
        _require(isinstance(raw_product, Mapping), "products 的每一项必须是对象")
        code = _text(raw_product, "code", "产品")
        min_level = raw_product.get("min_level")
        _require(min_level in names, f"产品 {code} 的 min_level {min_level!r} 不是已定义的等级")
        disclosure = raw_product.get("disclosure")
        _require(
            disclosure is None or (isinstance(disclosure, str) and disclosure),
            f"产品 {code} 的 disclosure 必须是字符串或 null",
        )
        products.append(
            ProductRule(code, _text(raw_product, "label", f"产品 {code}"), min_level, disclosure)
        )
    codes = [product.code for product in products]
    _require(len(set(codes)) == len(codes), "产品代码重复")
    return tuple(products)


def _load_fund_grades(raw: Any) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    _require(isinstance(raw, Mapping), "fund_risk_grades 必须是对象")
    grades = {}
    for grade, kinds in raw.items():
        _require(
            isinstance(kinds, list) and all(isinstance(kind, str) and kind for kind in kinds),
            f"基金风险等级「{grade}」必须是基金类型名称的列表",
        )
        grades[str(grade)] = tuple(kinds)
    return grades


def load_definition(source: str | Path | Mapping[str, Any]) -> Definition:
    """Load a questionnaire definition from a JSON file path or an already parsed dict.

    Raises ``ValueError`` naming the fault: question numbers must be 1..n without
    gaps or repeats, option letters A, B, C… in order, scores non-negative integers,
    and the level bands contiguous and covering every possible total.
    """
    if isinstance(source, Mapping):
        data = source
    else:
        with open(source, encoding="utf-8") as handle:
            data = json.load(handle)
        _require(isinstance(data, Mapping), "文件内容必须是 JSON 对象")

    version = data.get("version")
    _require(_is_int(version) and version >= 1, "version 必须是正整数")
    raw_questions = data.get("questions")
    _require(isinstance(raw_questions, list) and raw_questions, "缺少 questions")
    questions = [_load_question(raw, index) for index, raw in enumerate(raw_questions)]
    numbers = [question.number for question in questions]
    duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
    _require(not duplicates, "题号重复：" + "、".join(f"第{n}题" for n in duplicates))
    _require(
        numbers == list(range(1, len(numbers) + 1)),
        f"题号必须依次为 1 至 {len(numbers)}，实为 {numbers}",
    )
    questions_t = tuple(questions)
    min_total = sum(question.min_score for question in questions_t)
    max_total = sum(question.max_score for question in questions_t)
    levels = _load_levels(data.get("levels"), min_total, max_total)
    return Definition(
        version=version,
        title=_text(data, "title", "问卷"),
        notice=_text(data, "notice", "问卷", required=False),
        questions=questions_t,
        levels=levels,
        reminder=_text(data, "reminder", "问卷", required=False),
        scoring_standard=_text(data, "scoring_standard", "问卷", required=False),
        fund_risk_grades=_load_fund_grades(data.get("fund_risk_grades")),
        products=_load_products(data.get("products"), (level.level for level in levels)),
        conclusion=_text(data, "conclusion", "问卷", required=False),
    )


@functools.cache
def default_definition() -> Definition:
    """Questionnaire version 1, loaded from the seed file on first use."""
    return load_definition(V1_PATH)


def __getattr__(name: str) -> Any:
    # ``DEFINITION_V1`` is loaded lazily, on first access, not at import.
    if name == "DEFINITION_V1":
        return default_definition()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- answers


def _question_number(key: Any) -> int | None:
    if _is_int(key):
        return key
    if isinstance(key, str):
        key = unicodedata.normalize("NFKC", key).strip()
        if key.isascii() and key.isdigit():
            return int(key)
    return None


def _letters(value: Any, question: Question) -> list[str] | AnswerError:
    """The chosen letters (upper case, in the question's order) or the error."""
    n = question.number
    if value is None:
        raw: list[Any] = []
    elif isinstance(value, str):
        # "A", or several letters in one string ("ACE", "A,C") — split into letters.
        letters = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
        if not letters:
            raw = []
        elif letters.isascii() and letters.isalpha():
            raw = list(letters)
        else:
            raw = [value]
    elif isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        raw = list(value)
    else:
        return AnswerError(f"第{n}题：无效的答案「{value}」", n)
    if not raw:
        message = f"第{n}题：至少选择一项" if question.multiple else f"第{n}题：未作答"
        return AnswerError(message, n)
    chosen = set()
    for item in raw:
        letter = (
            unicodedata.normalize("NFKC", item).strip().upper() if isinstance(item, str) else ""
        )
        if len(letter) != 1 or not ("A" <= letter <= "Z"):
            return AnswerError(f"第{n}题：无效的选项「{item}」", n)
        if letter not in question.letters:
            return AnswerError(f"第{n}题没有选项{letter}", n)
        chosen.add(letter)
    if len(chosen) > 1 and not question.multiple:
        return AnswerError(f"第{n}题为单选题，只能选择一项", n)
    return [letter for letter in question.letters if letter in chosen]


def _check(
    answers: Mapping[Any, Any], definition: Definition
) -> tuple[list[AnswerError], dict[int, list[str]]]:
    """All faults in ``answers`` and the letters chosen for each well-answered question."""
    if not isinstance(answers, Mapping):
        raise TypeError("answers must be a mapping of question number to letter(s)")
    numbers = {question.number for question in definition.questions}
    errors: list[AnswerError] = []
    given: dict[int, Any] = {}
    for key, value in answers.items():
        number = _question_number(key)
        if number is None:
            errors.append(AnswerError(f"题号无效：{key!r}"))
        elif number not in numbers:
            errors.append(AnswerError(f"没有第{number}题"))
        elif number in given:
            errors.append(AnswerError(f"第{number}题重复作答", number))
        else:
            given[number] = value
    chosen: dict[int, list[str]] = {}
    for question in definition.questions:
        if question.number not in given:
            errors.append(AnswerError(f"第{question.number}题：未作答", question.number))
            continue
        result = _letters(given[question.number], question)
        if isinstance(result, AnswerError):
            errors.append(result)
        else:
            chosen[question.number] = result
    return errors, chosen


def _parse(answers: Mapping[Any, Any], definition: Definition) -> dict[int, list[str]]:
    errors, chosen = _check(answers, definition)
    if errors:
        raise errors[0]
    return chosen


def answer_errors(
    answers: Mapping[Any, Any], definition: Definition | None = None
) -> list[AnswerError]:
    """Every fault in ``answers``: unknown question numbers first, then by question.

    Each error's ``question`` says which question it concerns, to show the message
    beside it; :func:`score_answers` raises the first of them.
    """
    return _check(answers, definition or default_definition())[0]


def score_answers(answers: Mapping[Any, Any], definition: Definition | None = None) -> int:
    """Total score of ``answers`` (question number → letter, or letters for Q9).

    Keys may be ints or digit strings; letters are case-insensitive. A multiple-choice
    question scores its highest chosen option. Raises :class:`AnswerError` (a
    ``ValueError``) naming the question for any missing, unknown or malformed answer.
    """
    definition = definition or default_definition()
    total = 0
    for number, letters in _parse(answers, definition).items():
        question = definition.question(number)
        total += max(question.option(letter).score for letter in letters)
    return total


def normalise_answers(
    answers: Mapping[Any, Any], definition: Definition | None = None
) -> dict[int, str | tuple[str, ...]]:
    """Validated answers for storing: int keys in order, upper-case letters, a
    multiple-choice question as a sorted tuple. Raises like :func:`score_answers`."""
    definition = definition or default_definition()
    parsed = _parse(answers, definition)
    result: dict[int, str | tuple[str, ...]] = {}
    for question in definition.questions:
        letters = parsed[question.number]
        result[question.number] = tuple(sorted(letters)) if question.multiple else letters[0]
    return result


def min_total(definition: Definition | None = None) -> int:
    """Lowest possible total (14 for v1)."""
    return (definition or default_definition()).min_total


def max_total(definition: Definition | None = None) -> int:
    """Highest possible total (60 for v1)."""
    return (definition or default_definition()).max_total


def level_for(total: int, definition: Definition | None = None) -> Level:
    """The :class:`Level` whose band holds ``total``; ``ValueError`` if impossible."""
    definition = definition or default_definition()
    if not _is_int(total):
        raise ValueError(f"总分必须是整数：{total!r}")
    low, high = definition.min_total, definition.max_total
    if not low <= total <= high:
        raise ValueError(f"总分{total}分超出可能范围（{low}–{high}分）")
    for level in definition.levels:
        if level.min <= total <= level.max:
            return level
    raise ValueError(f"总分{total}分不在任何等级分数段内")  # pragma: no cover - loader checks


def risk_level(total: int, definition: Definition | None = None) -> str:
    """ "极低" / "低" / "中" / "高" for ``total`` (≤18, 19–35, 36–45, 46–60 in v1)."""
    return level_for(total, definition).level


def evaluate(answers: Mapping[Any, Any], definition: Definition | None = None) -> Result:
    """Score ``answers`` and give the level and what may be offered (Art. 8.5)."""
    definition = definition or default_definition()
    normalised = normalise_answers(answers, definition)
    total = score_answers(normalised, definition)
    level = level_for(total, definition)
    return Result(total, level.level, level.may_offer, normalised, definition.version)
