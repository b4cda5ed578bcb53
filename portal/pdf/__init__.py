"""Rendering printable templates to PDF with WeasyPrint.

One ``FontConfiguration`` serves the whole process (a new one per call doubles memory);
the CJK fonts are Debian's Noto CJK, named by family in ``print.css``.

WeasyPrint writes its PDF with pydyf, which deflates every stream (the embedded font subsets
above all) at zlib's slowest level, 9; :class:`_Deflate` makes it level 1. Measured on 附件3
(``python -m bench``'s first print): 158.6 ms → 141.0 ms, 131 KB → 134 KB. The batch export
packs the files into a ZIP, which deflates them again anyway.
"""

import threading
import zlib
from pathlib import Path

import pydyf
from flask import Response, current_app, has_app_context, render_template
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from portal.domain.beijing import utcnow
from portal.pdf import fonts, vocabulary

STATIC = Path(__file__).resolve().parent.parent / "static"
PRINT_CSS = STATIC / "print.css"

DEFLATE_LEVEL = 1


class _Deflate:
    """pydyf's ``zlib``, its compressors at :data:`DEFLATE_LEVEL` rather than 9 (pydyf has no
    setting for it)."""

    def compressobj(self, level: int = zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(DEFLATE_LEVEL, *args, **kwargs)

    def compress(self, data: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION) -> bytes:
        return zlib.compress(data, DEFLATE_LEVEL)

    def __getattr__(self, name: str):
        return getattr(zlib, name)


pydyf.zlib = _Deflate()

_fonts: FontConfiguration | None = None
_stylesheet: CSS | None = None
_lock = threading.Lock()


def font_dir() -> Path:
    """Where the cut-down fonts are kept (``FONT_DIR``, by default ``instance/fonts``)."""
    if has_app_context() and current_app.config.get("FONT_DIR"):
        return Path(current_app.config["FONT_DIR"])
    from portal.config import INSTANCE_DIR

    return INSTANCE_DIR / "fonts"


def stylesheet_text() -> str:
    """``print.css`` as printed: the cut-down fonts first, the full Noto CJK after them."""
    directory = font_dir()
    fonts.ensure(directory)
    return fonts.stylesheet(PRINT_CSS.read_text(), directory)


def _shared() -> tuple[FontConfiguration, CSS]:
    global _fonts, _stylesheet
    with _lock:
        if _fonts is None:
            _fonts = FontConfiguration()
            _stylesheet = CSS(string=stylesheet_text(), base_url=str(STATIC), font_config=_fonts)
    return _fonts, _stylesheet


ARCHIVE = "pdf/a-3u"
"""The PDF/A variant of copies kept for the long-term archive (附件3 and its batch export)."""


def render_document(template: str, variant: str | None = None, **context) -> Document:
    """Lay out a Jinja template (extending ``print/_base.html``) as a WeasyPrint document,
    whose pages may be written alone or merged with others (:func:`write_pdf`)."""
    context.setdefault("now", utcnow())
    html = render_template(template, **{**vocabulary.NAMES, **context})
    fonts, stylesheet = _shared()
    document = HTML(string=html, base_url=str(STATIC))
    return document.render(stylesheets=[stylesheet], font_config=fonts, pdf_variant=variant)


def write_pdf(documents: list[Document], variant: str | None = None) -> bytes:
    """The pages of the documents, in order, as one PDF (metadata of the first). Merged by
    WeasyPrint itself, so that a PDF/A ``variant`` stays valid (concatenating PDFs would not)."""
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf(pdf_variant=variant)


def render_pdf(template: str, variant: str | None = None, **context) -> bytes:
    """Render a Jinja template (extending ``print/_base.html``) to PDF bytes; ``variant`` is a
    WeasyPrint ``pdf_variant`` such as :data:`ARCHIVE` (``pdf/a-3u``)."""
    return write_pdf([render_document(template, variant, **context)], variant)


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A PDF shown in the browser (links to it carry ``hx-boost="false"``)."""
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
