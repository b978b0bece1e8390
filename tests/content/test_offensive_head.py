"""The OLID offensive head (models/offensive_olid.npz, kind `offensive_tone`): it loads offline,
reads clear cases right, adds to the lexicon's findings without repeating them, cites a clause of
the policy, and still reaches on OLID's validation split what it reached when it was trained."""

from __future__ import annotations

import socket

import pytest

from smpolicy.content import check_post
from smpolicy.content.kinds import HEADS, KINDS, marked_as
from smpolicy.content.learning import scorer, train
from smpolicy.policy import default_engine

# Measured when the shipped file was trained (train.py --olid): validation macro-F1 0.707 and
# offensive precision 0.80 at the shipped threshold. The margin allows float16 rounding and a
# numpy change, not a worse model.
TRAINED_F1 = 0.707
TRAINED_PRECISION = 0.80
MARGIN = 0.02

# Written for this test, in a school community's voice; none of the insults is in the lexicon.
OFFENSIVE = [
    "What a disgusting, vile creature you are.",
    "You're a liar and a fraud and everyone knows it.",
]
BENIGN = [
    "Thank you to all our volunteers for a wonderful summer fair.",
    "Year 2 have been learning about the Great Fire of London this week.",
    "Reminder: school closes at 1.30pm on Friday for the end of term.",
    "Well done to our football team on reaching the county final!",
]
OFFICIAL = {"author": {"role": "staff"}, "channel": {"account": "official", "platform": "facebook"}}


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("the network is refused in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_shipped_head_loads_with_the_network_refused(no_network):
    head = scorer.load(scorer.OFFENSIVE_HEAD)
    assert head.kinds == HEADS == ("offensive_tone",)
    assert head.enabled == {"offensive_tone"}
    assert 0.5 <= head.thresholds[0] < 1
    assert scorer.OFFENSIVE_HEAD.stat().st_size < 2_000_000


def test_clear_cases_are_read_right():
    head = scorer.offensive_head()
    assert head is not None
    limit = float(head.thresholds[0])
    for text in OFFENSIVE:
        assert max(scorer.sentence_scores(text, [], head)) >= limit, text
    for text in BENIGN:
        assert max(scorer.sentence_scores(text, [], head)) < limit, text


def test_an_insult_no_word_list_holds_is_a_warning_citing_the_policy(school):
    clauses = default_engine().pack.clauses
    for text in OFFENSIVE:
        result = check_post({**OFFICIAL, "text": text}, school)
        tone = [f for f in result["findings"] if f["kind"] == "offensive_tone"]
        assert len(tone) == 1, result["findings"]
        f = tone[0]
        assert f["source"] == "learned" and f["severity"] == "warn"
        assert f["clause"] == KINDS["offensive_tone"].staff_clause == "conduct.personal"
        assert f["clause"] in clauses
        assert (f["start"], f["end"]) == (0, len(text))
    community = check_post(
        {"author": {"role": "parent"}, "channel": {"account": "personal"}, "text": OFFENSIVE[0]},
        school,
    )
    clause = next(f["clause"] for f in community["findings"] if f["kind"] == "offensive_tone")
    assert clause == "community.no-damaging-content" and clause in clauses


def test_benign_posts_and_the_rules_alone_get_no_tone_finding(school):
    for text in BENIGN:
        result = check_post({**OFFICIAL, "text": text}, school)
        assert not any(f["kind"] == "offensive_tone" for f in result["findings"]), text
    rules_only = check_post({**OFFICIAL, "text": OFFENSIVE[0]}, school, learned=False)
    assert not any(f["kind"] == "offensive_tone" for f in rules_only["findings"])


def test_the_head_adds_to_the_lexicon_and_does_not_repeat_it(school):
    # the lexicon finds "useless waste of space"; the head scores this sentence high as well
    text = "Shut your mouth, you useless waste of space."
    head = scorer.offensive_head()
    assert head is not None and max(scorer.sentence_scores(text, [], head)) >= head.thresholds[0]
    kinds = [f["kind"] for f in check_post({**OFFICIAL, "text": text}, school)["findings"]]
    assert "offensive" in kinds and "offensive_tone" not in kinds
    # and the verdict stays the rules': a guess sets no fact
    with_head = check_post({**OFFICIAL, "text": OFFENSIVE[0]}, school)
    rules_only = check_post({**OFFICIAL, "text": OFFENSIVE[0]}, school, learned=False)
    assert with_head["verdict"] == rules_only["verdict"]


def test_the_corpus_scores_the_head_as_offensive():
    assert marked_as("offensive_tone") == "offensive"
    assert marked_as("offensive") == "offensive"


def test_the_validation_split_still_gets_what_training_measured():
    directory = train.olid_dir()
    if directory is None:
        pytest.skip("OLID's splits are not beside the repository (shared/data/olid)")
    head = scorer.load(scorer.OFFENSIVE_HEAD)
    texts, offensive = train.read_olid(directory, "val")
    assert len(texts) == 1324
    p = train.olid_scores(head, texts)
    r = train.olid_figures(p >= head.thresholds[0], offensive)
    assert r["f1_macro"] >= TRAINED_F1 - MARGIN, r
    assert r["precision"] >= TRAINED_PRECISION - MARGIN, r
    # the threshold is the trainer's rule applied to these scores, not a number put by hand
    assert train.olid_threshold(p, offensive) == pytest.approx(float(head.thresholds[0]))
