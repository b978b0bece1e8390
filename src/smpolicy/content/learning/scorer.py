"""The learned scorer at run time: numpy only, weights from models/learned_text.npz.

For each sentence and each enabled kind the rules did not find in it, a logistic model gives the
probability that the sentence is of that kind; at or above the kind's threshold (chosen in
cross-validation by train.py so the rules and the scorer together keep precision 0.9) the sentence
becomes a finding of that kind, its confidence the probability. What the rules found stays the
rules' finding: the scorer only adds.

A head is a one-kind model of the same form trained on outside data (train.py --olid: the
`offensive_tone` head, models/offensive_olid.npz, trained on OLID's tweets). It reads each sentence
no offensive finding already covers, the rules' or the scorer's, and its threshold was chosen on
OLID's validation split.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from smpolicy.content.learning.features import (
    DIM,
    pair_feature,
    plain_quotes,
    sentence_words,
    sentences,
    word_features,
)
from smpolicy.content.text import TextFinding

MODELS = Path(__file__).resolve().parent.parent / "models"
WEIGHTS = MODELS / "learned_text.npz"
OFFENSIVE_HEAD = MODELS / "offensive_olid.npz"
# A sentence any of these covers is offensive already: the head adds, it does not repeat.
_OFFENSIVE = frozenset({"offensive", "offensive_tone"})


class Model:
    """Weights over hashed features, one column a kind, and each kind's threshold."""

    def __init__(
        self,
        kinds: tuple[str, ...],
        weights: np.ndarray,  # (DIM, kinds) float32: a dense table, one row a hashed feature
        bias: np.ndarray,  # (kinds,)
        thresholds: np.ndarray,  # (kinds,); above 1 where the kind is not enabled
    ) -> None:
        self.kinds = kinds
        self.weights = weights
        self.bias = bias.astype(np.float64)
        self.thresholds = thresholds
        self.enabled = frozenset(k for k, t in zip(kinds, thresholds, strict=True) if t <= 1)
        # At a sentence's size numpy's cost is per call, not per number: the run-time sums are
        # plain Python over the rows that have weights (a few thousand of the hashed table).
        used = np.flatnonzero(np.any(weights != 0, axis=1))
        self._rows: dict[int, tuple[float, ...]] = {
            int(r): tuple(float(x) for x in weights[r]) for r in used
        }
        self._bias = tuple(float(x) for x in self.bias)
        self._zero = (0.0,) * len(kinds)
        self._words: dict[str, tuple[tuple[float, ...], int]] = {}

    def _sum(self, rows: Iterable[int]) -> tuple[float, ...]:
        total = list(self._zero)
        get = self._rows.get
        for row in rows:
            vec = get(row)
            if vec is not None:
                for k, x in enumerate(vec):
                    total[k] += x
        return tuple(total)

    def _word(self, word: str) -> tuple[tuple[float, ...], int]:
        # a word's features always add up to the same vector: worked out once
        hit = self._words.get(word)
        if hit is None:
            feats = word_features(word)
            hit = (self._sum(feats), len(feats))
            if len(self._words) < 100_000:
                self._words[word] = hit
        return hit

    def probabilities(self, words: Sequence[str], cues: Iterable[int]) -> list[float]:
        """Each kind's probability for a sentence of these words and cues (features.py)."""
        pairs = [pair_feature(a, b) for a, b in zip(["^", *words], [*words, "$"], strict=True)]
        z = list(self._sum(pairs))
        n = len(pairs)
        for word in words:
            vec, count = self._word(word)
            for k, x in enumerate(vec):
                z[k] += x
            n += count
        scale = 1.0 / math.sqrt(n)
        extra = self._sum(cues)
        out = []
        for k, value in enumerate(z):
            logit = value * scale + self._bias[k] + extra[k]
            out.append(1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0)
        return out


def load(path: Path = WEIGHTS) -> Model:
    with np.load(path, allow_pickle=False) as data:
        rows = data["features"]
        table = np.zeros((DIM, len(data["kinds"])), np.float32)
        table[rows] = data["weights"].astype(np.float32)
        return Model(
            tuple(str(k) for k in data["kinds"]),
            table,
            data["bias"].astype(np.float32),
            data["thresholds"].astype(np.float32),
        )


@cache
def model() -> Model | None:
    """The shipped model, or None where the weights file is absent (a trimmed install)."""
    return load() if WEIGHTS.exists() else None


def learned_findings(
    text: str, findings: Sequence[TextFinding], scorer: Model | None = None
) -> list[TextFinding]:
    """Findings the scorer adds to the rules' `findings` for `text`: one a sentence and kind,
    spanning the sentence."""
    scorer = scorer if scorer is not None else model()
    if scorer is None:
        return []
    enabled = scorer.enabled
    if not enabled or not text:
        return []
    text = plain_quotes(text)
    out: list[TextFinding] = []
    for start, end in sentences(text):
        found = {f.kind for f in findings if f.start < end and start < f.end}
        todo = enabled - found
        if not todo:
            continue
        words, cues = sentence_words(text, start, end, findings)
        p = scorer.probabilities(words, cues)
        for i, kind in enumerate(scorer.kinds):
            if kind in todo and p[i] >= scorer.thresholds[i]:
                out.append(TextFinding(kind, start, end, round(float(p[i]), 2)))
    return out


@cache
def offensive_head() -> Model | None:
    """The shipped OLID head, or None where its weights file is absent (a trimmed install)."""
    return load(OFFENSIVE_HEAD) if OFFENSIVE_HEAD.exists() else None


def sentence_scores(text: str, findings: Sequence[TextFinding], head: Model) -> list[float]:
    """The head's first kind's probability for each sentence of `text`, as head_findings reads
    them (names as who they are); training's evaluation scores a tweet by the same function."""
    text = plain_quotes(text)
    return [
        head.probabilities(*sentence_words(text, start, end, findings))[0]
        for start, end in sentences(text)
    ]


def head_findings(
    text: str, findings: Sequence[TextFinding], head: Model | None = None
) -> list[TextFinding]:
    """Findings the offensive head adds to `findings` (the rules' and the scorer's) for `text`:
    one a sentence no offensive finding overlaps, at or above the head's threshold."""
    head = head if head is not None else offensive_head()
    if head is None or not head.enabled or not text:
        return []
    kind, limit = head.kinds[0], float(head.thresholds[0])
    text = plain_quotes(text)
    taken = [(f.start, f.end) for f in findings if f.kind in _OFFENSIVE]
    out: list[TextFinding] = []
    for start, end in sentences(text):
        if any(s < end and start < e for s, e in taken):
            continue
        p = head.probabilities(*sentence_words(text, start, end, findings))[0]
        if p >= limit:
            out.append(TextFinding(kind, start, end, round(float(p), 2)))
    return out
