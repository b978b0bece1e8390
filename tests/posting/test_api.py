"""POST /api/posts/check: the contract's result for JSON or multipart posts; anything wrong is a
422 naming what; only people who may check posts, each in their own school."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smpolicy.posting.models import OfficialPost, PostImage
from smpolicy.schools import testing

from .conftest import bomb_png, png

POST = {
    "text": "Great day at sports day with Oliver Smith! Call me on 07700 900123",
    "channel": {"account": "personal", "platform": "facebook"},
}


@pytest.fixture
def as_teacher(client, teacher, pupil):
    client.force_login(teacher.user)
    return client


def post_json(client, url, body, **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


def test_a_json_post_gets_the_contracts_result(as_teacher, check_url):
    response = post_json(as_teacher, check_url, POST)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["verdict"] == "prohibited"
    assert result["decision"]["verdict"] == result["verdict"]
    kinds = {f["kind"]: f for f in result["findings"]}
    assert kinds["pupil_name"]["text"] == "Oliver Smith"
    assert (kinds["pupil_name"]["start"], kinds["pupil_name"]["end"]) == (29, 41)
    assert kinds["personal_phone"]["clause"] == "personal-info.contact-details"


def test_a_multipart_post_with_a_photo(as_teacher, check_url, face_jpeg):
    response = as_teacher.post(
        check_url,
        {
            "post": json.dumps(POST),
            "images": [SimpleUploadedFile("sports-day.jpg", face_jpeg, "image/jpeg")],
        },
    )
    assert response.status_code == 200, response.content
    result = response.json()
    faces = [f for f in result["findings"] if f["kind"] == "face"]
    assert faces and faces[0]["image"] == 0 and len(faces[0]["box"]) == 4
    assert result["images"][0]["name"] == "sports-day.jpg"
    assert (result["images"][0]["width"], result["images"][0]["height"]) == (512, 512)


def test_plain_form_fields_work_too(as_teacher, check_url):
    response = as_teacher.post(check_url, {"text": "Well done Oliver Smith", "account": "personal"})
    assert response.status_code == 200
    assert response.json()["findings"][0]["kind"] == "pupil_name"


def test_nothing_is_stored(as_teacher, check_url, face_jpeg):
    as_teacher.post(
        check_url,
        {"post": json.dumps(POST), "images": [SimpleUploadedFile("a.jpg", face_jpeg)]},
    )
    assert not OfficialPost.objects.exists() and not PostImage.objects.exists()


# -- bad input: 422 naming what -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b"{not json", None, "not valid JSON"),
        (b'{"text": "caf\xe9"}', None, "not valid JSON in UTF-8"),
        (b"[1, 2]", None, "must be a JSON object"),
        ({"text": 42, "channel": {"account": "personal"}}, "text", "expected str"),
        ({"text": "hi", "channel": "facebook"}, "channel", "expected an object"),
        ({"text": "hi", "channel": {"account": "myspace"}}, "channel.account", "myspace"),
        ({"text": "hi", "images": ["photo.jpg"]}, "images", "multipart"),
        ({"text": "a\u0000b", "channel": {"account": "personal"}}, "text", "NUL"),
    ],
    ids=[
        "not json",
        "latin-1 bytes",
        "not an object",
        "text not text",
        "channel not object",
        "unknown account",
        "image paths in json",
        "nul in text",
    ],
)
def test_bad_json_is_422_naming_what(as_teacher, check_url, body, field, words):
    response = post_json(as_teacher, check_url, body)
    assert response.status_code == 422, response.content
    error = response.json()
    assert words in error["error"]
    assert error["field"] == field


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("notes.jpg", b"hello, I am text"), "notes.jpg: it is not a JPEG"),
        (SimpleUploadedFile("cut.png", png((300, 300))[:200]), "cut.png: the image cannot be read"),
        (SimpleUploadedFile("bomb.png", bomb_png()), "bomb.png: the image is more than"),
        (SimpleUploadedFile("empty.gif", b""), "empty.gif: the file is empty"),
    ],
    ids=["not an image", "truncated", "decompression bomb", "empty"],
)
def test_bad_images_are_422(as_teacher, check_url, upload, words):
    response = as_teacher.post(check_url, {"post": json.dumps(POST), "images": [upload]})
    assert response.status_code == 422
    assert words in response.json()["error"]
    assert response.json()["field"] == "images"


def test_a_huge_file_is_422(as_teacher, check_url, settings):
    huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"\0" * (16 * 1024 * 1024))
    response = as_teacher.post(check_url, {"post": json.dumps(POST), "images": [huge]})
    assert response.status_code == 422
    assert "larger than 15 MB" in response.json()["error"]


def test_too_many_images_is_422(as_teacher, check_url):
    files = [SimpleUploadedFile(f"{i}.png", png()) for i in range(11)]
    response = as_teacher.post(check_url, {"post": json.dumps(POST), "images": files})
    assert response.status_code == 422
    assert "at most 10" in response.json()["error"]


def test_another_content_type_is_422(as_teacher, check_url):
    response = as_teacher.post(check_url, data="text=hi", content_type="text/plain")
    assert response.status_code == 422
    assert response.json()["field"] == "Content-Type"


# -- who may ask --------------------------------------------------------------------------------


def test_signing_in_is_needed(client, check_url, school):
    assert post_json(client, check_url, POST).status_code == 401


@pytest.mark.parametrize("role", ["pupil", "parent"])
def test_pupils_and_parents_may_not_check_posts(client, check_url, school, role):
    person = testing.make_person(school, role)
    client.force_login(testing.make_user(person))
    response = post_json(client, check_url, POST)
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["staff", "volunteer", "trainee", "governor", "third_party"])
def test_school_representatives_may_check_posts(client, check_url, school, role):
    person = testing.make_person(school, role)
    client.force_login(testing.make_user(person))
    assert post_json(client, check_url, POST).status_code == 200


def test_each_school_checks_against_its_own_roster(client, check_url, school, pupil, other_school):
    other_teacher = testing.make_person(other_school, "staff")
    client.force_login(testing.make_user(other_teacher))
    result = post_json(client, check_url, POST).json()
    # Oliver Smith is a pupil at Straits, not at Harbour: Harbour's check does not know him.
    assert "pupil_name" not in {f["kind"] for f in result["findings"]}


def test_http_basic_for_another_system(client, check_url, teacher, pupil):
    token = base64.b64encode(f"{teacher.user.username}:{testing.TEST_PASSWORD}".encode()).decode()
    response = post_json(client, check_url, POST, HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200


def test_the_author_cannot_claim_permissions(as_teacher, check_url, head):
    body = {
        **POST,
        "text": "Proud of Straits Primary School!",
        "permissions": {"branding_written_permission": True},
    }
    result = post_json(as_teacher, check_url, body).json()
    assert result["situation"]["permissions"]["branding_written_permission"] is False
    assert result["decision"]["verdict"] == "needs_approval"


def test_the_route_is_described_in_openapi(as_teacher, check_url):
    schema_url = check_url.rsplit("/posts/check", 1)[0] + "/openapi.json"
    schema = as_teacher.get(schema_url).json()
    operation = schema["paths"][check_url]["post"]
    assert set(operation["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"200", "403", "422"} <= set(operation["responses"])
