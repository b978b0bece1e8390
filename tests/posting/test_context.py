"""The checker's view of a school comes from the database: its people, names, domains, numbers
and logo, rebuilt whenever any of them changes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from smpolicy.posting import history, workflow
from smpolicy.posting.context import school_context
from smpolicy.posting.models import AppendOnlyError, PostEvent

from .conftest import png
from .helpers import checked_post


def test_the_context_holds_the_school_and_everyone_on_its_records(school, head, pupil):
    context = school_context(school)
    assert context.name == "Straits Primary School"
    assert tuple(context.email_domains) == ("straits.sch.uk",)
    assert tuple(context.phone_numbers) == ("01632 960000",)
    people = {(p.first_name, p.last_name, p.role, p.id) for p in context.people}
    assert ("Oliver", "Smith", "pupil", pupil.pk) in people
    assert ("Helen", "Marsh", "staff", head.pk) in people
    assert context.logo is None


def test_another_school_is_not_in_it(school, pupil, other_school):
    assert all(p.id != pupil.pk for p in school_context(other_school).people)


def test_a_change_on_the_roster_is_seen_at_once(school, pupil):
    before = school_context(school)
    assert school_context(school) is before  # built once while nothing changes
    pupil.preferred_name = "Ollie"
    pupil.save()
    after = school_context(school)
    assert after is not before
    assert any(p.preferred_name == "Ollie" for p in after.people)


def test_the_logo_from_the_settings_page_is_the_one_the_checker_looks_for(client, school, head):
    client.force_login(head.user)
    url = reverse("posting:settings")
    bad = client.post(url, {"approval_steps": 1, "logo": SimpleUploadedFile("logo.png", b"no")})
    assert bad.status_code == 422
    logo = SimpleUploadedFile("logo.png", png((64, 64)), content_type="image/png")
    assert client.post(url, {"approval_steps": 1, "logo": logo}).status_code == 302
    context = school_context(school)
    assert context.logo is not None and context.logo.read_bytes() == png((64, 64))


def test_the_database_refuses_to_delete_history(teacher, head, later):
    """On SQLite as on PostgreSQL: a raw DELETE of a post's history, or of an approval, is refused
    by a trigger (posting.history)."""
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    for table in history.GUARDED_TABLES:
        assert connection.cursor().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM posting_postevent WHERE post_id = %s", [post.pk])
    event = PostEvent.objects.filter(post=post).first()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert PostEvent.objects.filter(post=post).count() == 4  # drafted, checked, submitted, approved
