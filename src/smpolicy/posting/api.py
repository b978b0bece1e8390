"""POST /api/posts/check: the post-check contract over HTTP (../shared/contracts/post-check.md).

Two ways to send a post:
- ``application/json``: the contract's post object, without images;
- ``multipart/form-data``: a ``post`` part holding that JSON (or plain ``text``, ``account`` and
  ``platform`` parts instead), and the images as ``images`` file parts.

The author is the signed-in person: their role, and the permissions the school's registers give
them (spokesperson, training, written permission for branding), are what the checker is told. A
post cannot claim permissions for its author; ``author`` in the body counts only for an account
that is not a person's. Images are validated before the checker sees them and are never stored.
Anything wrong is HTTP 422 with ``error`` saying what and ``field`` naming where.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status
from pydantic import ConfigDict

from smpolicy.asking.api import DecisionOut, ErrorOut
from smpolicy.posting import checking
from smpolicy.posting.uploads import (
    MAX_IMAGE_BYTES,
    MAX_IMAGES,
    UploadError,
    uploads_in_memory,
    validate_uploads,
)
from smpolicy.schools.access import capabilities

router = Router(tags=["posts"])

MAX_BODY_TEXT = 100_000


class FindingOut(Schema):
    model_config = ConfigDict(extra="allow")

    kind: str
    clause: str | None = None
    severity: str
    confidence: float | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    image: int | None = None
    box: list[float] | None = None


class ImageOut(Schema):
    model_config = ConfigDict(extra="allow")

    index: int
    name: str
    width: int
    height: int
    location: dict[str, float | None] | None = None


class CheckResultOut(Schema):
    model_config = ConfigDict(extra="allow")

    verdict: str
    clauses: list[str]
    findings: list[FindingOut]
    decision: DecisionOut
    images: list[ImageOut] = []


_POST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "maxLength": MAX_BODY_TEXT},
        "author": {
            "type": "object",
            "properties": {"role": {"type": "string"}},
            "description": "Only for an account not linked to a person; otherwise the signed-in "
            "person is the author.",
        },
        "channel": {
            "type": "object",
            "properties": {"account": {"type": "string"}, "platform": {"type": "string"}},
        },
    },
}
_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _POST_SCHEMA},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "post": {"type": "string", "description": "the post object as JSON"},
                        "text": {"type": "string"},
                        "account": {"type": "string"},
                        "platform": {"type": "string"},
                        "images": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "maxItems": MAX_IMAGES,
                            "description": f"JPEG, PNG, GIF, WebP or HEIC, up to "
                            f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB each",
                        },
                    },
                }
            },
        },
    }
}


class BadPost(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _read_post(request: HttpRequest) -> tuple[dict[str, Any], list[Any]]:
    content_type = (request.content_type or "").lower()
    if content_type == "multipart/form-data":
        files = request.FILES.getlist("images")
        raw = request.POST.get("post")
        if raw is not None:
            try:
                post = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise BadPost(f"the post part is not valid JSON: {exc}", "post") from exc
        else:
            channel = {
                key: request.POST[key] for key in ("account", "platform") if request.POST.get(key)
            }
            post = {"text": request.POST.get("text", ""), "channel": channel}
        if isinstance(post, dict) and post.get("images"):
            raise BadPost(
                "images: send the image files as 'images' parts, not in the post", "images"
            )
        return post, files
    if content_type in ("application/json", ""):
        try:
            post = orjson.loads(request.body)
        except orjson.JSONDecodeError as exc:
            raise BadPost(f"the body is not valid JSON in UTF-8: {exc}") from exc
        if isinstance(post, dict) and post.get("images"):
            raise BadPost(
                "images: send images as files in a multipart/form-data request "
                "(the post as a 'post' part, each image as an 'images' part)",
                "images",
            )
        return post, []
    raise BadPost(
        f"send the post as application/json or multipart/form-data, not {content_type}",
        "Content-Type",
    )


def _field(post: dict[str, Any], path: str, kind: type, default: Any = None) -> Any:
    value: Any = post
    for part in path.split("."):
        if not isinstance(value, dict):
            raise BadPost(f"{path.rsplit('.', 1)[0]}: expected an object", path.rsplit(".", 1)[0])
        value = value.get(part)
        if value is None:
            return default
    if not isinstance(value, kind):
        raise BadPost(f"{path}: expected {kind.__name__}, got {type(value).__name__}", path)
    return value


@router.post(
    "/posts/check",
    response={200: CheckResultOut, 403: ErrorOut, 422: ErrorOut},
    summary="Check a post against the school's social media policy before it is published",
    openapi_extra=_OPENAPI,
)
@decorate_view(uploads_in_memory)  # before authentication, whose CSRF check reads the body
def check_post(request: HttpRequest) -> HttpResponse | Status[dict[str, Any]]:
    # A school's API key was allowed this route by its "posts" scope when it authenticated.
    key = getattr(request, "api_key", None)
    if key is None and "check_post" not in capabilities(request.user):
        return Status(
            403,
            {"error": "this account may not check posts (capability check_post)", "field": None},
        )
    school = getattr(request, "school", None)
    person = getattr(request, "person", None)
    if school is None:
        return Status(403, {"error": "this account is not linked to a school", "field": None})
    try:
        post, files = _read_post(request)
        if not isinstance(post, dict):
            raise BadPost("the post must be a JSON object")
        text = _field(post, "text", str, "")
        if len(text) > MAX_BODY_TEXT:
            raise BadPost(f"text: {len(text):,} characters is more than {MAX_BODY_TEXT:,}", "text")
        account = _field(post, "channel.account", str)
        platform = _field(post, "channel.platform", str)
        role = _field(post, "author.role", str)
        images = validate_uploads(files)
        result = checking.check(
            school,
            person,
            text=text,
            images=images,
            account=account,
            platform=platform,
            role=role,
            school_activity=_field(post, "school_activity", bool),
            images_of=_field(post, "images_of", list),
            declared=_field(post, "declared", list),
        )
    except BadPost as exc:
        return Status(422, {"error": str(exc), "field": exc.field})
    except UploadError as exc:
        return Status(422, {"error": str(exc), "field": "images"})
    except checking.CheckInputError as exc:
        return Status(422, {"error": str(exc), "field": exc.field})
    # The checker's result as it is: the contract's keys and whatever else it adds (the situation
    # decided, the checks required), which a response schema would drop.
    return HttpResponse(orjson.dumps(result), content_type="application/json")
