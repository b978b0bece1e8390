"""The word lists the text checks read: `lexicon.yaml` beside this file, and the system dictionary.

The YAML is the repo's own list (names that are also ordinary words, titles, offensive terms), so
a school can read and adapt it. The dictionary is Debian's `wbritish`
(/usr/share/dict/british-english, SCOWL): it tells an ordinary word ("grace", "harry") from a
word that is only ever a name ("oliver"), and keeps ordinary words from being taken for misspelt
names. Without it the checks still run, more cautiously: see `names.py`.
"""

from __future__ import annotations

import os
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
DICTIONARIES = (
    Path("/usr/share/dict/british-english"),
    Path("/usr/share/dict/words"),
)


@cache
def lexicon() -> dict[str, Any]:
    with open(HERE / "lexicon.yaml", encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict)
    return data


def words(key: str) -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon()[key])


@cache
def dictionary() -> tuple[frozenset[str], frozenset[str]]:
    """(words written in lower case, every word folded): empty when no dictionary is installed."""
    override = os.environ.get("SMPOLICY_DICTIONARY")
    paths = [Path(override)] if override else list(DICTIONARIES)
    for path in paths:
        if path.is_file():
            lower: set[str] = set()
            every: set[str] = set()
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    word = line.strip()
                    if not word or word.endswith("'s"):
                        continue
                    folded = fold(word)
                    every.add(folded)
                    if word.islower():
                        lower.add(folded)
            return frozenset(lower), frozenset(every)
    return frozenset(), frozenset()


def has_dictionary() -> bool:
    return bool(dictionary()[1])


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Case-folded, accents dropped, apostrophes made plain: the form names are compared in."""
    word = word.translate(_APOSTROPHES).casefold()
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
