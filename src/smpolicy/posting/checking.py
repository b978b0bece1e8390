"""Checking a post from the web page, the API and the official-post workflow: one way in.

The checker is ``smpolicy.content.check_post`` (the post-check contract); this module only gathers
what it needs from the database (the school context, the author's role, the permissions the
registers give them) and adds what the page needs to draw (each image's size and location data).
The verdict is the one in the result's ``decision``, which the engine gave: nothing here decides.

Branding is asked about twice only when needed: the author's written permission has a scope (name,
logo, published material) and the checker says which of them a post uses. The first check assumes
a permission the author holds covers the post; if the findings show a use it does not cover, the
post is checked again without it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
from collections.abc import Callable
from functools import cache
from typing import Any

import orjson
from django.core.exceptions import ImproperlyConfigured

from smpolicy.asking.engines import engine_for
from smpolicy.posting.context import school_context
from smpolicy.posting.registers import BRANDING_FINDINGS, permissions_for
from smpolicy.posting.uploads import CheckedImage
from smpolicy.schools.models import Person, School, today


class CheckInputError(ValueError):
    """A post the checker refused (a value outside the contract's vocabulary, text too long...).
    ``field`` names the part of the post, when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@cache
def _checker() -> tuple[Callable[..., dict[str, Any]], frozenset[str]]:
    try:
        from smpolicy.content import check_post
    except ImportError as exc:
        raise ImproperlyConfigured(
            "smpolicy.content.check_post is missing: the post checker (issue 4, items 1-4) must "
            f"be installed for posts to be checked ({exc})"
        ) from exc
    try:
        accepted = frozenset(inspect.signature(check_post).parameters)
    except (TypeError, ValueError):
        accepted = frozenset()
    return check_post, accepted


def _input_errors() -> tuple[type[BaseException], ...]:
    """The exceptions with which the checker refuses bad input (its own, and the engine's)."""
    from smpolicy.policy import SituationError

    found: list[type[BaseException]] = [SituationError]
    try:
        import smpolicy.content as content
    except ImportError:
        return tuple(found)
    for name in ("PostError", "CheckError", "InputError", "ImageError"):
        error = getattr(content, name, None)
        if isinstance(error, type) and issubclass(error, BaseException):
            found.append(error)
    return tuple(found)


def _images_for_checker(images: list[CheckedImage]) -> list[Any]:
    # The contract's images are paths on the command line and uploads over HTTP; uploads reach the
    # checker as in-memory files, so nothing is written to disk.
    return [io.BytesIO(image.data) for image in images]


def _run(post: dict[str, Any], school: School) -> dict[str, Any]:
    check_post, accepted = _checker()
    context = school_context(school)
    kwargs: dict[str, Any] = {}
    # A school with its own policy pack gets its own engine's verdicts, where the checker takes one.
    if "engine" in accepted:
        kwargs["engine"] = engine_for(school)
    try:
        return check_post(post, context, **kwargs)
    except _input_errors() as exc:
        raise CheckInputError(str(exc), getattr(exc, "field", None)) from exc


def build_post(
    *,
    text: str,
    images: list[CheckedImage],
    account: str | None,
    platform: str | None,
    role: str,
    permissions: dict[str, bool],
    school_activity: bool | None = None,
    images_of: list[str] | None = None,
    declared: list[str] | None = None,
) -> dict[str, Any]:
    channel: dict[str, Any] = {}
    if account:
        channel["account"] = account
    if platform:
        channel["platform"] = platform
    post: dict[str, Any] = {
        "text": text,
        "images": _images_for_checker(images),
        "author": {"role": role},
        "channel": channel,
        "permissions": permissions,
    }
    # Left out when not known: the engine tells "not known" from "no".
    if school_activity is not None:
        post["school_activity"] = school_activity
    if images_of:
        post["images_of"] = list(images_of)
    if declared:
        post["declared"] = list(declared)
    return post


def image_facts(
    images: list[CheckedImage], reported: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """What the result says about each image beyond the contract's findings: its name, its size
    (the checker's, in which its boxes are drawn, when it reports one) and its GPS position."""
    by_index = {r.get("image"): r for r in reported or [] if isinstance(r, dict)}
    out = []
    for index, image in enumerate(images):
        facts: dict[str, Any] = {
            "index": index,
            "name": image.name,
            "width": image.width,
            "height": image.height,
            "location": image.location,
        }
        # The checker's size and reading of the picture; the location stays in one spelling.
        reported_here = by_index.get(index, {})
        facts.update(
            {k: val for k, val in reported_here.items() if val is not None and k != "location"}
        )
        facts["index"] = index
        out.append(facts)
    return out


def check(
    school: School,
    author: Person | None,
    *,
    text: str,
    images: list[CheckedImage],
    account: str | None,
    platform: str | None = None,
    role: str | None = None,
    on: dt.date | None = None,
    school_activity: bool | None = None,
    images_of: list[str] | None = None,
    declared: list[str] | None = None,
) -> dict[str, Any]:
    """The contract's result for a post by ``author`` (the signed-in person), with the author's
    permissions from the registers. ``role`` is used only when there is no author (an
    administrator's account not linked to a person). ``school_activity`` and ``images_of`` are
    the author's answers to "is it about a school activity?" and "who is shown?"; ``declared`` what
they say is true of it (content flags the text checks can miss)."""
    on = on or today()
    role = author.role if author is not None else role
    if not role:
        raise CheckInputError(
            "author.role is required when the account is not a person's", "author"
        )
    permissions = permissions_for(author, platform, on) if author is not None else {}

    def run(perms: dict[str, bool]) -> dict[str, Any]:
        post = build_post(
            text=text,
            images=images,
            account=account,
            platform=platform,
            role=role,
            permissions=perms,
            school_activity=school_activity,
            images_of=images_of,
            declared=declared,
        )
        return _run(post, school)

    result = run(permissions)
    if author is not None and permissions.get("branding_written_permission"):
        uses = {
            BRANDING_FINDINGS[f["kind"]]
            for f in result.get("findings", [])
            if f.get("kind") in BRANDING_FINDINGS
        }
        scoped = permissions_for(author, platform, on, uses) if uses else permissions
        if not scoped.get("branding_written_permission"):
            result = run({**permissions, "branding_written_permission": False})
    result["images"] = image_facts(images, result.get("images"))
    # Plain JSON from here on (image maths may leave numpy numbers), as the API sends it and the
    # draft keeps it.
    return orjson.loads(orjson.dumps(result, option=orjson.OPT_SERIALIZE_NUMPY))
