"""A time-based one-time password (RFC 6238) is needed before any safeguarding record opens for
the DSL team, the headteacher and administrators."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding import totp
from smpolicy.safeguarding.models import AuditEntry, SecondFactor

from .conftest import code_for, enrol, make_report, sign_in

pytestmark = pytest.mark.django_db


def test_codes_match_rfc_6238_test_vectors():
    # RFC 6238 appendix B, SHA-1, with the RFC's 20-byte ASCII key "12345678901234567890"
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    for unix, code in [(59, "94287082"), (1111111109, "07081804"), (2000000000, "69279037")]:
        assert pyotp.TOTP(secret, digits=8).at(unix) == code
    moment = dt.datetime.fromtimestamp(1111111109, tz=dt.UTC)
    six = pyotp.TOTP(secret).at(moment)
    assert totp.matching_step(secret, six, moment) == 1111111109 // 30


def test_the_dsl_is_sent_to_enrol_before_a_record_opens(client, straits):
    report = make_report(straits)
    sign_in(client, straits.dsl, second_factor=False)
    url = reverse("safeguarding:report_detail", args=[report.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("safeguarding:second_factor_setup"))

    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "QR code for your authenticator app" in body
    secret = "".join(re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', body)[1].split())
    done = client.post(response["Location"], {"code": pyotp.TOTP(secret).now(), "next": url})
    # The recovery codes are shown once, on this answer, with the way on to the record.
    assert done.status_code == 200
    shown = done.content.decode()
    codes = re.findall(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", shown)
    assert len(set(codes)) == 10
    assert f'href="{url}"' in shown
    factor = SecondFactor.objects.get(user=straits.dsl.user)
    assert factor.secret == secret
    assert factor.recovery_codes.filter(used_at__isnull=True).count() == 10
    assert not any(code in "".join(factor.recovery_codes.values_list("code_hash", flat=True))
                   for code in codes)
    assert client.get(url).status_code == 200
    again = client.get(reverse("safeguarding:recovery_codes")).content.decode()
    assert not any(code in again for code in codes), "codes are shown only once"


def test_an_enrolled_dsl_types_a_code_after_the_password(client, straits):
    factor = enrol(straits.dsl)
    report = make_report(straits)
    sign_in(client, straits.dsl, second_factor=False)
    url = reverse("safeguarding:report_detail", args=[report.pk])
    response = client.get(url)
    assert response["Location"].startswith(reverse("safeguarding:second_factor_verify"))
    wrong = client.post(response["Location"], {"code": "000000", "next": url})
    assert wrong.status_code == 422 and "not right" in wrong.content.decode()
    right = client.post(response["Location"], {"code": code_for(factor), "next": url})
    assert right.status_code == 302 and right["Location"] == url
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="second_factor", note="wrong code").exists()


def test_a_code_cannot_be_used_twice(straits):
    factor = enrol(straits.dsl)
    now = timezone.now()
    code = code_for(factor, now)
    assert totp.check(factor, code, now)
    assert not totp.check(factor, code, now)


def test_five_wrong_codes_lock_the_factor_for_15_minutes(straits):
    factor = enrol(straits.dsl)
    now = timezone.now()
    for _ in range(5):
        assert not totp.check(
            factor, "123456" if code_for(factor, now) != "123456" else "654321", now
        )
    with pytest.raises(totp.Locked):
        totp.check(factor, code_for(factor, now), now)
    later = now + dt.timedelta(minutes=16)
    assert totp.check(factor, code_for(factor, later), later)


def test_signing_in_again_needs_the_code_again(client, straits):
    enrol(straits.dsl)
    report = make_report(straits)
    sign_in(client, straits.dsl)
    url = reverse("safeguarding:report_detail", args=[report.pk])
    assert client.get(url).status_code == 200
    client.logout()
    sign_in(client, straits.dsl, second_factor=False)
    assert client.get(url).status_code == 302


def test_a_verified_session_belongs_to_its_own_user(client, straits):
    report = make_report(straits)
    session_user = straits.deputy.user
    client.force_login(straits.dsl.user)
    session = client.session
    session[totp.SESSION_KEY] = {"user": session_user.pk, "at": timezone.now().isoformat()}
    session.save()
    assert client.get(reverse("safeguarding:report_detail", args=[report.pk])).status_code == 302


def test_a_teacher_opens_their_own_report_without_a_second_factor(client, straits):
    report = make_report(straits)
    sign_in(client, straits.teacher, second_factor=False)
    assert client.get(reverse("safeguarding:report_detail", args=[report.pk])).status_code == 200


@pytest.mark.parametrize("who", ["head", "dsl", "deputy", "chair"])
def test_every_privileged_page_needs_the_second_factor(client, straits, who):
    sign_in(client, getattr(straits, who), second_factor=False)
    for name in (
        "safeguarding:index",
        "safeguarding:records",
        "safeguarding:cases",
        "safeguarding:alerts",
        "safeguarding:my_reports",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert "/safeguarding/second-factor/" in response["Location"]


def test_the_next_address_cannot_send_you_elsewhere(client, straits):
    factor = enrol(straits.dsl)
    sign_in(client, straits.dsl, second_factor=False)
    response = client.post(
        reverse("safeguarding:second_factor_verify"),
        {"code": code_for(factor), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("safeguarding:index")


def test_the_qr_code_is_drawn_here_not_fetched(client, straits):
    sign_in(client, straits.head, second_factor=False)
    body = client.get(reverse("safeguarding:second_factor_setup")).content.decode()
    assert "<svg" in body
    assert "http" not in re.sub(
        r'xmlns="http://www\.w3\.org/2000/svg"', "", body.split("<svg")[1].split("</svg>")[0]
    )


def test_the_admin_asks_the_safeguarding_team_for_the_code_first(client, straits):
    straits.dsl.user.is_staff = True
    straits.dsl.user.save()
    enrol(straits.dsl)
    sign_in(client, straits.dsl, second_factor=False)
    for url in (reverse("admin:index"), reverse("admin:schools_person_changelist")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("safeguarding:second_factor_verify"))


def test_a_superuser_with_a_password_only_gets_no_admin_page(client):
    """The deployment's superuser, password only: every admin page asks for the second factor
    first, the one that deleted second factors included."""
    from smpolicy.schools.testing import make_user

    client.force_login(make_user(is_superuser=True, is_staff=True))
    for url in ("/admin/", "/admin/schools/position/add/", "/admin/auth/user/",
                "/admin/safeguarding/secondfactor/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("safeguarding:second_factor_setup"))


def test_a_lost_phone_is_reset_from_the_command_line_once_the_head_confirms(straits, capsys):
    from django.core.management import call_command

    from smpolicy.safeguarding import access_changes

    factor = enrol(straits.dsl)
    call_command("reset_second_factor", straits.dsl.user.username, reason="Phone lost on a trip")
    assert "takes effect once confirmed" in capsys.readouterr().out
    assert totp.factor_of(straits.dsl.user) == factor, "asked for, not done"
    change = access_changes.pending_for(straits.head)[0]
    access_changes.confirm(change, straits.head)
    factor.refresh_from_db()
    assert factor.revoked_at is not None, "kept, revoked: never deleted"
    assert totp.factor_of(straits.dsl.user) is None
    assert AuditEntry.objects.filter(action="confirm_access_change").exists()


def _stored(factor: SecondFactor) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {SecondFactor._meta.db_table} WHERE id = %s", [factor.pk])
        return cursor.fetchone()[0]


def test_an_authenticator_secret_is_sealed_at_rest(straits):
    factor = enrol(straits.dsl)
    stored = _stored(factor)
    assert factor.secret not in stored and stored.startswith("gAAAAA")  # a Fernet token
    again = SecondFactor.objects.get(pk=factor.pk)
    assert again.secret == factor.secret
    assert totp.check(again, code_for(again))


def test_a_wrong_key_is_said_plainly_and_a_rotated_key_still_opens(straits, settings):
    from cryptography.fernet import Fernet

    from smpolicy.schools.sealing import SealError

    factor = enrol(straits.dsl)
    old_key = Fernet.generate_key().decode()
    settings.SMPOLICY_SEALING_KEYS = [old_key]
    factor.save()  # sealed under the configured key
    settings.SMPOLICY_SEALING_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(SealError, match="SMPOLICY_SEALING_KEYS"):
        SecondFactor.objects.get(pk=factor.pk)
    settings.SMPOLICY_SEALING_KEYS = [Fernet.generate_key().decode(), old_key]
    assert SecondFactor.objects.get(pk=factor.pk).secret == factor.secret


def test_a_secret_stored_before_sealing_still_works_and_is_sealed_when_saved(straits):
    factor = enrol(straits.dsl)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SecondFactor._meta.db_table} SET secret = %s WHERE id = %s",
            [factor.secret, factor.pk],
        )  # as it was stored before sealing came in
    assert _stored(factor) == factor.secret
    legacy = SecondFactor.objects.get(pk=factor.pk)
    assert legacy.secret == factor.secret
    legacy.save()
    assert _stored(factor).startswith("gAAAAA")
