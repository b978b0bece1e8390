"""The Ask the policy page: plain questions, the verdict, its clauses and what to do next."""

from __future__ import annotations

from smpolicy.asking.models import DecisionRecord


def ask(client, **answers):
    data = {"role": "staff", "action": "other"}
    data.update(answers)
    return client.post("/ask/", data)


def test_the_page_needs_a_signed_in_member_of_staff(client, db, parent) -> None:
    response = client.get("/ask/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(parent.user)
    assert client.get("/ask/").status_code == 403


def test_the_form_starts_from_the_person_s_own_role(client, teacher) -> None:
    client.force_login(teacher.user)
    response = client.get("/ask/")
    assert response.status_code == 200
    assert response.context["form"].initial["role"] == "staff"


def test_a_pupil_messaging_a_teacher_tells_them_to_report_to_the_dsl_now(client, teacher, school) -> None:
    client.force_login(teacher.user)
    response = ask(client, action="receive_message", counterpart="pupil", counterpart_age="10",
                   on_roll="current", account="personal", platform="snapchat")
    assert response.status_code == 200
    result = response.context["result"]
    assert result["decision"]["verdict"] == "allowed_with_conditions"
    page = response.content.decode()
    # Headed by what the obligations say: receiving it broke no rule, but "Allowed" misleads.
    assert "Do not accept or reply; report it to the DSL now" in page
    assert "Allowed, if you do what follows" not in page
    assert "Report it — the Designated Safeguarding Lead (or deputy), now." in page
    assert "code.report-child-contact" in page
    assert DecisionRecord.objects.for_school(school).get().source == "page"


def test_not_sure_answers_are_left_out_and_asked_for(client, teacher) -> None:
    client.force_login(teacher.user)
    response = ask(client, action="speak_for_school", speak_for_school="")
    result = response.context["result"]
    assert result["decision"]["verdict"] == "needs_approval"
    assert result["decision"]["missing"] == ["permissions.speak_for_school"]
    assert "whether you are approved to speak for the school" in response.content.decode()


def test_ticked_content_reaches_the_engine(client, teacher) -> None:
    client.force_login(teacher.user)
    response = ask(client, action="post", account="personal", platform="facebook",
                   images_of=["pupils"], flags=["school_activity"])
    assert response.context["result"]["decision"]["clauses"][0] == "code.images"
    assert "Not allowed" in response.content.decode()


def test_an_unknown_choice_is_a_clear_form_error(client, teacher) -> None:
    client.force_login(teacher.user)
    response = ask(client, action="frend")
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert DecisionRecord.objects.count() == 0


def test_a_teacher_asks_whether_a_nine_year_old_may_sign_up_to_tiktok(client, teacher) -> None:
    client.force_login(teacher.user)
    response = ask(client, role="pupil", actor_age="9", action="sign_up", platform="tiktok")
    decision = response.context["result"]["decision"]
    assert decision["verdict"] == "prohibited"
    assert decision["clauses"][0] == "community.age-restrictions"
    assert decision["missing"] == []


def test_an_obligation_to_report_links_to_the_report_form_with_the_situation(client, teacher) -> None:
    client.force_login(teacher.user)
    response = ask(client, action="receive_message", counterpart="pupil", on_roll="current",
                   account="personal", platform="snapchat")
    report = next(o for o in response.context["result"]["obligations"] if o["kind"] == "report")
    assert report["report_url"].startswith("/safeguarding/reports/new/?")
    assert "action=receive_message" in report["report_url"]
    assert "counterpart=pupil" in report["report_url"] and "platform=snapchat" in report["report_url"]
    assert "Start a report" in response.content.decode()
