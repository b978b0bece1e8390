"""Shared pieces of the log scanner's tests: the fixture school's files and its findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from smpolicy.monitoring import CategoryLists, Networks, ParseOptions, People

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def networks() -> Networks:
    return Networks.load(FIXTURES / "networks.yaml")


@pytest.fixture(scope="session")
def people() -> People:
    return People.load(FIXTURES / "people.csv")


@pytest.fixture(scope="session")
def lists() -> CategoryLists:
    return CategoryLists(FIXTURES / "lists")


@pytest.fixture
def options() -> ParseOptions:
    # Syslog stamps carry no year: the fixtures are from November 2026.
    return ParseOptions(year=2026)
