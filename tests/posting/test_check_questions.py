"""The Check a post page asks what a member of staff is asked before posting: which account and
platform, whether it is about a school activity, and who is shown (pupils tagged from the roll).
The answers feed the engine's situation, and the photo-consent check runs on the page as it does
on an official post: refused if a tagged pupil lacks consent, flagged if the faces found outnumber
the tags."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from smpolicy.posting import checking
from smpolicy.posting.models import OfficialPost
from smpolicy.schools import testing

CHECK = "/posts/check/"


def photo(face_jpeg):
    return SimpleUploadedFile("trip.jpg", face_jpeg, "image/jpeg")


def check(client, person, face_jpeg=None, **answers):
    client.force_login(person.user)
    data = {"text": "A lovely day at the farm.", "account": "official", "platform": "facebook"}
    data.update(answers)
    if face_jpeg is not None:
        data["images"] = [photo(face_jpeg)]
    return client.post(CHECK, data)


def consent_section(response):
    html = response.content.decode()
    found = re.search(r'<section[^>]*data-testid="consent-result".*?</section>', html, re.S)
    return found.group(0) if found else None


def test_the_page_asks_about_the_activity_and_who_is_shown(client, teacher, pupil, other_pupil):
    client.force_login(teacher.user)
    html = client.get(CHECK).content.decode()
    assert "Is it about a school activity" in html
    assert "Who is in the pictures?" in html
    assert "Which pupils are shown?" in html
    # The roll is searched, not listed: a search box, and no pupil until one is looked for.
    assert 'label for="id_tagged_q"' in html
    assert f'value="{pupil.pk}"' not in html
    # Without scripts the box's GET lists the matches as labelled checkboxes.
    html = client.get(CHECK, {"tagged_q": "oli"}).content.decode()
    assert re.search(rf'<input type="checkbox" name="tagged" value="{pupil.pk}"', html)
    assert f'name="tagged" value="{other_pupil.pk}"' not in html


def test_a_tagged_pupil_without_consent_is_refused(client, teacher, pupil, face_jpeg):
    section = consent_section(check(client, teacher, face_jpeg, tagged=[pupil.pk]))
    assert section is not None
    assert 'data-refused="true"' in section
    assert "Oliver Smith has no photo consent for the school&#x27;s social media" in section


def test_a_tagged_pupil_with_consent_passes(client, teacher, pupil, give_consent, face_jpeg):
    give_consent(pupil, "social_media")
    section = consent_section(check(client, teacher, face_jpeg, tagged=[pupil.pk]))
    assert 'data-refused="false"' in section
    assert "Every pupil tagged has photo consent" in section


def test_the_website_needs_website_consent(client, teacher, pupil, give_consent, face_jpeg):
    give_consent(pupil, "social_media")
    response = check(client, teacher, face_jpeg, tagged=[pupil.pk], platform="website")
    assert 'data-refused="true"' in consent_section(response)


def test_more_faces_than_tags_is_flagged(client, teacher, face_jpeg):
    section = consent_section(check(client, teacher, face_jpeg))
    assert "The checker found 1 face and 0 pupils are tagged" in section


def test_without_images_there_is_no_consent_check(client, teacher, pupil):
    assert consent_section(check(client, teacher, tagged=[pupil.pk])) is None


def test_a_pupil_of_another_school_cannot_be_tagged(client, teacher, other_school, face_jpeg):
    stranger = testing.make_person(other_school, "pupil", "Zed", "Far")
    response = check(client, teacher, face_jpeg, tagged=[stranger.pk])
    assert response.status_code == 422
    assert consent_section(response) is None
    assert "is not someone you can choose here" in response.content.decode()
    assert "Zed" not in response.content.decode()  # the id is not turned into a name


def test_the_answers_feed_the_situation_the_engine_decides(teacher, pupil):
    result = checking.check(
        teacher.school,
        teacher,
        text="Our trip to the farm",
        images=[],
        account="personal",
        platform="facebook",
        school_activity=True,
        images_of=["pupils"],
    )
    content = result["situation"]["content"]
    assert content["school_activity"] is True
    # Left unanswered, the activity is not known, which is not "no".
    unknown = checking.check(
        teacher.school, teacher, text="Our trip", images=[], account="personal"
    )
    assert "school_activity" not in unknown["situation"].get("content", {})


def test_pupils_from_a_school_activity_on_a_personal_account_are_not_allowed(
    client, teacher, pupil, give_consent, face_jpeg
):
    give_consent(pupil, "social_media")  # consent for the school's accounts, not a teacher's
    response = check(
        client,
        teacher,
        face_jpeg,
        account="personal",
        school_activity="yes",
        tagged=[pupil.pk],
    )
    html = response.content.decode()
    assert 'data-verdict="prohibited"' in html
    assert "code.images" in html


def test_saving_a_draft_keeps_the_tags(client, teacher, pupil, give_consent, face_jpeg):
    give_consent(pupil, "social_media")
    response = check(client, teacher, face_jpeg, tagged=[pupil.pk], save="1")
    assert response.status_code == 302
    post = OfficialPost.objects.get()
    assert list(post.tagged_pupils.all()) == [pupil]
    assert post.events.filter(action="tagged").exists()


def test_what_the_author_says_is_true_of_a_post_counts_as_if_it_had_been_found(client, teacher):
    """The text checks miss allegations put in words they were not shown ("we all know who's been
    dipping into the PTA funds"); the author is asked, and a ticked answer reaches the engine."""
    hinted = "We all know who has been dipping into the PTA funds this year."
    unticked = check(client, teacher, text=hinted, account="personal")
    assert 'data-verdict="prohibited"' not in unticked.content.decode()
    ticked = check(client, teacher, text=hinted, account="personal",
                   declared=["defamatory", "illegal_conduct"])
    html = ticked.content.decode()
    assert 'data-verdict="prohibited"' in html
    assert "You said: It links the school or someone to illegal conduct" in html or (
        "You said: It makes an allegation against someone" in html
    )


def test_the_api_takes_the_same_answers_and_names_a_wrong_one(client, teacher):
    client.force_login(teacher.user)
    post = {"text": "We all know who has been dipping into the PTA funds this year.",
            "author": {"role": "staff"}, "channel": {"account": "personal", "platform": "facebook"},
            "declared": ["defamatory"]}
    response = client.post("/api/posts/check", post, content_type="application/json")
    assert response.status_code == 200
    result = response.json()
    assert result["declared"] == ["defamatory"]
    assert result["situation"]["content"]["defamatory"] is True
    bad = client.post("/api/posts/check", {**post, "declared": ["rude"]},
                      content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "declared"
