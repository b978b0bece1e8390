"""Features of one sentence for the learned scorer, shared by training and inference.

A sentence becomes a bag of hashed feature indices: words, word pairs and the character 3- to
5-grams of each word (so "pocketing" still shares most of its pieces with "pocketed"), after
names are replaced by who they are ("staffname", "pupilname"), so the model learns what is said
about a member of staff rather than the names in the corpus. A few cues sit in fixed slots of
their own: who the rules found named in it, a school role, first or third person, negation, a
question. Cues come from word lists rather than the rules' patterns: a word's features and cues
are worked out once and cached, which keeps the scorer to a few microseconds a sentence.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from functools import lru_cache

from smpolicy.content.kinds import CONTACT, MEANING
from smpolicy.content.text import _PLAIN_QUOTES, _SENTENCE, TextFinding

KINDS = MEANING
NAME_TOKENS = {
    "pupil_name": "pupilname",
    "staff_name": "staffname",
    "parent_name": "parentname",
    "school_name": "schoolname",
}
# The rules' own findings of the learned kinds are no cue: a model that leaned on them would
# learn to agree with the rules, and it only ever reads sentences the rules left alone.
CUES = (
    "pupilname",
    "staffname",
    "parentname",
    "schoolname",
    "role",
    "school",
    "first_person",
    "third_person",
    "negation",
    "question",
    "exclaim",
    "contact",
)
CUE_INDEX = {c: i for i, c in enumerate(CUES)}
N_CUES = len(CUES)
BITS = 18
DIM = 1 << BITS
_CUE_WORDS = {
    "role": "head headteacher headmaster headmistress deputy teacher teachers ta tas caretaker"
    " cleaner cleaners governor governors senco dsl office staff slt leadership receptionist"
    " reception supervisor supervisors nurse coach trust management",
    "school": "school schools",
    "first_person": "i i'm i've i'd i'll me my myself we we're we've our us",
    "third_person": "he she him his her hers they them their",
    "negation": "not never no nobody nothing cannot",
}
_WORD_CUES = {w: CUE_INDEX[cue] for cue, words in _CUE_WORDS.items() for w in words.split()}
_WORD_CUES.update({token: CUE_INDEX[token] for token in NAME_TOKENS.values()})
_WORD = re.compile(r"[a-z0-9']+")
_DIGITS = re.compile(r"\d")


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences the rules use (text.py's), trimmed of the spaces around them."""
    out = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def _hash(feature: str) -> int:
    # crc32, not hash(): Python salts str hashes per process, and the weights must line up
    return N_CUES + zlib.crc32(feature.encode()) % (DIM - N_CUES)


@lru_cache(maxsize=65536)
def word_features(word: str) -> tuple[int, ...]:
    """The word itself and its character 3- to 5-grams, with "<" and ">" marking its ends."""
    marked = f"<{word}>"
    grams = [marked[i : i + n] for n in (3, 4, 5) for i in range(len(marked) - n + 1)]
    return (_hash("w:" + word), *(_hash("c:" + g) for g in grams))


@lru_cache(maxsize=65536)
def pair_feature(first: str, second: str) -> int:
    return _hash(f"b:{first} {second}")


def word_cue(word: str) -> int:
    """The cue slot a word fills, or -1."""
    cue = _WORD_CUES.get(word)
    if cue is not None:
        return cue
    return CUE_INDEX["negation"] if word.endswith("n't") else -1


def sentence_words(
    text: str, start: int, end: int, findings: Sequence[TextFinding]
) -> tuple[list[str], set[int]]:
    """The normalised words of text[start:end] (names as who they are, digits as 0) and the
    sentence-wide cues. `findings` are the rules' findings for the whole text; `text` has plain
    quotes."""
    pieces: list[str] = []
    cues: set[int] = set()
    pos = start
    for f in findings:
        if f.end <= start or f.start >= end:
            continue
        if f.kind in CONTACT:
            cues.add(CUE_INDEX["contact"])
        token = NAME_TOKENS.get(f.kind)
        if token is None or f.start < pos:
            continue
        pieces.append(text[pos : f.start])
        pieces.append(f" {token} ")
        pos = f.end
    pieces.append(text[pos:end])
    sentence = "".join(pieces)
    if "?" in sentence:
        cues.add(CUE_INDEX["question"])
    if "!" in sentence:
        cues.add(CUE_INDEX["exclaim"])
    words = _WORD.findall(_DIGITS.sub("0", sentence.lower()))
    for w in words:
        cue = word_cue(w)
        if cue >= 0:
            cues.add(cue)
    return words, cues


def sentence_features(words: Sequence[str]) -> list[int]:
    """The bag (with repeats) of hashed features of a sentence's words."""
    feats: list[int] = []
    prev = "^"
    for w in words:
        feats.extend(word_features(w))
        feats.append(pair_feature(prev, w))
        prev = w
    feats.append(pair_feature(prev, "$"))
    return feats


def plain_quotes(text: str) -> str:
    """The text as the rules read it: curly quotes made straight, one character for one."""
    return text if text.isascii() else text.translate(_PLAIN_QUOTES)
