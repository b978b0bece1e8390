"""The labelled corpus as a guard: every kind keeps precision and recall of at least 0.75.

bench/post_quality.py prints the figures (the aim is 0.9); this test stops them sliding.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "post_quality.py"


@pytest.fixture(scope="module")
def quality():
    spec = importlib.util.spec_from_file_location("post_quality", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_big_enough_and_covers_every_kind(quality):
    posts = quality.load_corpus()
    assert len(posts) >= 200
    kinds = {k for p in posts for k, _, _ in p["spans"]} | {
        k for p in posts for i in p["images"] for k in i
    }
    assert kinds >= {
        "pupil_name",
        "staff_name",
        "personal_email",
        "personal_phone",
        "school_name",
        "school_logo",
        "confidential",
        "security_sensitive",
        "offensive",
        "defamatory_risk",
        "illegal_conduct",
        "school_criticism",
        "face",
        "inappropriate_image",
        "location_metadata",
    }


def test_markup_is_parsed_into_offsets(quality):
    text, spans = quality.parse_markup(
        "Hi {pupil_name|Oliver Smith} and {defamatory_risk|{staff_name|Mr Wood} stole}"
    )
    assert text == "Hi Oliver Smith and Mr Wood stole"
    assert spans == [("pupil_name", 3, 15), ("staff_name", 20, 27), ("defamatory_risk", 20, 33)]


def test_every_kind_stays_above_the_floor(quality):
    results = quality.score()
    low = {
        k: (round(r["precision"], 2), round(r["recall"], 2))
        for k, r in results.items()
        if r["precision"] < 0.75 or r["recall"] < 0.75
    }
    assert low == {}
