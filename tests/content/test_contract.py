"""The contract's example post gives the contract's result (../shared/contracts/post-check.md)."""

from __future__ import annotations

from smpolicy.content import check_post

from .conftest import CORPUS

EXAMPLE = "Great day at sports day with Oliver Smith and Amira Khan! Call me on 07700 900123"


def example(images=("images/sports-day-1.jpg",)):
    return {
        "text": EXAMPLE,
        "images": list(images),
        "author": {"role": "staff"},
        "channel": {"account": "personal", "platform": "facebook"},
    }


def test_the_example_is_prohibited_citing_images_and_contact_details(school):
    result = check_post(example(), school, base_dir=CORPUS)
    assert result["verdict"] == "prohibited"
    assert result["clauses"] == ["code.images", "personal-info.contact-details"]
    assert result["decision"]["verdict"] == "prohibited"
    assert result["decision"]["clauses"] == result["clauses"]  # one decision, never two


def test_the_example_names_oliver_smith_at_29_to_41(school):
    findings = check_post(example(), school, base_dir=CORPUS)["findings"]
    oliver = findings[0]
    assert oliver == {
        "kind": "pupil_name",
        "clause": "code.images",
        "severity": "block",
        "text": "Oliver Smith",
        "start": 29,
        "end": 41,
        "confidence": 0.98,
    }
    assert EXAMPLE[29:41] == "Oliver Smith"


def test_the_example_names_amira_khan_too(school):
    findings = check_post(example(), school, base_dir=CORPUS)["findings"]
    assert {"kind": "pupil_name", "text": "Amira Khan", "start": 46, "end": 56}.items() <= findings[
        1
    ].items()


def test_the_example_phone_is_a_personal_phone_where_it_is_in_the_text(school):
    # The contract's example says 68-80; in its own text the number runs from 69 to 81.
    phone = next(
        f
        for f in check_post(example(), school, base_dir=CORPUS)["findings"]
        if f["kind"] == "personal_phone"
    )
    assert phone == {
        "kind": "personal_phone",
        "clause": "personal-info.contact-details",
        "severity": "block",
        "text": "07700 900123",
        "start": 69,
        "end": 81,
        "confidence": 1.0,
    }
    assert EXAMPLE[69:81] == "07700 900123"


def test_the_example_picture_shows_a_face_with_a_box(school):
    faces = [
        f for f in check_post(example(), school, base_dir=CORPUS)["findings"] if f["kind"] == "face"
    ]
    assert len(faces) == 1
    face = faces[0]
    assert face["clause"] == "code.images" and face["severity"] == "block" and face["image"] == 0
    x, y, w, _h = face["box"]
    assert 380 <= x <= 520 and 240 <= y <= 380 and 60 <= w <= 200
    assert 0.75 <= face["confidence"] <= 1.0


def test_every_finding_has_the_contract_fields(school):
    for finding in check_post(example(), school, base_dir=CORPUS)["findings"]:
        assert {"kind", "clause", "severity", "confidence"} <= finding.keys()
        assert finding["severity"] in ("block", "warn", "info")
        assert ("start" in finding and "end" in finding and "text" in finding) or (
            "image" in finding
        )


def test_without_the_picture_the_pupils_named_are_confidential_data_on_a_personal_account(school):
    result = check_post(example(images=()), school)
    names = [f for f in result["findings"] if f["kind"] == "pupil_name"]
    assert [f["clause"] for f in names] == ["code.confidential-information"] * 2
    assert result["verdict"] == "prohibited"
    assert "personal-info.contact-details" in result["clauses"]
