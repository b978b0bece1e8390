"""iPhones' HEIC (HEIF) photos: telling one from its first bytes, and letting Pillow open it.

Evidence, posts being checked, and the post checker's own picture reading all take them; the
brands an ISO base media file names in its `ftyp` box say whether it is a HEIF picture, and
pillow-heif (libheif inside its wheel) gives Pillow an opener for them, registered once.
"""

from __future__ import annotations

from functools import cache

_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"hevc")


def is_heif(head: bytes) -> bool:
    """Whether a file's first bytes (at least 12) are those of a HEIC/HEIF picture."""
    return head[4:8] == b"ftyp" and head[8:12] in _BRANDS


@cache
def register_opener() -> None:
    """Pillow opens HEIF pictures from now on (format "HEIF")."""
    import pillow_heif

    pillow_heif.register_heif_opener()
