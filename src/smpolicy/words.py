"""Numbers in words people read: "1 minute", "3 minutes", never "1 minutes" or "3 minute(s)".

Plain Python (no Django), so the engine's neighbours, the commands and the pages share it.
"""

from __future__ import annotations

IRREGULAR = {"person": "people", "child": "children", "entry": "entries", "reply": "replies",
             "is": "are", "was": "were", "has": "have"}


def plural(word: str, count: int | float) -> str:
    """``word`` as it goes with ``count``: the singular for exactly 1, else its plural."""
    if count == 1:
        return word
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith(("s", "sh", "ch", "x")):
        return word + "es"
    return word + "s"


def counted(count: int | float, word: str) -> str:
    """``"1 minute"``, ``"0 minutes"``, ``"2.5 hours"``; the number as given."""
    return f"{count} {plural(word, count)}"
