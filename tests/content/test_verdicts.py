"""The verdict is the decision engine's: findings map to situation facts, the engine decides."""

from __future__ import annotations

from smpolicy.content import check_post
from smpolicy.policy import decide

from .conftest import CORPUS


def test_a_post_with_nothing_in_it_is_what_the_engine_says_of_posting(school, post):
    result = check_post(post("Lovely sunny day for a walk"), school)
    expected = decide(
        {
            "actor": {"role": "staff"},
            "action": "post",
            "channel": {"account": "personal", "platform": "facebook"},
        }
    )
    assert result["findings"] == []
    assert result["verdict"] == expected["verdict"] == "allowed"
    assert result["decision"] == expected


def test_the_result_carries_the_situation_the_engine_decided(school, post):
    result = check_post(post("Proud to teach at Straits Primary School"), school)
    assert result["situation"]["content"] == {"school_branding": True}
    assert result["decision"] == decide(result["situation"])


def test_the_schools_name_on_a_personal_account_needs_the_headteachers_permission(school, post):
    result = check_post(post("Proud to teach at Straits Primary School"), school)
    assert result["verdict"] == "needs_approval"
    assert result["clauses"] == ["code.school-branding"]
    assert result["findings"][0]["severity"] == "warn"
    assert result["findings"][0]["clause"] == "code.school-branding"


def test_written_permission_in_the_post_lets_it_through(school, post):
    text = "Proud to teach at Straits Primary School"
    result = check_post(post(text, permissions={"branding_written_permission": True}), school)
    assert result["verdict"] == "allowed"
    assert result["findings"][0]["severity"] == "info"


def test_an_approved_spokesperson_may_post_pupils_pictures_on_the_official_account(school):
    result = check_post(
        {
            "text": "Sports day!",
            "images": ["images/sports-day-1.jpg"],
            "author": {"role": "staff"},
            "channel": {"account": "official", "platform": "facebook"},
            "permissions": {"speak_for_school": True},
        },
        school,
        base_dir=CORPUS,
    )
    assert result["verdict"] == "allowed_with_conditions"
    assert result["checks"] == ["photo_consent"]
    assert any(o.get("check") == "photo_consent" for o in result["decision"]["obligations"])
    face = next(f for f in result["findings"] if f["kind"] == "face")
    assert face["severity"] == "warn" and face["clause"] == "code.images"


def test_a_pupil_named_beside_their_picture_is_refused_even_on_the_official_account(school):
    result = check_post(
        {
            "text": "Well done Oliver Smith!",
            "images": ["images/sports-day-1.jpg"],
            "author": {"role": "staff"},
            "channel": {"account": "official", "platform": "facebook"},
            "permissions": {"speak_for_school": True},
        },
        school,
        base_dir=CORPUS,
    )
    assert result["verdict"] == "prohibited"
    name = next(f for f in result["findings"] if f["kind"] == "pupil_name")
    assert name["severity"] == "block"


def test_a_pupil_named_on_the_official_account_without_pictures_is_information(school):
    result = check_post(
        {
            "text": "Star of the week: Oliver Smith",
            "author": {"role": "staff"},
            "channel": {"account": "official"},
            "permissions": {"speak_for_school": True},
        },
        school,
    )
    assert result["verdict"] == "allowed"
    assert result["findings"][0]["severity"] == "info"


def test_a_parent_criticising_the_school_is_against_the_community_rules(school):
    result = check_post(
        {
            "text": "The school is useless",
            "author": {"role": "parent"},
            "channel": {"account": "personal", "platform": "facebook"},
        },
        school,
    )
    assert result["verdict"] == "prohibited"
    assert result["clauses"][0] == "community.no-damaging-content"
    assert result["findings"][0]["clause"] == "community.no-damaging-content"


