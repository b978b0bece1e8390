"""Governors see anonymised counts only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import make_report, sign_in

pytestmark = pytest.mark.django_db


def test_governors_see_counts_without_names_or_details(client, straits):
    make_report(straits, account="Pip said something worrying about home.")
    make_report(straits, "cyberbullying", account="Abuse on my TikTok.")
    sign_in(client, straits.governor, second_factor=False)
    response = client.get(reverse("safeguarding:governor_counts"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "A pupil contacted a member of staff" in page
    assert "A member of staff is being cyberbullied" in page
    for secret in ("Pip", "worrying", "TikTok", straits.teacher.last_name, "R20"):
        assert secret not in page.split("<main")[1], secret


def test_staff_do_not_see_the_governors_counts(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    assert client.get(reverse("safeguarding:governor_counts")).status_code == 403
