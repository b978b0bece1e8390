"""Separation of duties: nobody grants themselves safeguarding access, and no side door does it.

The holes found by trying (issue 10): the headteacher, password only, added a DSL post for a
teacher in the admin; a superuser deleted its own second factor, gave itself a deputy DSL post and
re-enrolled; the audit recorded none of it. Each test below tries one of those doors.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding import access_changes, recovery, totp
from smpolicy.safeguarding.access_changes import ChangeRefused, What
from smpolicy.safeguarding.models import AccessChange, AuditEntry, SecondFactor
from smpolicy.safeguarding.records import AppendOnlyError
from smpolicy.safeguarding.testing import pass_second_factor
from smpolicy.schools import testing
from smpolicy.schools.models import GuardedPostError, Position
from smpolicy.schools.positions import positions_of

from .conftest import enrol, make_report, sign_in

pytestmark = pytest.mark.django_db

ACCESS = "/safeguarding/access/"


def _grant(room, person, post="dsl", by=None, reason="New DSL from September"):
    return access_changes.request_change(
        room.school, What.GRANT_POST, person, requested_by=by, reason=reason, post=post
    )


# -- the ORM and the admin are no way round ----------------------------------------------------


def test_a_guarded_post_cannot_be_saved_updated_or_deleted_directly(straits):
    with pytest.raises(GuardedPostError):
        Position(school=straits.school, person=straits.teacher, kind="dsl").save()
    ordinary = testing.give_position(straits.teacher, "senior_leadership")
    with pytest.raises(GuardedPostError):
        Position.objects.filter(pk=ordinary.pk).update(kind="deputy_dsl")
    ordinary = Position.objects.get(pk=ordinary.pk)  # as a page or the admin would load it
    ordinary.kind = "dsl"
    with pytest.raises(GuardedPostError):
        ordinary.save()
    dsl_post = Position.objects.get(person=straits.dsl, kind="dsl")
    dsl_post.ends_on = timezone.localdate()
    with pytest.raises(GuardedPostError):
        dsl_post.save()
    with pytest.raises(GuardedPostError):
        Position.objects.filter(person=straits.dsl).delete()
    with pytest.raises(GuardedPostError):
        Position.objects.filter(pk=dsl_post.pk).first().delete()
    assert "dsl" not in positions_of(straits.teacher)


@pytest.mark.parametrize("who", ["head", "superuser"])
def test_the_admin_neither_offers_nor_takes_a_guarded_post(client, straits, who):
    if who == "head":
        user = straits.head.user
        user.is_staff = True
        user.is_superuser = True  # the strongest the admin can be: still no door
        user.save()
    else:
        user = testing.make_user(is_superuser=True, is_staff=True)
    client.force_login(user)
    # Password only: not even the form.
    assert client.get("/admin/schools/position/add/")["Location"].startswith(
        "/safeguarding/second-factor/"
    )
    pass_second_factor(client, user)
    form = client.get("/admin/schools/position/add/").content.decode()
    assert 'value="dsl"' not in form and 'value="headteacher"' not in form
    assert 'value="it_lead"' in form
    posted = client.post(
        "/admin/schools/position/add/",
        {"kind": "dsl", "person": straits.teacher.pk, "starts_on": "2026-01-01"},
    )
    assert posted.status_code == 200 and "Select a valid choice" in posted.content.decode()
    listing = client.get("/admin/schools/position/").content.decode()
    assert "Designated Safeguarding Lead" not in listing
    dsl_post = Position.objects.get(person=straits.dsl, kind="dsl")
    assert client.get(f"/admin/schools/position/{dsl_post.pk}/change/").status_code in (302, 404)
    assert "dsl" not in positions_of(straits.teacher)


def test_the_admin_cannot_hand_the_dsl_s_person_to_another_account(client, straits):
    """Linking the teacher's account to the DSL's person would make the teacher the DSL."""
    user = testing.make_user(is_superuser=True, is_staff=True)
    client.force_login(user)
    pass_second_factor(client, user)
    page = client.get(f"/admin/schools/person/{straits.dsl.pk}/change/").content.decode()
    assert 'name="user"' not in page
    client.post(
        f"/admin/schools/person/{straits.dsl.pk}/change/",
        {
            "school": straits.school.pk,
            "first_name": "Dora",
            "last_name": straits.dsl.last_name,
            "role": "staff",
            "user": straits.teacher.user.pk,
            "positions-TOTAL_FORMS": "0",
            "positions-INITIAL_FORMS": "0",
        },
    )
    straits.dsl.refresh_from_db()
    assert straits.dsl.user_id != straits.teacher.user_id
    # Nor can it set the DSL's password.
    assert client.get(
        f"/admin/auth/user/{straits.dsl.user.pk}/password/"
    ).status_code in (403, 404)


def test_second_factors_are_not_in_the_admin_so_none_is_deleted_there(client, straits):
    user = testing.make_user(is_superuser=True, is_staff=True)
    factor = enrol(user)
    client.force_login(user)
    pass_second_factor(client, user)
    for url in (
        "/admin/safeguarding/secondfactor/",
        f"/admin/safeguarding/secondfactor/{factor.pk}/delete/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"post": "yes"}).status_code == 404
    assert SecondFactor.objects.filter(pk=factor.pk, revoked_at__isnull=True).exists()


def test_a_superuser_sees_no_records_even_with_a_second_factor(client, straits):
    make_report(straits, account="MARK-superuser-END")
    user = testing.make_user(is_superuser=True, is_staff=True)
    client.force_login(user)
    pass_second_factor(client, user)
    for url in ("/safeguarding/", "/safeguarding/records/", "/safeguarding/access/", "/admin/"):
        assert "MARK-superuser-END" not in client.get(url).content.decode()


# -- the confirmed way -------------------------------------------------------------------------


def test_a_dsl_post_waits_for_the_headteacher_and_is_audited_and_told(
    straits, django_capture_on_commit_callbacks
):
    senior = testing.make_person(straits.school, "staff", positions=["senior_leadership"])
    with django_capture_on_commit_callbacks(execute=True):
        change = _grant(straits, straits.teacher, by=senior)
    assert change.status == "pending"
    assert "dsl" not in positions_of(straits.teacher), "nothing happens before confirmation"
    assert [p.pk for p in access_changes.confirmers(change)] == [straits.head.pk]
    told = {address for message in mail.outbox for address in message.to}
    assert {"dsl@straits.sch.uk", "deputy@straits.sch.uk", "head@straits.sch.uk"} <= told
    assert all("Ada" not in m.body and "New DSL" not in m.body for m in mail.outbox), "links only"

    with pytest.raises(ChangeRefused):
        access_changes.confirm(change, straits.dsl)  # not the headteacher
    with pytest.raises(ChangeRefused):
        access_changes.confirm(change, senior)  # asked for it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        access_changes.confirm(change, straits.head, note="Agreed at SLT")
    assert "dsl" in positions_of(straits.teacher)
    actions = list(
        AuditEntry.objects.filter(record_type="accesschange").values_list("action", flat=True)
    )
    assert actions.count("request_access_change") == 1
    assert actions.count("confirm_access_change") == 1
    assert mail.outbox, "the DSL team hears of the confirmation too"
    with pytest.raises(ChangeRefused):
        access_changes.confirm(change, straits.head)  # once only


def test_nobody_confirms_their_own_access(straits):
    change = _grant(straits, straits.teacher, by=straits.teacher, reason="I would like it")
    with pytest.raises(ChangeRefused, match="own access"):
        access_changes.confirm(change, straits.teacher)
    # The headteacher asking for themselves: the Chair confirms, not the headteacher.
    testing.make_person(straits.school, "staff", positions=["headteacher"])  # a second head
    mine = _grant(straits, straits.head, post="deputy_dsl", by=straits.head, reason="cover")
    with pytest.raises(ChangeRefused):
        access_changes.confirm(mine, straits.head)
    assert straits.head.pk not in [p.pk for p in access_changes.confirmers(mine)]


def test_the_head_s_own_request_goes_to_the_chair(straits):
    change = _grant(straits, straits.teacher, by=straits.head)
    assert [p.pk for p in access_changes.confirmers(change)] == [straits.chair.pk]
    access_changes.confirm(change, straits.chair)
    assert "dsl" in positions_of(straits.teacher)


def test_a_new_headteacher_needs_the_chair(straits):
    change = _grant(straits, straits.teacher, post="headteacher", by=straits.head)
    with pytest.raises(ChangeRefused):
        access_changes.confirm(change, straits.dsl)
    access_changes.confirm(change, straits.chair)
    assert "headteacher" in positions_of(straits.teacher)


def test_ending_a_post_takes_effect_at_once(straits):
    change = access_changes.request_change(
        straits.school,
        What.END_POST,
        straits.deputy,
        requested_by=straits.dsl,
        reason="Left the school",
        post="deputy_dsl",
    )
    assert "deputy_dsl" in positions_of(straits.deputy)
    access_changes.confirm(change, straits.head)
    assert "deputy_dsl" not in positions_of(straits.deputy)
    assert Position.objects.filter(person=straits.deputy, kind="deputy_dsl").exists(), "kept"


def test_a_request_says_what_is_wrong(straits, harbour):
    cases = [
        (dict(what=What.GRANT_POST, person=straits.teacher, post="it_lead"), "not one of"),
        (dict(what=What.GRANT_POST, person=straits.governor, post="dsl"), "must be staff"),
        (dict(what=What.GRANT_POST, person=straits.dsl, post="dsl"), "already holds"),
        (dict(what=What.END_POST, person=straits.teacher, post="dsl"), "does not hold"),
        (dict(what=What.RESET_SECOND_FACTOR, person=straits.teacher), "no second factor"),
        (dict(what=What.GRANT_POST, person=harbour.teacher, post="dsl"), "not at this school"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ChangeRefused, match=message):
            access_changes.request_change(
                straits.school, requested_by=straits.head, reason="x", **kwargs
            )
    with pytest.raises(ChangeRefused, match="Say why"):
        _grant(straits, straits.teacher, by=straits.head, reason="  ")
    _grant(straits, straits.teacher, by=straits.head)
    with pytest.raises(ChangeRefused, match="already waiting"):
        _grant(straits, straits.teacher, by=straits.head)


def test_a_request_is_kept_as_written(straits):
    change = _grant(straits, straits.teacher, by=straits.head)
    change.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    access_changes.refuse(change, straits.chair, note="Not yet trained")
    change.refresh_from_db()
    change.status = "pending"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(ChangeRefused, match="Say why"):
        access_changes.refuse(_grant(straits, straits.colleague, by=straits.head), straits.chair)


def test_a_second_factor_reset_revokes_and_keeps_the_old_one(straits):
    factor = enrol(straits.dsl)
    codes = recovery.new_codes(factor)
    change = access_changes.request_change(
        straits.school,
        What.RESET_SECOND_FACTOR,
        straits.dsl,
        requested_by=straits.dsl,
        reason="Phone lost",
    )
    with pytest.raises(ChangeRefused):
        access_changes.confirm(change, straits.dsl)
    access_changes.confirm(change, straits.head)
    factor.refresh_from_db()
    assert factor.revoked_at is not None and factor.revoked_by_change_id == change.pk
    assert totp.factor_of(straits.dsl.user) is None
    assert not recovery.use(factor, codes[0]), "its recovery codes went with it"
    # A new one can be enrolled; two active ones cannot exist.
    enrol(straits.dsl)
    with pytest.raises(IntegrityError):
        SecondFactor.objects.create(user=straits.dsl.user, secret="A" * 32)


def test_the_head_s_own_reset_goes_to_the_chair(straits):
    enrol(straits.head)
    change = access_changes.request_change(
        straits.school, What.RESET_SECOND_FACTOR, straits.head, requested_by=None, reason="lost"
    )
    assert [p.pk for p in access_changes.confirmers(change)] == [straits.chair.pk]


# -- the page ----------------------------------------------------------------------------------


def test_the_page_needs_the_second_factor_for_everyone(client, straits):
    for person in (straits.head, straits.dsl, straits.chair):
        sign_in(client, person, second_factor=False)
        response = client.get(ACCESS)
        assert response.status_code == 302, person
        assert response["Location"].startswith("/safeguarding/second-factor/")
        client.logout()
    sign_in(client, straits.teacher)
    assert client.get(ACCESS).status_code == 403


def test_on_the_page_one_asks_and_another_confirms(client, straits, harbour):
    sign_in(client, straits.dsl)
    asked = client.post(
        ACCESS,
        {
            "what": "grant_post",
            "person": straits.teacher.pk,
            "post": "deputy_dsl",
            "reason": "Second deputy for the juniors",
        },
    )
    assert asked.status_code == 302
    change = AccessChange.objects.get(person=straits.teacher)
    page = client.get(ACCESS).content.decode()
    assert "Give the Deputy Designated Safeguarding Lead post to Ada" in page
    assert f'action="/safeguarding/access/{change.pk}/decide/"' in page  # to withdraw
    assert client.post(
        f"/safeguarding/access/{change.pk}/decide/", {"decision": "confirm"}
    ).status_code == 302
    assert "deputy_dsl" not in positions_of(straits.teacher), "the DSL cannot confirm it"
    client.logout()

    sign_in(client, harbour.head)  # another school's headteacher: no such request
    assert client.post(
        f"/safeguarding/access/{change.pk}/decide/", {"decision": "confirm"}
    ).status_code == 404
    client.logout()

    sign_in(client, straits.head)
    home = client.get("/").content.decode()
    assert "1 change to safeguarding access waits for your confirmation" in home
    client.post(f"/safeguarding/access/{change.pk}/decide/", {"decision": "confirm"})
    assert "deputy_dsl" in positions_of(straits.teacher)
    entry = AuditEntry.objects.filter(action="confirm_access_change").get()
    assert entry.username == straits.head.user.username


def test_the_page_says_what_was_wrong_and_keeps_what_was_typed(client, straits):
    sign_in(client, straits.head)
    response = client.post(
        ACCESS,
        {"what": "grant_post", "person": straits.dsl.pk, "post": "dsl", "reason": "Typed text"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "already holds" in body and "Typed text" in body


# -- the second factor itself: idle limit, recovery codes ---------------------------------------


def test_a_session_unused_for_longer_than_the_school_allows_asks_again(client, straits):
    report = make_report(straits)
    url = reverse("safeguarding:report_detail", args=[report.pk])
    client.force_login(straits.dsl.user)
    pass_second_factor(client, straits.dsl.user, at=timezone.now() - dt.timedelta(minutes=29))
    assert client.get(url).status_code == 200
    pass_second_factor(client, straits.dsl.user, at=timezone.now() - dt.timedelta(minutes=31))
    response = client.get(url)
    assert response["Location"].startswith(reverse("safeguarding:second_factor_verify"))
    straits.school.second_factor_idle_minutes = 10
    straits.school.save()
    pass_second_factor(client, straits.dsl.user, at=timezone.now() - dt.timedelta(minutes=11))
    assert client.get(url).status_code == 302
    pass_second_factor(client, straits.dsl.user, at=timezone.now() - dt.timedelta(minutes=9))
    assert client.get(url).status_code == 200


def test_a_reset_factor_no_longer_opens_a_session_verified_with_it(client, straits):
    report = make_report(straits)
    url = reverse("safeguarding:report_detail", args=[report.pk])
    sign_in(client, straits.dsl)
    assert client.get(url).status_code == 200
    change = access_changes.request_change(
        straits.school, What.RESET_SECOND_FACTOR, straits.dsl, requested_by=None, reason="stolen"
    )
    access_changes.confirm(change, straits.head)
    assert client.get(url).status_code == 302


def test_a_recovery_code_works_once(client, straits):
    factor = enrol(straits.dsl)
    codes = recovery.new_codes(factor)
    report = make_report(straits)
    url = reverse("safeguarding:report_detail", args=[report.pk])
    sign_in(client, straits.dsl, second_factor=False)
    recover = reverse("safeguarding:second_factor_recover")
    wrong = client.post(recover, {"code": "0000-0000-0000-0000", "next": url})
    assert wrong.status_code == 422
    right = client.post(recover, {"code": codes[3].lower().replace("-", " "), "next": url})
    assert right.status_code == 302 and right["Location"] == url
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="recovery_code", note="used").exists()
    client.logout()
    sign_in(client, straits.dsl, second_factor=False)
    again = client.post(recover, {"code": codes[3], "next": url})
    assert again.status_code == 422
    assert recovery.unused(factor) == 9


def test_wrong_recovery_codes_lock_like_wrong_app_codes(straits):
    factor = enrol(straits.dsl)
    codes = recovery.new_codes(factor)
    for _ in range(totp.MAX_FAILURES):
        assert not recovery.use(factor, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    with pytest.raises(totp.Locked):
        recovery.use(factor, codes[0])


def test_new_recovery_codes_need_the_second_factor_and_replace_the_old(client, straits):
    factor = enrol(straits.dsl)
    old = recovery.new_codes(factor)
    sign_in(client, straits.dsl, second_factor=False)
    page = reverse("safeguarding:recovery_codes")
    assert client.get(page).status_code == 302
    client.logout()
    sign_in(client, straits.dsl)
    made = client.post(page).content.decode()
    assert made.count("<code>") == 10
    assert not recovery.use(factor, old[0])