def test_for_a_governor_the_code_of_conduct_is_advice(school):
    result = check_post(
        {
            "text": "Between you and me, please keep this confidential",
            "author": {"role": "governor"},
            "channel": {"account": "personal"},
        },
        school,
    )
    assert result["verdict"] == "prohibited"  # data protection law binds governors too
    assert "conduct.legislation" in result["clauses"]


def test_discriminatory_language_is_prohibited_under_the_equality_duties(school, post):
    result = check_post(post("Stop acting like a retard"), school)
    assert result["verdict"] == "prohibited"
    assert result["findings"][0]["clause"] == "conduct.legislation"
    assert result["findings"][0]["severity"] == "block"


def test_swearing_with_no_one_named_is_noted_not_blocked(school, post):
    result = check_post(post("What a fucking day"), school)
    assert result["verdict"] == "allowed"
    assert result["findings"][0]["severity"] == "info"


def test_a_personal_number_is_decided_as_sharing_contact_details(school, post):
    result = check_post(post("Text me on 07911 123456"), school)
    assert result["verdict"] == "prohibited"
    assert result["clauses"][-1] == "personal-info.contact-details"
    related = result["related_decisions"][0]
    assert related["situation"]["action"] == "share_contact_details"
    assert related["situation"]["channel"]["account"] == "personal_phone"
    assert related["decision"]["verdict"] == "prohibited"


def test_the_posts_decision_carries_what_its_contact_details_decided(school, post):
    # A page heads the post with its decision: it must not say "Allowed" above a block.
    result = check_post(post("Ring me on 07700 900123 or mail jo.smith1987@gmail.com"), school)
    decision = result["decision"]
    assert decision["verdict"] == result["verdict"] == "prohibited"
    assert decision["clauses"] == result["clauses"]
    assert "personal-info.contact-details" in decision["clauses"]
    assert "school's e-mail" in decision["explanation"]
    assert {f["severity"] for f in result["findings"]} == {"block"}


def test_a_parents_number_is_not_the_policys_business(school):
    result = check_post(
        {
            "text": "Text me on 07911 123456 about the costumes",
            "author": {"role": "parent"},
            "channel": {"account": "personal"},
        },
        school,
    )
    assert result["verdict"] == "allowed"
    assert result["findings"][0]["severity"] == "info"


def test_unsure_findings_are_at_most_warnings(school, post):
    result = check_post(post("Shout out to Amria for her kindness"), school)
    name = result["findings"][0]
    assert name["confidence"] < 0.75 and name["severity"] == "warn"


def test_a_finding_read_from_a_picture_says_which_picture_and_where(school, post):
    result = check_post(post("Sign", images=["images/text-door-code.jpg"]), school, base_dir=CORPUS)
    if result["images"][0]["ocr"].startswith("unavailable"):
        return  # no tesseract here; test_images covers the rest
    code = next(f for f in result["findings"] if f["kind"] == "security_sensitive")
    assert code["image"] == 0 and code["source"] == "image_text" and len(code["box"]) == 4
    assert result["verdict"] == "prohibited"


def test_what_the_author_declares_counts_for_the_post_but_not_for_each_finding(school, post):
    import pytest

    from smpolicy.content.checker import PostError

    hinted = "We all know who has been dipping into the PTA funds, Oliver Smith told me"
    plain = check_post(post(hinted), school)
    declared = check_post({**post(hinted), "declared": ["defamatory", "illegal_conduct"]}, school)
    assert declared["situation"]["content"]["defamatory"] is True
    assert declared["declared"] == ["defamatory", "illegal_conduct"]
    assert declared["verdict"] == "prohibited"
    # The pupil's name keeps its own severity: the answers are about the post as a whole.
    def name_severity(result):
        return next(f["severity"] for f in result["findings"] if f["kind"] == "pupil_name")
    assert name_severity(declared) == name_severity(plain)
    with pytest.raises(PostError, match="declared: expected a list drawn from"):
        check_post({**post(hinted), "declared": ["rude"]}, school)
