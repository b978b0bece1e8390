"""The offensive check on a public labelled set: the Davidson et al. (2017) sample.

CONTENT WARNING: the sample is real tweets with slurs and obscenity (see public/README.md).
bench/post_quality.py prints the figures; this test keeps them from sliding. Measured when the
sample was added: precision 0.99, recall 0.67 (553 flagged, 820 offensive, 1,002 rows). The
floors sit below those by a margin so that tuning elsewhere does not trip them by chance.
"""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).parent / "public" / "davidson2017_sample.csv"
COLUMNS = ["", "count", "hate_speech", "offensive_language", "neither", "class", "tweet"]


@pytest.fixture(scope="module")
def quality() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "post_quality", ROOT / "bench" / "post_quality.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sample_parses_as_published() -> None:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == COLUMNS
        rows = list(reader)
    assert len(rows) >= 1000
    assert all(len(r) == 7 for r in rows)
    classes = Counter(r[5] for r in rows)
    assert set(classes) == {"0", "1", "2"}
    for r in rows:
        votes = [int(v) for v in r[2:5]]
        # The published labels are the majority of the coders' votes; a mismatch means the copy
        # was damaged.
        assert int(r[1]) == sum(votes)
        assert votes[int(r[5])] == max(votes)


def test_the_checker_stays_above_its_floors_on_the_sample(quality: ModuleType) -> None:
    result = quality.public_offensive(SAMPLE)
    assert result["rows"] >= 1000
    assert result["precision"] >= 0.95, result["wrong"]
    assert result["recall"] >= 0.60
    assert result["hate_flagged"] / result["hate"] >= 0.45
