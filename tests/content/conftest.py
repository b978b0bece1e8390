from __future__ import annotations

from pathlib import Path

import pytest

from smpolicy.content import SchoolContext

CORPUS = Path(__file__).parent / "corpus"
STAFF_PERSONAL = {
    "author": {"role": "staff"},
    "channel": {"account": "personal", "platform": "facebook"},
}


@pytest.fixture(scope="session")
def school() -> SchoolContext:
    """The corpus school: Straits Primary, its roster, domains, number and logo."""
    return SchoolContext.from_files(CORPUS / "roster.csv", CORPUS / "school.yaml")


@pytest.fixture
def post():
    """A post by a member of staff on their personal Facebook, with the text given."""

    def make(text: str = "", **extra):
        return {**STAFF_PERSONAL, "text": text, **extra}

    return make
