"""Ask in your own words (issue 12, item 6): a sentence fills in the Ask form's questions for the
person to check; what it does not say is left unanswered. These sentences are the developers' own;
the blind set in corpus/ is scored by bench/ask_words.py and never tuned on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from browsing import accessibility_violations, sign_in
from smpolicy.asking.words import read_question

ASK = reverse("asking:ask")


def situation(text: str, role: str = "staff") -> dict:
    return read_question(text, role).situation()


def test_a_pupils_friend_request_is_a_request_received_from_a_pupil_on_their_platform():
    reading = read_question("a Year 5 girl sent me a friend request on Instagram", "staff")
    assert reading.situation() == {
        "actor": {"role": "staff"},
        "action": "receive_message",
        "counterpart": {"role": "pupil"},
        "channel": {"platform": "instagram", "account": "personal"},
    }
    assert reading.hints == {"age_range": [9, 10]}  # a year group is an age range, not an age
    assert reading.answers["channel.platform"].words == "Instagram"


def test_asking_whether_to_accept_is_connecting_and_a_stated_age_and_leaving_are_kept():
    got = situation("Can I accept a friend request from an ex-pupil who is now 19?")
    assert got["action"] == "connect"
    assert got["counterpart"] == {"role": "pupil", "on_roll": "former", "age": 19}


def test_a_parents_messages_and_the_trip():
    got = situation("a dad keeps messaging me on WhatsApp about the trip")
    assert got["action"] == "receive_message"
    assert got["counterpart"] == {"role": "parent"}
    assert got["channel"]["platform"] == "whatsapp"
    assert got["content"]["school_activity"] is True


def test_a_parent_asking_about_their_own_child_signing_up_makes_the_child_the_actor():
    got = situation("can my 11 year old daughter sign up to tiktok", "parent")
    assert got["actor"] == {"role": "pupil", "age": 11}
    assert (got["action"], got["channel"]) == ("sign_up", {"platform": "tiktok"})


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("is it ok to give my mobile number to a parent", "channel.account", "personal_phone"),
        ("I want to post sports day photos on the school facebook page", "channel.account",
         "official"),
        ("someone keeps leaving nasty comments about me on facebook", "action",
         "experience_abuse"),
        ("I'd like to use the school logo on my own Instagram", "action", "use_branding"),
        ("can I look at facebook on the guest wifi", "network", "guest_wifi"),
        ("can I check instagram on my own phone in the staffroom", "device", "personal"),
        ("can I check instagram on my own phone in the staffroom", "on_premises", True),
        ("a pupil from another school followed me on tiktok", "counterpart.on_roll", "never"),
    ],
)
def test_each_question_is_answered_from_its_words(text, path, value):
    assert read_question(text).value(path) == value


def test_what_the_sentence_does_not_say_is_left_unanswered():
    reading = read_question("a parent added me on facebook")
    assert set(reading.answers) == {
        "actor.role", "action", "counterpart.role", "channel.platform", "channel.account"
    }
    assert read_question("What time is the staff meeting?").situation() == {
        "actor": {"role": "staff"}
    }
    assert read_question("   ").answers == {}


def test_the_page_fills_the_form_and_says_what_it_took_from_where(client, teacher):
    client.force_login(teacher.user)
    page = client.post(
        ASK, {"words": "a Year 5 girl sent me a friend request on Instagram", "read_words": "1"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    chosen = html.split('value="receive_message"')[1].split(">")[0]
    assert "checked" in chosen
    assert '<option value="instagram" selected>' in html
    assert "9 or 10 years old" in html
    assert "(from “Instagram”)" in html
    assert "?words=" not in html  # the words travel in the body, never an address
    assert "kept with your name for 90 days" in html  # the page says what is kept, and how long


def test_an_empty_sentence_is_refused_saying_so(client, teacher):
    client.force_login(teacher.user)
    page = client.post(ASK, {"words": "", "read_words": "1"})
    assert page.status_code == 422
    assert "This field is required" in page.content.decode()


def test_a_teacher_asks_in_words_checks_the_answers_and_gets_the_answer(
    page, live_server, school, teacher
):
    sign_in(page, live_server.url, "teacher")
    page.goto(f"{live_server.url}{reverse('asking:ask')}")
    page.get_by_label("Ask in your own words").fill(
        "a Year 5 girl sent me a friend request on Instagram"
    )
    page.get_by_role("button", name="Fill in the questions").click()
    read = page.get_by_test_id("words-read")
    assert "Instagram" in read.inner_text() and "9 or 10 years old" in read.inner_text()
    assert page.locator('input[name="action"][value="receive_message"]').is_checked()
    assert page.locator('select[name="platform"]').input_value() == "instagram"
    assert accessibility_violations(page) == []
    page.get_by_label("Their age, if you know it").fill("10")
    page.get_by_role("button", name="Ask the policy", exact=True).click()
    page.wait_for_load_state()
    heading = page.locator("#result-title").inner_text()
    assert heading and heading != "The policy does not cover this"
    assert page.locator("ol.obligations li[data-kind='report']").count() >= 1
    assert accessibility_violations(page) == []


def test_the_sentence_reader_is_behind_the_same_door_as_the_ask_page(client, school):
    # The side door: POSTing words straight to the reader without signing in.
    page = client.post(ASK, {"words": "a Year 5 girl sent me a friend request", "read_words": "1"})
    assert page.status_code == 302 and reverse("schools:login") in page["Location"]
