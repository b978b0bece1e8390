"""The site's look: accessible, phone-friendly, nothing from a CDN."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_stylesheet_is_served_from_the_site_itself():
    css = finders.find("smpolicy/site.css")
    assert css
    text = Path(css).read_text()
    assert "focus-visible" in text
    assert "44px" in text
    assert "http" not in text  # nothing fetched from elsewhere


def test_the_sign_in_page_has_a_skip_link_landmarks_and_labels(client, school):
    page = client.get(reverse("schools:login")).content.decode()
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert "<header" in page and "<footer" in page
    assert 'lang="en-GB"' in page
    assert 'name="viewport"' in page
    assert '<label for="id_username"' in page
    assert '<label for="id_password"' in page


def test_no_page_loads_anything_from_another_site(client, school, signed_in):
    signed_in(school, "staff", positions=["headteacher"])
    for name in ("schools:home", "schools:people", "schools:import_people"):
        page = client.get(reverse(name)).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', page), name
        assert "<script" not in page


def test_the_navigation_shows_the_school_and_what_the_user_can_do(client, school, signed_in):
    signed_in(school, "staff", positions=["headteacher"], is_staff=True)
    page = client.get(reverse("schools:home")).content.decode()
    nav = page[page.index('<nav aria-label="Main">') : page.index("</nav>")]
    assert "Straits Primary School" in page
    assert "Home" in nav and "People" in nav and "Admin" in nav
    assert 'aria-current="page"' in nav
    assert 'method="post"' in nav and "Sign out" in nav


def test_a_teacher_sees_no_admin_or_people_links(client, school, signed_in):
    signed_in(school, "staff")
    page = client.get(reverse("schools:home")).content.decode()
    nav = page[page.index('<nav aria-label="Main">') : page.index("</nav>")]
    assert "People" not in nav and "Admin" not in nav


def test_messages_are_shown(client, school, signed_in):
    signed_in(school, "staff")
    response = client.post(reverse("schools:logout"), follow=True)
    assert "You have signed out." in response.content.decode()
