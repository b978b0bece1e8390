"""The post checker (issue 4): plain Python, no Django.

`check_post(post, school)` answers the contract ../shared/contracts/post-check.md: what in a post's
text and pictures the school's social media policy stands against, each finding with its clause,
and the verdict of the decision engine (smpolicy.policy), which alone decides.

- `SchoolContext`: the roster and the school's names, domains, numbers and logo; built from files
  (`SchoolContext.from_files(roster_csv, school_yaml)`) or by the caller (the Django side).
- `check_text(text, school)`: the text checks alone, without a verdict.
- `strip_location(picture, destination)`: a copy of a picture without its GPS position.
- `smpolicy.content.command.main(argv)`: `smpolicy check-post`.
"""

from smpolicy.content.checker import PostError, check_post, read_post
from smpolicy.content.images import ImageError, load_image, strip_location
from smpolicy.content.school import ContextError, Person, SchoolContext, read_roster
from smpolicy.content.text import TextFinding, check_text

__all__ = [
    "ContextError",
    "ImageError",
    "Person",
    "PostError",
    "SchoolContext",
    "TextFinding",
    "check_post",
    "check_text",
    "load_image",
    "read_post",
    "read_roster",
    "strip_location",
]
