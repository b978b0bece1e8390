"""Train the learned scorer on the labelled corpus and write models/learned_text.npz.

    python -m smpolicy.content.learning.train [--probe FILE.yaml] [--dry-run]
    python -m smpolicy.content.learning.train --olid [DIR] [--dry-run]

Needs the repository (tests/content/corpus/, bench/post_quality.py's markup parser) and scipy,
which is in the test and bench environments only: training is offline and by hand, inference is
numpy alone (scorer.py).

Each post's text is cut into the rules' sentences; a sentence is of a kind when a marked span of
that kind overlaps it, and the rules found it when a rule finding of that kind overlaps it. One
logistic regression a kind (L2, classes weighted to balance) is fitted by L-BFGS over hashed
features (features.py). Five-fold cross-validation, grouped by post so no post's sentences are
split across folds, gives each sentence a score from a model that never saw its post; on those
scores each kind's threshold is the lowest at which the sentences the scorer adds are themselves
at least 0.9 precise (so the rules and the scorer together stay at 0.9 or better) with at least
three of them right; a kind with no such threshold is not enabled. The figures printed are
sentence-level precision and recall, rules alone and rules with the scorer. The shipped model is
then fitted on the whole corpus. Everything is seeded: the same corpus gives the same file.

`--probe` scores a labelled file (same markup) with the rules alone and with the final model,
without training on it.

`--olid` trains the offensive head instead (models/offensive_olid.npz, kind `offensive_tone`):
OLID's sub-task A (OffensEval 2019 tweets, offensive or not; DIR defaults to the shared folder's
data/olid/, see olid_dir). One logistic regression of the same form over the same features, fitted
on the train split's whole tweets (user mentions and URL placeholders dropped: posts have neither).
A tweet's score is its highest sentence score, as the checker reads a post. The threshold is the
lowest at which the head is OLID_MIN_PRECISION precise on the validation split: the best-macro-F1
threshold (0.53, precision 0.66) took the corpus's offensive precision to 0.49, its hard
negatives in a school's register being what OLID's tweets are not. The figures printed are
validation figures (the shipped threshold is chosen on them), beside those at 0.5 and at the
best-macro-F1 threshold. The tweets
stay out of the repository: only weights are written.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import importlib.util
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from smpolicy.content.learning.features import (
    DIM,
    KINDS,
    plain_quotes,
    sentence_features,
    sentence_words,
    sentences,
)
from smpolicy.content.learning.scorer import OFFENSIVE_HEAD, WEIGHTS, Model, sentence_scores
from smpolicy.content.school import SchoolContext
from smpolicy.content.text import check_text

ROOT = Path(__file__).resolve().parents[4]
CORPUS = ROOT / "tests" / "content" / "corpus"
SEED = 20240611
FOLDS = 5
L2 = 0.03  # chosen by the cross-validation below among 0.01, 0.03, 0.1, 0.3, 1 and 3
MIN_PRECISION = 0.9
MIN_ADDED = 3
# Kinds the scorer is not used for. Security: once the rules' families covered the second blind
# set, cross-validation found the scorer's security additions all wrong (2 of 2), on the blind set
# it cost precision (0.92 to 0.81), and it took routine notices ("the main gate is locked at 8:50")
# for codes; what is security-sensitive is specific wording the rules list.
NOT_LEARNED = frozenset({"security_sensitive"})
# The OLID head: L2 chosen on the validation split among 0.03, 0.1, 0.3, 1, 3 and 10 (macro-F1
# 0.72, 0.73, 0.73, 0.72, 0.71, 0.69 at the best threshold; 0.3 fits in a third of 0.1's time).
OLID_L2 = 0.3
OLID_KIND = "offensive_tone"
OLID_MIN_PRECISION = 0.8
_OLID_NOISE = re.compile(r"@user\b|\bURL\b")


def _post_quality() -> Any:
    spec = importlib.util.spec_from_file_location(
        "post_quality", ROOT / "bench" / "post_quality.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Data:
    rows: list[tuple[list[str], set[int]]]  # a sentence's (words, cues)
    labels: np.ndarray  # (sentences, kinds) bool
    rules: np.ndarray  # (sentences, kinds) bool: a rule finding of the kind in the sentence
    groups: np.ndarray  # the post each sentence is from
    texts: list[str]


def sentences_of(
    posts: list[tuple[str, list[tuple[str, int, int]]]], school: SchoolContext
) -> Data:
    rows, labels, rules, groups, texts = [], [], [], [], []
    for n, (raw, spans) in enumerate(posts):
        text = plain_quotes(raw)
        findings = check_text(text, school)
        for start, end in sentences(text):
            rows.append(sentence_words(text, start, end, findings))
            labels.append(
                [any(k == kind and s < end and start < e for k, s, e in spans) for kind in KINDS]
            )
            rules.append(
                [
                    any(f.kind == kind and f.start < end and start < f.end for f in findings)
                    for kind in KINDS
                ]
            )
            groups.append(n)
            texts.append(text[start:end])
    return Data(rows, np.array(labels, bool), np.array(rules, bool), np.array(groups), texts)


def _matrix(rows: list[tuple[list[str], set[int]]]) -> Any:
    from scipy import sparse

    indptr, indices, values = [0], [], []
    for words, cues in rows:
        feats = sentence_features(words)
        indices.extend(feats)
        values.extend([1.0 / math.sqrt(len(feats))] * len(feats) if feats else [])
        indices.extend(sorted(cues))
        values.extend([1.0] * len(cues))
        indptr.append(len(indices))
    x = sparse.csr_matrix((values, indices, indptr), shape=(len(rows), DIM), dtype=np.float64)
    x.sum_duplicates()  # a repeated feature counts as often as it occurs
    return x


def fit(x: Any, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Weighted, L2-regularised logistic regression; (weights over x's columns, bias)."""
    from scipy.optimize import minimize

    n = len(y)
    pos = max(int(y.sum()), 1)
    neg = max(n - pos, 1)
    c = np.where(y, n / (2 * pos), n / (2 * neg))
    t = y.astype(np.float64)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        nll = np.logaddexp(0.0, z) - t * z
        g = c * (p - t)
        value = float(c @ nll + 0.5 * l2 * w @ w)
        grad = np.concatenate([x.T @ g + l2 * w, [g.sum()]])
        return value, grad

    theta0 = np.zeros(x.shape[1] + 1)
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[:-1], float(res.x[-1])


