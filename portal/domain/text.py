"""Text as people type it, cleaned of what no person types: control characters.

A NUL byte (``\\x00``) in a form value, a query argument or a file name is refused by
PostgreSQL (a 500 where it reaches a query) and shows as nothing on a page; a right-to-left
override (U+202E) makes ``gpj.html`` read as ``lmth.jpg``. Both are removed before any view
sees the request (``portal.clean_request.PortalRequest``): line breaks and tabs stay in text, and a
file name keeps only what can be shown.
"""

import unicodedata

KEPT = frozenset("\t\n\r")
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def clean_text(value: str) -> str:
    """``value`` without control characters (line breaks and tabs kept) and bidi overrides."""
    if value.isprintable():  # the usual case, at C speed
        return value
    return "".join(
        c for c in value if c in KEPT or (c not in BIDI and unicodedata.category(c) != "Cc")
    )


def clean_filename(value: str) -> str:
    """A file name without control or format characters (no line breaks, no bidi overrides)."""
    return "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf"))
