"""附件4 客户分类汇总表 of a large book (a whole branch: 25,000 rows, 700 pages) written
straight as PDF with fpdf2, in a few seconds: laying the table out with WeasyPrint takes 14 s
per 1,000 rows.

The page is the printed form's (``print/annex04.html``): A4 landscape, the form's title and
its thirteen columns with their header repeated on every page, a group row per surname
letter, 填表人 and 时间 at the end with the form's notes; page numbers and the book in the
footer. Text is set in the cut-down Noto CJK of the other printouts (:mod:`portal.pdf.fonts`);
a character the cut font lacks (a rare character of a name: 𠮷, 龘 …) is set in the full
Noto CJK, so no glyph is ever missing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from fpdf import FPDF

from portal.domain import archive as rules
from portal.domain.beijing import to_local
from portal.pdf import fonts
from portal.services.archive import Annex4, SummaryRow

COLUMNS: tuple[tuple[str, float], ...] = (
    ("客户姓氏首个字母", 12),
    ("客户姓名", 21),
    ("资金账号", 25),
    ("客户资产（万元）", 20),
    ("当年净佣金收入（万元）", 20),
    ("操作习惯分类", 12),
    ("客户价值分类", 12),
    ("投资决策风格分类", 13),
    ("投资产品偏好分类", 15),
    ("风险承受能力分类", 14),
    ("累计拜访次数", 12),
    ("电话号码", 24),
    ("备注", 77),
)
"""The form's columns (as ``print/annex04.html`` has them) and their widths in mm."""

MARGIN = 10
ROW = 5.0  # mm
HEADER_LINE = 3.4  # mm per line of the header's text
FONT_SIZE = 7.5  # pt
CENTRED = {0, 5, 6, 7, 8, 9}
RIGHT = {3, 4, 10}
PROGRESS_EVERY = 1000


