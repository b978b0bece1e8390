"""A school's API keys for other systems (issue 10): made and revoked by the headteacher or IT
lead, shown once, kept hashed, acting for their school only and within their scopes; POSTs work
with a key and with HTTP Basic without a CSRF token, while the browser's session keeps CSRF."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from smpolicy.asking.models import DecisionRecord
from smpolicy.policy.vocabulary import VERDICTS
from smpolicy.safeguarding.models import AuditEntry
from smpolicy.schools import apikeys, testing
from smpolicy.schools.models import ApiKey, ApiKeyKept

pytestmark = pytest.mark.django_db
PAGE = reverse("schools:api_keys")
DECISIONS = "/api/decisions"
CHECK = "/api/posts/check"
SITUATION = {
    "actor": {"role": "staff", "age": 34},
    "action": "connect",
    "counterpart": {"role": "pupil", "age": 12, "on_roll": "current"},
    "channel": {"account": "personal", "platform": "instagram"},
}
POST = {"text": "Well done to everyone at sports day!", "author": {"role": "staff"},
        "channel": {"account": "official", "platform": "facebook"}}


@pytest.fixture
def head(school):
    person = testing.make_person(school, "staff", "Hana", "Head", positions=["headteacher"])
    testing.make_user(person, username="head")
    return person


@pytest.fixture
def it_lead(school):
    person = testing.make_person(school, "third_party", "Ian", "Tee", positions=["it_lead"])
    testing.make_user(person, username="itlead")
    return person


@pytest.fixture
def teacher(school):
    person = testing.make_person(school, "staff", "Ada", "Lovelace")
    testing.make_user(person, username="teacher")
    return person


def call(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def make_key(school, by, scopes=("decisions", "posts"), name="MIS sync"):
    return apikeys.create(school, name, list(scopes), by.user)


# -- the page --------------------------------------------------------------------------------


def test_the_headteacher_makes_a_key_and_sees_it_once(client, school, head):
    client.force_login(head.user)
    assert "API keys" in client.get(reverse("schools:home")).content.decode()
    made = client.post(PAGE, {"name": "Website post checker", "scopes": ["posts"]})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    key = ApiKey.objects.for_school(school).get()
    page = made.content.decode()
    token = page.split('id="new-key" type="text" readonly value="')[1].split('"')[0]
    assert token.startswith(f"smp_{key.prefix}_") and len(token) > 50
    assert (key.name, key.scopes, key.created_by) == ("Website post checker", ["posts"], head.user)
    assert key.created_by_name == "Hana Head"
    # Kept as a SHA-256 only: the key is in no column.
    assert key.key_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiKey._meta.db_table}")
        assert not any(token in str(value) for value in cursor.fetchone())
    again = client.get(PAGE).content.decode()
    assert token not in again and f"smp_{key.prefix}" in again and "Website post checker" in again


def test_the_it_lead_manages_keys_and_a_teacher_may_not(client, school, it_lead, teacher):
    client.force_login(it_lead.user)
    assert client.get(PAGE).status_code == 200
    client.force_login(teacher.user)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "Mine", "scopes": ["decisions"]}).status_code == 403
    assert not ApiKey.objects.exists()
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_a_key_without_a_scope_is_refused_keeping_its_name(client, head):
    client.force_login(head.user)
    response = client.post(PAGE, {"name": "MIS sync"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose at least one thing the key may do." in page and 'value="MIS sync"' in page
    assert client.post(PAGE, {"name": "MIS", "scopes": ["admin"]}).status_code == 422
    assert not ApiKey.objects.exists()


def test_revoking_stops_the_key_at_once_and_is_on_record(client, school, head, it_lead):
    new = make_key(school, head)
    assert call(client, DECISIONS, SITUATION, **bearer(new.token)).status_code == 200
    staff = Client()
    staff.force_login(it_lead.user)
    done = staff.post(reverse("schools:api_key_revoke", args=[new.key.pk]), follow=True)
    assert "no longer works" in done.content.decode()
    refused = call(client, DECISIONS, SITUATION, **bearer(new.token))
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]
    new.key.refresh_from_db()
    assert new.key.revoked_by == it_lead.user and new.key.revoked_by_name == "Ian Tee"
    first = new.key.revoked_at
    staff.post(reverse("schools:api_key_revoke", args=[new.key.pk]))
    new.key.refresh_from_db()
    assert new.key.revoked_at == first  # the first revocation stands
    assert "Revoked keys" in staff.get(PAGE).content.decode()


def test_making_and_revoking_a_key_go_to_the_schools_audit_log(client, school, head, it_lead):
    client.force_login(head.user)
    client.post(PAGE, {"name": "MIS sync", "scopes": ["decisions"]}, REMOTE_ADDR="192.0.2.9")
    key = ApiKey.objects.for_school(school).get()
    staff = Client()
    staff.force_login(it_lead.user)
    staff.post(reverse("schools:api_key_revoke", args=[key.pk]))
    staff.post(reverse("schools:api_key_revoke", args=[key.pk]))  # a second revoke: no entry
    entries = list(AuditEntry.objects.filter(school=school, record_type="apikey"))
    assert [(e.action, e.username, e.record_id) for e in entries] == [
        ("api_key_created", "head", str(key.pk)),
        ("api_key_revoked", "itlead", str(key.pk)),
    ]
    assert entries[0].ip_address == "192.0.2.9"
    assert key.prefix in entries[0].note and "decisions" in entries[0].note
    assert key.key_hash not in "".join(e.note for e in entries)  # the key itself is never logged


def test_a_key_is_never_deleted_nor_changed_into_another(school, head):
    new = make_key(school, head, scopes=("decisions",))
    key = new.key
    with pytest.raises(ApiKeyKept):
        key.delete()
    with pytest.raises(ApiKeyKept):
        ApiKey.objects.filter(pk=key.pk).delete()
    with pytest.raises(ApiKeyKept, match="scopes"):
        ApiKey.objects.filter(pk=key.pk).update(scopes=["decisions", "posts"])
    key.scopes = ["decisions", "posts"]
    with pytest.raises(ApiKeyKept, match="scopes"):
        key.save()
    key.refresh_from_db()
    assert key.scopes == ["decisions"] and ApiKey.objects.filter(pk=key.pk).exists()


def test_another_schools_key_cannot_be_revoked_or_seen_here(client, school, head):
    harbour = testing.make_school("Harbour Primary School", slug="harbour")
    harbour_head = testing.make_person(harbour, "staff", positions=["headteacher"])
    testing.make_user(harbour_head)
    theirs = make_key(harbour, harbour_head, name="Harbour MIS")
    client.force_login(head.user)
    assert "Harbour MIS" not in client.get(PAGE).content.decode()
    assert client.post(reverse("schools:api_key_revoke", args=[theirs.key.pk])).status_code == 404
    theirs.key.refresh_from_db()
    assert theirs.key.is_active


# -- using a key -----------------------------------------------------------------------------


def test_a_key_asks_for_its_school_and_the_decision_is_recorded_as_asked_by_it(
    client, school, head
):
    new = make_key(school, head)
    response = call(client, DECISIONS, SITUATION, **bearer(new.token), REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 200 and response.json()["verdict"] == "prohibited"
    record = DecisionRecord.objects.for_school(school).get()
    assert (record.api_key, record.asked_by, record.person) == (new.key, None, None)
    for _ in range(2):
        call(client, DECISIONS, SITUATION, **bearer(new.token))
    new.key.refresh_from_db()
    assert new.key.use_count == 3 and new.key.last_used_at is not None
    assert new.key.last_used_from == "127.0.0.1"
    assert client.get("/api/policy", **bearer(new.token)).json()["pack"] == "straits-primary"


def test_a_key_checks_a_post_for_its_school(client, school, head):
    new = make_key(school, head, scopes=["posts"])
    response = call(client, CHECK, POST, **bearer(new.token))
    assert response.status_code == 200, response.content
    assert response.json()["verdict"] in VERDICTS and response.json()["decision"]["policy"]


def test_a_key_is_refused_outside_its_scopes_saying_which(client, school, head):
    decisions_only = make_key(school, head, scopes=["decisions"])
    refused = call(client, CHECK, POST, **bearer(decisions_only.token))
    assert refused.status_code == 403
    assert "scope 'posts'" in refused.json()["error"] and "decisions" in refused.json()["error"]
    posts_only = make_key(school, head, scopes=["posts"], name="Website")
    assert call(client, DECISIONS, SITUATION, **bearer(posts_only.token)).status_code == 403
    assert client.get("/api/platforms", **bearer(posts_only.token)).status_code == 403


def test_another_schools_key_works_only_for_its_own_school(client, school, head):
    harbour = testing.make_school("Harbour Primary School", slug="harbour")
    harbour_head = testing.make_person(harbour, "staff", positions=["headteacher"])
    testing.make_user(harbour_head)
    theirs = make_key(harbour, harbour_head)
    assert call(client, DECISIONS, SITUATION, **bearer(theirs.token)).status_code == 200
    assert not DecisionRecord.objects.for_school(school).exists()
    assert DecisionRecord.objects.for_school(harbour).get().api_key == theirs.key


@pytest.mark.parametrize(
    "forged",
    [
        "smp_000000000000_" + "A" * 43,
        "not-a-key",
        "",
        "smp_zz_zz",
    ],
)
def test_made_up_keys_are_refused(client, school, head, forged):
    make_key(school, head)
    response = call(client, DECISIONS, SITUATION, HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401
    assert "API key" in response.json()["error"]


def test_a_keys_prefix_with_another_secret_is_refused(client, school, head):
    new = make_key(school, head)
    forged = new.token[: -4] + ("AAAA" if not new.token.endswith("AAAA") else "BBBB")
    assert call(client, DECISIONS, SITUATION, **bearer(forged)).status_code == 401
    new.key.refresh_from_db()
    assert new.key.use_count == 0


def test_a_key_acts_for_the_school_not_for_a_signed_in_person_alongside(client, school, head):
    new = make_key(school, head)
    client.force_login(head.user)
    call(client, DECISIONS, SITUATION, **bearer(new.token))
    record = DecisionRecord.objects.for_school(school).get()
    assert record.asked_by is None and record.api_key == new.key


# -- CSRF: not for a key or Basic, still for the session -------------------------------------


def test_posts_with_a_key_and_with_basic_need_no_csrf_token(school, head, teacher):
    client = Client(enforce_csrf_checks=True)
    new = make_key(school, head)
    assert call(client, DECISIONS, SITUATION, **bearer(new.token)).status_code == 200
    basic = base64.b64encode(f"teacher:{testing.TEST_PASSWORD}".encode()).decode()
    response = call(client, DECISIONS, SITUATION, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200, response.content
    assert call(client, CHECK, POST, HTTP_AUTHORIZATION=f"Basic {basic}").status_code == 200


def test_a_session_without_its_csrf_token_is_refused(school, teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher.user)
    assert call(client, DECISIONS, SITUATION).status_code == 403
    assert not DecisionRecord.objects.exists()
    client.get(reverse("schools:password_change"))  # any page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert call(client, DECISIONS, SITUATION, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_no_credentials_is_401_saying_how_to_sign_in(client, db):
    response = call(client, DECISIONS, SITUATION)
    assert response.status_code == 401
    assert "Bearer" in response.json()["error"] and response.json()["detail"] == "Unauthorized"


# -- in a real browser -----------------------------------------------------------------------


def test_the_it_lead_makes_and_revokes_a_key_in_the_browser(
    page, live_server, transactional_db, tmp_path
):
    from playwright.sync_api import expect

    from browsing import accessibility_violations, sign_in

    school = testing.make_school("Straits Primary School", slug="straits")
    person = testing.make_person(school, "staff", "Ian", "Tee", positions=["it_lead"])
    testing.make_user(person, username="itlead")
    sign_in(page, live_server.url, "itlead")
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="API keys", level=1)).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Make the key").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one thing the key may do.")
    page.get_by_label("What will use this key").fill("MIS sync")
    page.get_by_label("Ask the policy").check()
    page.get_by_role("button", name="Make the key").click()
    token = page.get_by_label("Key", exact=True).input_value()
    assert token.startswith("smp_")
    assert accessibility_violations(page) == []
    page.screenshot(path=str(tmp_path / "api-key-made.png"), full_page=True)
    assert call(Client(), DECISIONS, SITUATION, **bearer(token)).status_code == 200

    page.goto(f"{live_server.url}{PAGE}")
    assert token not in page.content()
    expect(page.get_by_role("cell", name="1", exact=True)).to_be_visible()  # one use
    page.get_by_role("button", name="Revoke the key for MIS sync").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    assert accessibility_violations(page) == []
    assert call(Client(), DECISIONS, SITUATION, **bearer(token)).status_code == 401


def test_the_openapi_document_names_the_key_and_basic(client, db):
    document = client.get("/api/openapi.json")
    assert document.status_code == 200
    schemes = {s.get("scheme") for s in document.json()["components"]["securitySchemes"].values()}
    assert {"bearer", "basic"} <= schemes
