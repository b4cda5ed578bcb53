"""The fonts the printouts embed: Debian's Noto CJK (SC), and copies of them cut down to the
characters the forms use.

WeasyPrint embeds a subset of each font a PDF uses; cutting that subset out of a 20 MB font of
65,000 glyphs takes a good share of a print. :func:`ensure` cuts each face once (``flask fonts
cut``, ``make run``/``make test``, or lazily at the first print) to ASCII, the punctuation of
Chinese text and the 6,763 characters of GB 2312 — every character of the forms and nearly
every name — and writes it under ``FONT_DIR`` (written to a temporary file, then renamed).
The print stylesheet names the cut face first and the full Noto CJK after it
(:func:`stylesheet`): a rarer character of a name (𠮷, 龘 …) falls back to the full font, so
no glyph is ever missing.

Their version — file names, sizes and times — is part of a kept printout's key
(portal.pdf.cache): new fonts print anew.
"""

import contextlib
import os
import tempfile
import threading
from functools import cache
from pathlib import Path

NOTO = Path("/usr/share/fonts/opentype/noto")
SC = 2
"""Index of the Simplified Chinese face in Debian's Noto CJK collections (JP, KR, SC, TC, HK)."""

FACES = [
    # (full family as print.css names it, weight, collection file)
    ("Noto Sans CJK SC", 400, "NotoSansCJK-Regular.ttc"),
    ("Noto Sans CJK SC", 700, "NotoSansCJK-Bold.ttc"),
    ("Noto Serif CJK SC", 400, "NotoSerifCJK-Regular.ttc"),
    ("Noto Serif CJK SC", 700, "NotoSerifCJK-Bold.ttc"),
]
CUT_FAMILIES = {
    "Noto Sans CJK SC": "Noto Sans CJK SC Cut",
    "Noto Serif CJK SC": "Noto Serif CJK SC Cut",
}
"""The family name of each cut font, by the full family it is cut from."""

_lock = threading.Lock()


def characters() -> set[int]:
    """ASCII, Latin-1, general and CJK punctuation, full-width forms and GB 2312."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    chars |= set(range(0x2000, 0x2070)) | set(range(0x2100, 0x2200)) | set(range(0x2460, 0x2800))
    chars |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([high, low]).decode("gb2312")))
    return chars


def _file(directory: Path, full_family: str, weight: int) -> Path:
    return directory / f"{CUT_FAMILIES[full_family].replace(' ', '')}-{weight}.otf"


def cut(directory: Path) -> list[Path]:
    """Cut every face not cut yet into ``directory``; return the files written."""
    from fontTools import subset

    written = []
    chars = characters()
    directory.mkdir(parents=True, exist_ok=True)
    for family, weight, source in FACES:
        target = _file(directory, family, weight)
        if target.exists() or not (NOTO / source).exists():
            continue
        options = subset.Options()
        options.font_number = SC
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        font = subset.load_font(str(NOTO / source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=chars)
        subsetter.subset(font)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".otf")
        os.close(handle)
        try:
            font.save(temporary)
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
        written.append(target)
    return written


def ensure(directory: Path) -> bool:
    """Cut the fonts if they are not there yet; whether every cut face is there. A failure
    to cut (no fontTools, a read-only directory) leaves the full fonts in use."""
    with _lock:
        try:
            cut(directory)
        except Exception:  # the full fonts still print every character
            return False
    return all(_file(directory, family, w).exists() for family, w, _s in FACES)


def stylesheet(css: str, directory: Path) -> str:
    """``print.css`` with each Noto CJK family preceded by its cut face (declared with
    ``@font-face``), when the cut fonts are there; else unchanged."""
    if not all(_file(directory, family, w).exists() for family, w, _s in FACES):
        return css
    faces = []
    for family, weight, _source in FACES:
        url = _file(directory, family, weight).as_uri()
        faces.append(
            f'@font-face {{ font-family: "{CUT_FAMILIES[family]}"; font-weight: {weight};'
            f' src: url("{url}"); }}'
        )
    for family, cut_family in CUT_FAMILIES.items():
        css = css.replace(f'"{family}"', f'"{cut_family}", "{family}"')
    return "\n".join(faces) + "\n" + css


@cache
def version() -> str:
    files = sorted(NOTO.glob("Noto*CJK*")) if NOTO.is_dir() else []
    return ";".join(f"{p.name}:{p.stat().st_size}:{int(p.stat().st_mtime)}" for p in files)