def train(data: Data, which: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit every kind on the sentences `which` (all by default): (used columns, weights, bias)."""
    x = _matrix(data.rows)
    if which is not None:
        x = x[which]
    used = np.unique(x.indices)
    x = x[:, used]
    labels = data.labels if which is None else data.labels[which]
    weights = np.zeros((len(used), len(KINDS)))
    bias = np.zeros(len(KINDS))
    for j in range(len(KINDS)):
        weights[:, j], bias[j] = fit(x, labels[:, j])
    return used, weights, bias


def as_model(
    used: np.ndarray, weights: np.ndarray, bias: np.ndarray, thresholds: np.ndarray
) -> Model:
    table = np.zeros((DIM, len(KINDS)), np.float32)
    table[used] = weights.astype(np.float16).astype(np.float32)
    return Model(KINDS, table, bias.astype(np.float32), thresholds.astype(np.float32))


def scores(model: Model, data: Data, which: np.ndarray) -> np.ndarray:
    return np.array([model.probabilities(*data.rows[i]) for i in np.flatnonzero(which)])


def folds(groups: np.ndarray) -> np.ndarray:
    posts = np.unique(groups)
    order = np.random.default_rng(SEED).permutation(posts)
    fold_of = {int(p): i % FOLDS for i, p in enumerate(order)}
    return np.array([fold_of[int(g)] for g in groups])


def cross_validate(data: Data) -> np.ndarray:
    """Each sentence's scores from the model trained on the other folds' posts."""
    fold = folds(data.groups)
    out = np.zeros(data.labels.shape)
    off = np.full(len(KINDS), 2.0)
    for k in range(FOLDS):
        used, weights, bias = train(data, fold != k)
        out[fold == k] = scores(as_model(used, weights, bias, off), data, fold == k)
    return out


def threshold(p: np.ndarray, label: np.ndarray) -> float:
    """The lowest threshold at which the scorer on its own is MIN_PRECISION precise on posts it
    never saw, with at least MIN_ADDED right; 2.0 (never) where there is none."""
    order = np.argsort(-p, kind="stable")
    ps = p[order]
    ys = label[order]
    best = 2.0
    right = 0
    for i, (score, y) in enumerate(zip(ps, ys, strict=True)):
        right += int(y)
        if score < 0.5:
            break
        if i + 1 < len(ps) and ps[i + 1] == score:
            continue  # a threshold takes every sentence with the same score
        if right >= MIN_ADDED and right / (i + 1) >= MIN_PRECISION:
            best = float(score)
    return best


def report(name: str, data: Data, p: np.ndarray, thresholds: np.ndarray) -> None:
    print(f"\n{name}: {len(np.unique(data.groups))} posts, {len(data.rows)} sentences")
    print(
        f"  {'kind':20} {'true':>4}  {'rules P':>7} {'R':>5}   {'+scorer P':>9} {'R':>5}  "
        f"{'added':>5} {'right':>5}   {'alone P':>7} {'R':>5}  threshold"
    )
    for j, kind in enumerate(KINDS):
        y, r = data.labels[:, j], data.rules[:, j]
        alone = p[:, j] >= thresholds[j]
        added = ~r & alone
        both = r | added
        print(
            f"  {kind:20} {int(y.sum()):4}  {_precision(r, y):7.2f} {_recall(r, y):5.2f}   "
            f"{_precision(both, y):9.2f} {_recall(both, y):5.2f}  {int(added.sum()):5} "
            f"{int((added & y).sum()):5}   {_precision(alone, y):7.2f} {_recall(alone, y):5.2f}  "
            + (f"{thresholds[j]:.2f}" if thresholds[j] <= 1 else "not enabled")
        )


def _precision(pred: np.ndarray, y: np.ndarray) -> float:
    return float((pred & y).sum() / pred.sum()) if pred.any() else 1.0


def _recall(pred: np.ndarray, y: np.ndarray) -> float:
    return float((pred & y).sum() / y.sum()) if y.any() else 1.0


def load_posts(paths: list[Path]) -> list[tuple[str, list[tuple[str, int, int]]]]:
    parse = _post_quality().parse_markup
    out = []
    for path in paths:
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append(parse(raw["text"]))
    return out


def olid_dir() -> Path | None:
    """Where OLID's splits are: $SMPOLICY_OLID_DIR (a checkout elsewhere names them so), else the
    shared folder beside the repository; None where none has them."""
    named = os.environ.get("SMPOLICY_OLID_DIR")
    places = [Path(named)] if named else []
    places += [ROOT.parent / "shared" / "data" / "olid"]
    return next((p for p in places if (p / "val_labels.txt").exists()), None)


def read_olid(directory: Path, split: str) -> tuple[list[str], np.ndarray]:
    """One OLID split: each tweet as a post would read (HTML entities undone, no @user or URL
    placeholders) and whether it is offensive."""
    labels = (directory / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    lines = (directory / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
    if len(lines) < len(labels):
        raise ValueError(f"{split}: {len(labels)} labels but {len(lines)} tweets")
    texts = [_OLID_NOISE.sub(" ", html.unescape(t)).strip() for t in lines[: len(labels)]]
    return texts, np.array([label == "1" for label in labels])


def olid_scores(head: Model, texts: list[str]) -> np.ndarray:
    """Each tweet's score: its highest sentence's, as head_findings reads a post."""
    return np.array([max(sentence_scores(t, [], head), default=0.0) for t in texts])


def olid_figures(flagged: np.ndarray, offensive: np.ndarray) -> dict[str, float]:
    """OffensEval's measure, macro-F1 over the two classes, and the offensive class's own."""
    f1 = []
    for pred, true in ((flagged, offensive), (~flagged, ~offensive)):
        p, r = _precision(pred, true), _recall(pred, true)
        f1.append(2 * p * r / (p + r) if p + r else 0.0)
    return {
        "f1_macro": (f1[0] + f1[1]) / 2,
        "precision": _precision(flagged, offensive),
        "recall": _recall(flagged, offensive),
        "flagged": int(flagged.sum()),
        "offensive": int(offensive.sum()),
        "tweets": len(offensive),
    }


_GRID = np.round(np.arange(0.2, 0.951, 0.01), 2)


def olid_best_f1(p: np.ndarray, offensive: np.ndarray) -> float:
    """The threshold with the best macro-F1, on a 0.01 grid from 0.2 to 0.95."""
    return float(max(_GRID, key=lambda t: (olid_figures(p >= t, offensive)["f1_macro"], -t)))


def olid_threshold(p: np.ndarray, offensive: np.ndarray) -> float:
    """The lowest threshold on the grid at which the head is OLID_MIN_PRECISION precise."""
    for t in _GRID:
        r = olid_figures(p >= t, offensive)
        if r["flagged"] and r["precision"] >= OLID_MIN_PRECISION:
            return float(t)
    return 2.0


def _olid_line(name: str, r: dict[str, float]) -> str:
    return (
        f"  {name:34} macro-F1 {r['f1_macro']:.3f}   offensive: precision {r['precision']:.3f}, "
        f"recall {r['recall']:.3f} ({r['flagged']} flagged of {r['tweets']}, {r['offensive']} are)"
    )


def train_olid(directory: Path, dry_run: bool) -> None:
    texts, offensive = read_olid(directory, "train")
    val_texts, val_offensive = read_olid(directory, "val")
    print(f"OLID sub-task A from {directory}: train {len(texts)} tweets, val {len(val_texts)}")
    x = _matrix([sentence_words(t, 0, len(t), []) for t in texts])
    used = np.unique(x.indices)
    w, b = fit(x[:, used], offensive, OLID_L2)
    table = np.zeros((DIM, 1), np.float32)
    table[used, 0] = w.astype(np.float16).astype(np.float32)  # as the file will hold it
    head = Model((OLID_KIND,), table, np.array([b], np.float32), np.array([0.5], np.float32))
    p = olid_scores(head, val_texts)
    limit = olid_threshold(p, val_offensive)
    best = olid_best_f1(p, val_offensive)
    print("validation split (the threshold is chosen on it):")
    print(_olid_line("at 0.50", olid_figures(p >= 0.5, val_offensive)))
    print(_olid_line(f"at {best:.2f} (best macro-F1)", olid_figures(p >= best, val_offensive)))
    print(
        _olid_line(
            f"at {limit:.2f} (precision {OLID_MIN_PRECISION}, shipped)",
            olid_figures(p >= limit, val_offensive),
        )
    )
    if dry_run:
        return
    with OFFENSIVE_HEAD.open("wb") as f:
        np.savez_compressed(
            f,
            kinds=np.array([OLID_KIND]),
            features=used.astype(np.int32),
            weights=w.astype(np.float16)[:, None],
            bias=np.array([b], np.float32),
            thresholds=np.array([limit], np.float32),
        )
    digest = hashlib.sha256(OFFENSIVE_HEAD.read_bytes()).hexdigest()
    size = OFFENSIVE_HEAD.stat().st_size
    print(f"\nwrote {OFFENSIVE_HEAD.relative_to(ROOT)} ({size:,} bytes) sha256 {digest}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--probe", type=Path, help="a labelled file to score, never trained on")
    parser.add_argument("--dry-run", action="store_true", help="do not write the weights file")
    parser.add_argument(
        "--olid",
        nargs="?",
        const="",
        type=str,
        metavar="DIR",
        help="train the OLID offensive head instead (DIR: OLID's splits; default: shared/)",
    )
    options = parser.parse_args(argv)
    if options.olid is not None:
        directory = Path(options.olid) if options.olid else olid_dir()
        if directory is None:
            parser.error("OLID's splits not found: name their folder, --olid DIR")
        train_olid(directory, options.dry_run)
        return
    school = SchoolContext.from_files(CORPUS / "roster.csv", CORPUS / "school.yaml")
    # posts_blind*.yaml are the blind measure: never read here, never trained on
    files = sorted(p for p in CORPUS.glob("posts_*.yaml") if not p.name.startswith("posts_blind"))
    data = sentences_of(load_posts(files), school)
    print(f"corpus: {', '.join(p.name for p in files)}")
    oof = cross_validate(data)
    thresholds = np.array(
        [
            2.0 if kind in NOT_LEARNED else threshold(oof[:, j], data.labels[:, j])
            for j, kind in enumerate(KINDS)
        ]
    )
    report(f"{FOLDS}-fold cross-validation, grouped by post", data, oof, thresholds)
    used, weights, bias = train(data)
    model = as_model(used, weights, bias, thresholds)
    if options.probe:
        probe = sentences_of(load_posts([options.probe]), school)
        p = scores(model, probe, np.ones(len(probe.rows), bool))
        report(f"probe {options.probe.name} (never trained on)", probe, p, thresholds)
    if options.dry_run:
        return
    WEIGHTS.parent.mkdir(exist_ok=True)
    with WEIGHTS.open("wb") as f:
        np.savez_compressed(
            f,
            kinds=np.array(KINDS),
            features=used.astype(np.int32),
            weights=weights.astype(np.float16),
            bias=bias.astype(np.float32),
            thresholds=thresholds.astype(np.float32),
        )
    digest = hashlib.sha256(WEIGHTS.read_bytes()).hexdigest()
    print(f"\nwrote {WEIGHTS.relative_to(ROOT)} ({WEIGHTS.stat().st_size:,} bytes) sha256 {digest}")


if __name__ == "__main__":
    main(sys.argv[1:])
