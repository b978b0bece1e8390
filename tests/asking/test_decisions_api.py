"""POST /api/decisions answers the decisions contract for signed-in users, and refuses bad input
with HTTP 422 naming the field."""

from __future__ import annotations

import base64
import json

from smpolicy.asking.models import DecisionRecord
from smpolicy.policy import decide
from smpolicy.schools import testing

SITUATION = {
    "actor": {"role": "staff", "age": 34, "new_starter": False},
    "action": "connect",
    "counterpart": {"role": "pupil", "age": 12, "on_roll": "current"},
    "channel": {"account": "personal", "platform": "instagram"},
}


def post(client, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/decisions", data=data, content_type="application/json", **extra)


def test_a_signed_in_member_of_staff_gets_the_same_decision_as_python(client, teacher) -> None:
    client.force_login(teacher.user)
    response = post(client, SITUATION)
    assert response.status_code == 200
    assert response.json() == decide(SITUATION)
    assert response.json()["verdict"] == "prohibited"
    assert response.json()["obligations"][0] == {
        "kind": "report", "to": "dsl", "when": "immediately", "clause": "code.report-child-contact"
    }


def test_the_decision_is_recorded_with_its_pack_version(client, teacher, school) -> None:
    client.force_login(teacher.user)
    post(client, SITUATION)
    record = DecisionRecord.objects.for_school(school).get()
    assert record.source == "api"
    assert record.verdict == "prohibited"
    assert (record.pack, record.pack_version) == ("straits-primary", "2026.11.1")
    assert record.asked_by == teacher.user


def test_anonymous_requests_are_refused(client, db) -> None:
    assert post(client, SITUATION).status_code == 401


def test_http_basic_auth_for_other_systems(client, teacher) -> None:
    token = base64.b64encode(f"teacher:{testing.TEST_PASSWORD}".encode()).decode()
    response = post(client, SITUATION, HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200
    bad = base64.b64encode(b"teacher:wrong-password").decode()
    assert post(client, SITUATION, HTTP_AUTHORIZATION=f"Basic {bad}").status_code == 401


def test_a_value_outside_the_vocabulary_is_422_naming_field_and_values(client, teacher) -> None:
    client.force_login(teacher.user)
    response = post(client, {**SITUATION, "action": "frend"})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "action"
    assert body["error"].startswith("action: 'frend' is not one of connect, message")


def test_a_wrong_type_and_a_missing_role_are_422(client, teacher) -> None:
    client.force_login(teacher.user)
    wrong = post(client, {**SITUATION, "on_premises": "yes"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "on_premises"
    missing = post(client, {"action": "post"})
    assert missing.status_code == 422 and missing.json()["field"] == "actor.role"


def test_invalid_json_is_422(client, teacher) -> None:
    client.force_login(teacher.user)
    response = post(client, "{not json")
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["error"]
    assert DecisionRecord.objects.count() == 0


def test_the_api_is_described_by_openapi(client, teacher) -> None:
    client.force_login(teacher.user)
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/decisions"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["action"]["enum"][0] == "connect"
    assert "422" in operation["responses"]


def test_the_policy_and_its_clauses_are_published_to_signed_in_users(client, teacher) -> None:
    assert client.get("/api/policy").status_code == 401
    client.force_login(teacher.user)
    body = client.get("/api/policy").json()
    assert (body["pack"], body["version"]) == ("straits-primary", "2026.11.1")
    ids = [c["id"] for c in body["clauses"]]
    assert ids[0] == "introduction" and "code.no-contact-with-children" in ids and len(ids) == 36


def test_the_platform_catalogue_is_published(client, teacher) -> None:
    client.force_login(teacher.user)
    platforms = {p["id"]: p for p in client.get("/api/platforms").json()}
    assert platforms["tiktok"]["min_age"] == 13
    assert platforms["facebook"]["category"] == "collaborative"
    assert {"domain": "facebook.com", "kind": "site"} in platforms["facebook"]["domains"]
