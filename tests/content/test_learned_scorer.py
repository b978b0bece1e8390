"""The learned scorer: it adds a `warn` finding where a sentence says in new words what the rules
look for, never blocks, leaves ordinary posts alone, and ships the weights its README names."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from smpolicy.content import check_post, check_text
from smpolicy.content.learning.scorer import WEIGHTS, learned_findings, load, model

README = WEIGHTS.parent / "README.md"
ALLEGATION = "Miss Desai is carrying on with the caretaker, the whole playground knows"
BENIGN = [
    "Loved the harvest festival, the kids sang beautifully",
    "Thanks to the office for sorting the trip letters so quickly",
    "Year 6 are learning about the dangers of drugs and alcohol in PSHE",
    "Our book of the week is about a fox who steals chickens",
    "Please do not share photos of other children online, thank you",
    "Mr Turner ran the cake stall and raised £200 for the library",
]


def test_the_weights_file_is_the_one_the_readme_names() -> None:
    row = next(line for line in README.read_text().splitlines() if WEIGHTS.name in line)
    named = re.search(r"\b[0-9a-f]{64}\b", row)
    assert named is not None
    assert hashlib.sha256(WEIGHTS.read_bytes()).hexdigest() == named.group()
    assert WEIGHTS.stat().st_size < 2_000_000


def test_an_allegation_in_words_no_rule_lists_gets_a_warning(school, post) -> None:
    # the rules see only the name: the affair is said in words none of their phrases hold
    assert {f.kind for f in check_text(ALLEGATION, school)} == {"staff_name"}
    result = check_post(post(ALLEGATION), school)
    learned = [f for f in result["findings"] if f.get("source") == "learned"]
    assert "defamatory_risk" in {f["kind"] for f in learned}
    for f in learned:
        assert f["severity"] == "warn"
        assert ALLEGATION[f["start"] : f["end"]] == f["text"] == ALLEGATION
        assert 0.0 < f["confidence"] <= 1.0


@pytest.mark.parametrize("role", ["staff", "parent", "governor"])
def test_a_learned_finding_never_blocks_nor_decides_the_verdict(school, post, role) -> None:
    with_scorer = check_post(post(ALLEGATION, author={"role": role}), school)
    rules_only = check_post(post(ALLEGATION, author={"role": role}), school, learned=False)
    assert all(
        f["severity"] != "block" for f in with_scorer["findings"] if f.get("source") == "learned"
    )
    assert with_scorer["verdict"] == rules_only["verdict"]
    assert not any(f.get("source") == "learned" for f in rules_only["findings"])


def test_what_the_rules_found_stays_the_rules_finding(school) -> None:
    text = "Mr Wood stole money from the PTA"
    rules = check_text(text, school)
    assert {"defamatory_risk", "illegal_conduct"} <= {f.kind for f in rules}
    added = {f.kind for f in learned_findings(text, rules)}
    assert not added & {f.kind for f in rules}


@pytest.mark.parametrize("text", BENIGN)
def test_ordinary_posts_are_left_alone(school, text) -> None:
    assert learned_findings(text, check_text(text, school)) == []


def test_scores_are_the_same_every_time(school) -> None:
    findings = check_text(ALLEGATION, school)
    first = learned_findings(ALLEGATION, findings)
    again = learned_findings(ALLEGATION, findings, load())
    assert first == again
    assert first  # the same, and not the same nothing


def test_the_shipped_model_enables_only_kinds_with_a_threshold() -> None:
    shipped = model()
    assert shipped is not None
    assert shipped.enabled <= {
        "defamatory_risk",
        "illegal_conduct",
        "school_criticism",
        "security_sensitive",
        "confidential",
        "offensive",
    }
    for kind, threshold in zip(shipped.kinds, shipped.thresholds, strict=True):
        assert (kind in shipped.enabled) == (0.5 <= threshold <= 1.0)


def test_the_scorer_needs_numpy_alone(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; import smpolicy.content.learning.scorer as s; s.model();"
        "assert 'scipy' not in sys.modules and 'django' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
