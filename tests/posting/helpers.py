"""Building official posts for the workflow tests.

The workflow's rules (who approves, when an approval lapses, what consent is needed) do not depend
on what the checker finds, so most workflow tests start from a post checked on the check page:
its result is the contract's result with the engine's real decision for an official post, and the
findings the test needs (faces, for the face/tag flag). Tests of the checker's findings themselves
run the real checker (test_check_page, test_api, test_browser).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from smpolicy.policy import decide
from smpolicy.posting import workflow
from smpolicy.posting.uploads import validate_image

from .conftest import png


def recorded_result(faces: int = 0, **content: Any) -> dict[str, Any]:
    situation = {
        "actor": {"role": "staff"},
        "action": "post",
        "channel": {"account": "official", "platform": "facebook"},
        "permissions": {"speak_for_school": True, "training_complete": True},
    }
    if content:
        situation["content"] = content
    decision = decide(situation)
    findings = [
        {
            "kind": "face",
            "clause": "code.images",
            "severity": "info",
            "image": 0,
            "box": [4, 4, 8, 8],
            "confidence": 0.9,
        }
        for _ in range(faces)
    ]
    return {
        "verdict": decision["verdict"],
        "clauses": decision["clauses"],
        "findings": findings,
        "decision": decision,
        "images": [],
    }


def checked_post(
    author,
    scheduled_for: dt.datetime | None,
    text: str = "Our Year 5 choir sang beautifully at the town hall today.",
    images: int = 0,
    faces: int = 0,
    platform: str = "facebook",
    **content: Any,
):
    """A post as saved from the check page after a check of exactly this text and images."""
    return workflow.create_post(
        author,
        platform=platform,
        text=text,
        scheduled_for=scheduled_for,
        images=[validate_image(png(colour=(i, 0, 0)), f"photo-{i}.png") for i in range(images)],
        check_result=recorded_result(faces, **content),
    )