class _Form(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.alias_nb_pages()
        self.set_creator("客户服务管理门户")

    def footer(self):
        self.set_y(-8)
        self.set_font("body", size=7)
        self.cell(0, 4, f"{self.footer_text}    第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")


@cache
def _cut_characters() -> frozenset[str]:
    return frozenset(map(chr, fonts.characters()))


def _font_files() -> tuple[Path | None, Path, Path | None]:
    """(cut regular, full regular, cut bold) of Noto Sans CJK SC; the cut ones None when they
    could not be made."""
    from portal.pdf import font_dir

    directory = font_dir()
    cut = fonts.ensure(directory)
    regular = fonts._file(directory, "Noto Sans CJK SC", 400)
    bold = fonts._file(directory, "Noto Sans CJK SC", 700)
    full = fonts.NOTO / "NotoSansCJK-Regular.ttc"
    return (regular if cut else None, full, bold if cut else None)


def write(summary: Annex4, target: Path, progress: Callable[[int], None] | None = None) -> None:
    """Write ``summary`` as 附件4 to ``target``; ``progress(rows done)`` every 1,000 rows."""
    book = summary.selection
    made = to_local(summary.filled_at)
    who = book.manager.display_name if book.manager else "全部"
    pdf = _Form(f"{book.branch.name} · 客户经理：{who} · 填表人：{summary.filled_by}")
    cut, full, bold = _font_files()
    for name, path in (("full", None), ("body", cut), ("bold", bold)):
        if path is None:  # the full collection's Simplified Chinese face
            pdf.add_font(name, "", str(full), collection_font_number=fonts.SC)
        else:
            pdf.add_font(name, "", str(path))
    writer = _Writer(pdf, use_fallback=cut is not None)
    writer.first_page(summary, who)
    done = 0
    for letter, rows in summary.groups:
        writer.group(letter, len(rows))
        for row in rows:
            writer.row(row)
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
    if not summary.total:
        writer.line_of_text("所选范围内没有客户。")
    writer.end(summary.filled_by, made)
    pdf.output(str(target))
    if progress is not None:
        progress(done)


class _Writer:
    def __init__(self, pdf: _Form, use_fallback: bool):
        self.pdf = pdf
        self.use_fallback = use_fallback
        self.xs = [MARGIN]
        for _, width in COLUMNS:
            self.xs.append(self.xs[-1] + width)
        self.right = self.xs[-1]
        self.bottom = pdf.h - 12
        self.y = self.table_top = self.segment_top = MARGIN
        self.widths: dict[tuple[str, float, str], float] = {}

    # ----------------------------------------------------------------- pages

    def first_page(self, summary: Annex4, who: str) -> None:
        pdf = self.pdf
        pdf.add_page()
        pdf.set_font("body", size=9)
        pdf.text(MARGIN, MARGIN + 3, "附件4")
        pdf.set_font("bold", size=15)
        title = "客户分类汇总表"
        pdf.text((pdf.w - pdf.get_string_width(title)) / 2, MARGIN + 9, title)
        pdf.set_font("body", size=9)
        meta = (
            f"营业部：{summary.selection.branch.name}    客户经理：{who}    共 {summary.total} 户"
        )
        pdf.text(MARGIN, MARGIN + 15, meta)
        self.y = MARGIN + 18
        self.header()

    def header(self) -> None:
        pdf = self.pdf
        self.table_top = self.segment_top = self.y
        pdf.set_font("bold", size=7)
        lines = [_wrap(pdf, title, width - 1) for title, width in COLUMNS]
        height = max(len(ls) for ls in lines) * HEADER_LINE + 1.5
        self._shade(self.y, height, 235)
        for index, column_lines in enumerate(lines):
            x, width = self.xs[index], COLUMNS[index][1]
            top = self.y + (height - len(column_lines) * HEADER_LINE) / 2 + HEADER_LINE - 0.8
            for n, text in enumerate(column_lines):
                pdf.text(x + (width - self._width(text)) / 2, top + n * HEADER_LINE, text)
        self.y += height
        pdf.line(MARGIN, self.y, self.right, self.y)
        pdf.set_font("body", size=FONT_SIZE)

    def _shade(self, y: float, height: float, grey: int) -> None:
        """A grey band across the table (the fill colour set back, so that text is drawn
        without a colour change of its own)."""
        self.pdf.set_fill_color(grey)
        self.pdf.rect(MARGIN, y, self.right - MARGIN, height, style="F")
        self.pdf.set_fill_color(0)

    def _columns(self) -> None:
        """The column lines of the rows since the last full-width row, drawn once."""
        if self.y > self.segment_top:
            for x in self.xs[1:-1]:
                self.pdf.line(x, self.segment_top, x, self.y)
        self.segment_top = self.y

    def _close_table(self) -> None:
        """The table's frame on this page, and its last column lines."""
        self._columns()
        self.pdf.rect(MARGIN, self.table_top, self.right - MARGIN, self.y - self.table_top)

    def _room(self, height: float) -> None:
        if self.y + height > self.bottom:
            self._close_table()
            self.pdf.add_page()
            self.y = MARGIN
            self.header()

    def _width(self, text: str) -> float:
        """``get_string_width`` of the current font, one character at a time (cached): the
        library's own takes a fifth of the time of a 25,000-row table."""
        pdf = self.pdf
        total = 0.0
        for char in text:
            key = (pdf.font_family, pdf.font_size_pt, char)
            width = self.widths.get(key)
            if width is None:
                width = self.widths[key] = pdf.get_string_width(char)
            total += width
        return total

    # ----------------------------------------------------------------- rows

    def group(self, letter: str, count: int) -> None:
        self._room(ROW * 2)  # a letter's row is never the last of a page
        pdf = self.pdf
        self._columns()
        self._shade(self.y, ROW, 232)
        pdf.set_font("bold", size=8)
        pdf.text(MARGIN + 1.5, self.y + 3.6, f"{letter}（{count} 户）")
        pdf.set_font("body", size=FONT_SIZE)
        self.y += ROW
        self.segment_top = self.y
        pdf.line(MARGIN, self.y, self.right, self.y)

    def row(self, row: SummaryRow) -> None:
        self._room(ROW)
        pdf, y = self.pdf, self.y
        values = (
            row.initial,
            row.name,
            row.fund_account,
            "" if row.assets_wan is None else str(row.assets_wan),
            str(row.commission_wan),
            row.habit,
            row.value_class,
            row.decision_style,
            row.preferences,
            row.risk_level,
            str(row.visits),
            row.phone,
            row.remarks,
        )
        for index, value in enumerate(values):
            if value:
                self._cell(index, value, y)
        self.y += ROW
        pdf.line(MARGIN, self.y, self.right, self.y)

    def _cell(self, index: int, value: str, y: float) -> None:
        x, width = self.xs[index], COLUMNS[index][1]
        if index == len(COLUMNS) - 1 or index == 1:  # free text: cut to the column
            value = self._fit(value, width - 2)
        if index in CENTRED or index in RIGHT:
            shown = self._width(value)
            x = x + (width - shown) / 2 if index in CENTRED else x + width - 1 - shown
        else:
            x += 1
        self._text(x, y + 3.5, value)

    def _text(self, x: float, y: float, text: str) -> None:
        """Text in the cut font; a run of characters it lacks in the full font."""
        pdf = self.pdf
        if not self.use_fallback or _cut_characters().issuperset(text):
            pdf.text(x, y, text)
            return
        for run, rare in _runs(text):
            if rare:
                pdf.set_font("full", size=pdf.font_size_pt)
            pdf.text(x, y, run)
            x += self._width(run)
            if rare:
                pdf.set_font("body", size=pdf.font_size_pt)

    def line_of_text(self, text: str) -> None:
        self._room(ROW)
        self._text(MARGIN + 1.5, self.y + 3.5, text)
        self.y += ROW

    def _fit(self, text: str, width: float) -> str:
        """``text`` cut (with …) to ``width`` mm; short texts are not measured."""
        if len(text) * self.pdf.font_size < width:  # even all-CJK it fits
            return text
        while text and self._width(text + "…") > width:
            text = text[:-1]
        return text + "…"

    def end(self, filled_by: str, made) -> None:
        pdf = self.pdf
        self._close_table()
        notes = [f"{n}、{note}" for n, note in enumerate(rules.ANNEX4_NOTES, start=1)]
        self._room(ROW * (3 + len(notes)))
        pdf.set_font("body", size=9)
        self.y += 4
        pdf.text(self.right - 110, self.y + 3, f"填表人：{filled_by}")
        pdf.text(self.right - 55, self.y + 3, f"时间：{made:%Y-%m-%d %H:%M}")
        self.y += ROW + 2
        pdf.set_font("body", size=7.5)
        pdf.text(MARGIN, self.y + 3, "填表说明：")
        for note in notes:
            self.y += 4
            pdf.text(MARGIN, self.y + 3, note)


def _runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into runs of characters the cut font has (False) or lacks (True)."""
    runs: list[tuple[str, bool]] = []
    for char in text:
        rare = char not in _cut_characters()
        if runs and runs[-1][1] == rare:
            runs[-1] = (runs[-1][0] + char, rare)
        else:
            runs.append((char, rare))
    return runs


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """The header's text broken into lines of ``width`` mm (CJK breaks anywhere)."""
    lines, line = [], ""
    for char in text:
        closing = char in "）)，、。"  # never the first of a line
        if line and not closing and pdf.get_string_width(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines
