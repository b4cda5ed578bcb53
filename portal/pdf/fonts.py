"""The fonts the printouts embed: Debian's Noto CJK, found by fontconfig (``print.css`` names
the families). Their version — file names, sizes and times — is part of a kept printout's key
(portal.pdf.cache): new fonts print anew."""

from functools import cache
from pathlib import Path

NOTO = Path("/usr/share/fonts/opentype/noto")


@cache
def version() -> str:
    files = sorted(NOTO.glob("Noto*CJK*")) if NOTO.is_dir() else []
    return ";".join(f"{p.name}:{p.stat().st_size}:{int(p.stat().st_mtime)}" for p in files)
