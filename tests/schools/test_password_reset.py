"""Password reset by e-mail for local accounts: the same answer for every address, a link that
works once and for an hour, to the address on the school's records, carrying nothing else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

RESET = "/accounts/password/reset/"


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def ada(school, make_person, make_user):
    person = make_person(school, "staff", "Ada", "Lovelace", email="ada@straits.sch.uk")
    make_user(person, username="ada.lovelace")  # the account has no e-mail of its own
    return person


def link_in(message) -> str:
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1, message.body
    return links[0].removeprefix("http://testserver")


def test_the_reset_page_is_at_a_stable_address(client):
    assert reverse("schools:password_reset") == RESET
    assert client.get(RESET).status_code == 200


def test_a_known_address_gets_a_link_and_nothing_else(client, ada):
    response = client.post(RESET, {"email": "Ada@Straits.sch.uk"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "schools:password_reset_done"
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@straits.sch.uk"]  # the roster's address, as the roster has it
    assert "ada.lovelace" not in message.body and "Lovelace" not in message.body
    assert "1 hour" in message.body
    link = link_in(message)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "harbour-lights-at-dusk-7", "new_password2": "harbour-lights-at-dusk-7"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("schools:password_reset_complete")
    ada.user.refresh_from_db()
    assert ada.user.check_password("harbour-lights-at-dusk-7")
    # Used once, the link is spent.
    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()


@pytest.mark.parametrize(
    "address", ["nobody@straits.sch.uk", "not an address at all", "ada@straits.sch.uk.evil.example"]
)
def test_every_other_address_gets_the_same_answer_and_no_email(client, ada, address):
    known = client.post(RESET, {"email": "ada@straits.sch.uk"}, follow=True)
    mail.outbox.clear()
    other = client.post(RESET, {"email": address}, follow=True)
    if "@" in address and " " not in address:
        assert other.content == known.content
    else:  # not an address: the form says so, as it would for anyone
        assert "Enter a valid email address" in other.content.decode()
    assert mail.outbox == []


def test_a_look_alike_address_gets_no_link(client, ada):
    # "ı" (dotless i) folds to "i" in a case-insensitive database match; Django's own check
    # refuses it, and so does ours, or the link would go to the attacker's look-alike address.
    ada.email = "ida@straits.sch.uk"
    ada.save()
    client.post(RESET, {"email": "ıda@straits.sch.uk"})
    assert mail.outbox == []
    client.post(RESET, {"email": "IDA@straits.sch.uk"})
    assert [m.to for m in mail.outbox] == [["ida@straits.sch.uk"]]


def test_a_turned_off_account_gets_no_link(client, ada):
    ada.user.is_active = False
    ada.user.save()
    client.post(RESET, {"email": "ada@straits.sch.uk"})
    assert mail.outbox == []


def test_an_account_without_a_password_gets_no_link(client, ada):
    # Accounts made by single sign-on: their password is the school tenant's.
    ada.user.set_unusable_password()
    ada.user.save()
    client.post(RESET, {"email": "ada@straits.sch.uk"})
    assert mail.outbox == []


class _TwoHoursAgo(PasswordResetTokenGenerator):
    def _now(self) -> dt.datetime:
        return super()._now() - dt.timedelta(hours=2)


def test_a_link_older_than_an_hour_does_not_work(client, ada):
    token = _TwoHoursAgo().make_token(ada.user)
    uid = urlsafe_base64_encode(force_bytes(ada.user.pk))
    page = client.get(reverse("schools:password_reset_confirm", args=[uid, token]), follow=True)
    assert "This link does not work" in page.content.decode()
    fresh = PasswordResetTokenGenerator().make_token(ada.user)
    page = client.get(reverse("schools:password_reset_confirm", args=[uid, fresh]), follow=True)
    assert "Choose a new password" in page.content.decode()


def test_a_made_up_link_does_not_work(client, ada):
    page = client.get(RESET + "MQ/abc-123/", follow=True)
    assert page.status_code == 200 and "This link does not work" in page.content.decode()


def test_one_account_gets_a_few_links_an_hour_and_the_page_says_the_same(client, ada):
    from smpolicy.schools.passwords import LINKS_PER_ACCOUNT_PER_HOUR

    answers = [client.post(RESET, {"email": "ada@straits.sch.uk"}) for _ in range(6)]
    assert len(mail.outbox) == LINKS_PER_ACCOUNT_PER_HOUR
    assert {a.status_code for a in answers} == {302}  # nothing tells an asker the limit is hit
    assert {a["Location"] for a in answers} == {reverse("schools:password_reset_done")}


def test_one_client_is_stopped_after_its_allowance_and_told_when_to_come_back(client, ada):
    from smpolicy.schools.passwords import ASKS_PER_CLIENT_PER_HOUR

    here = {"REMOTE_ADDR": "203.0.113.7"}
    for i in range(ASKS_PER_CLIENT_PER_HOUR):
        assert client.post(RESET, {"email": f"someone{i}@example.com"}, **here).status_code == 302
    refused = client.post(RESET, {"email": "ada@straits.sch.uk"}, **here)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "try again in an hour" in page and 'value="ada@straits.sch.uk"' in page
    assert mail.outbox == []
    elsewhere = client.post(RESET, {"email": "ada@straits.sch.uk"}, REMOTE_ADDR="198.51.100.3")
    assert elsewhere.status_code == 302 and len(mail.outbox) == 1
