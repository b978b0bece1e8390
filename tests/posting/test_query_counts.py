"""The headteacher's official posts list and the posting alerts ask the database the same number
of times whatever the posts (issue 11, trust scale: 103 posts made 236 queries)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smpolicy.posting import workflow

from .helpers import checked_post

pytestmark = pytest.mark.django_db

N = 3


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def same_as_posts_grow(client: Client, url: str, grow: Callable[[int], None]) -> tuple[int, int]:
    grow(N)
    queries_for(client, url)  # the first page of a session reads what later ones keep
    few = queries_for(client, url)
    grow(3 * N)
    many = queries_for(client, url)
    return few, many


def posts_in_every_queue(teacher, head, later) -> Callable[[int], None]:
    """Per round: one checked, one waiting, one approved, one rejected, one published."""

    def grow(n: int) -> None:
        for i in range(n):
            checked_post(teacher, later, text=f"Draft {i}: the choir sang.")
            waiting = checked_post(teacher, later, text=f"Waiting {i}: sports day.")
            workflow.submit(waiting, teacher)
            approved = checked_post(teacher, later, text=f"Approved {i}: the fair.")
            workflow.submit(approved, teacher)
            workflow.approve(approved, head, "Lovely.")
            rejected = checked_post(teacher, later, text=f"Rejected {i}: the trip.")
            workflow.submit(rejected, teacher)
            workflow.reject(rejected, head, "Say which day.")
            published = checked_post(teacher, later, text=f"Published {i}: the play.")
            workflow.submit(published, teacher)
            workflow.approve(published, head)
            workflow.mark_published(published, teacher)

    return grow


def test_the_headteachers_posts_list_asks_the_same_whatever_the_posts(teacher, head, later):
    client = Client()
    client.force_login(head.user)
    few, many = same_as_posts_grow(
        client, reverse("posting:queues"), posts_in_every_queue(teacher, head, later)
    )
    assert few == many


def test_an_authors_posts_list_asks_the_same_whatever_the_posts(teacher, head, later):
    client = Client()
    client.force_login(teacher.user)
    few, many = same_as_posts_grow(
        client, reverse("posting:queues"), posts_in_every_queue(teacher, head, later)
    )
    assert few == many


def test_the_posting_alerts_ask_the_same_whatever_the_alerts(teacher, head, later):
    client = Client()
    client.force_login(teacher.user)
    few, many = same_as_posts_grow(
        client, reverse("posting:alerts"), posts_in_every_queue(teacher, head, later)
    )
    assert few == many


def test_the_headteachers_alerts_ask_the_same_whatever_the_alerts(teacher, head, later):
    client = Client()
    client.force_login(head.user)
    few, many = same_as_posts_grow(
        client, reverse("posting:alerts"), posts_in_every_queue(teacher, head, later)
    )
    assert few == many
