"""The client's address: REMOTE_ADDR, unless it is a proxy the deployment trusts; a forged
X-Forwarded-For is never believed, and the audit log records the client, not the proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from smpolicy.schools.clientaddress import client_address, parse_networks

factory = RequestFactory()


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_client_is_read_right_to_left(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    # The client forged the first entry; our two proxies appended the rest.
    forwarded = "1.2.3.4, 203.0.113.7, 10.0.0.5"
    assert client_address(request("127.0.0.1", forwarded)) == "203.0.113.7"


def test_a_forged_header_from_a_client_not_behind_a_proxy_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("203.0.113.7", "10.0.0.9, 127.0.0.1")) == "203.0.113.7"


def test_a_header_of_only_proxies_or_nonsense_gives_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("10.0.0.1", "10.0.0.2")) == "10.0.0.1"
    assert client_address(request("10.0.0.1", "")) == "10.0.0.1"
    assert client_address(request("10.0.0.1", "<script>, 10.0.0.2")) == "10.0.0.1"
    # A nonsense hop nearer than the client: the chain is not ours from there, so stop.
    assert client_address(request("10.0.0.1", "203.0.113.7, not-an-ip")) == "10.0.0.1"


def test_ports_brackets_and_mapped_addresses(settings):
    settings.TRUSTED_PROXIES = ["::1", "10.0.0.0/8"]
    assert client_address(request("::1", "[2001:db8::5]:443")) == "2001:db8::5"
    assert client_address(request("10.0.0.1", "203.0.113.7:51000")) == "203.0.113.7"
    assert client_address(request("::ffff:203.0.113.9")) == "203.0.113.9"
    assert client_address(request("not an address")) == ""


def test_bad_proxy_entries_are_named():
    with pytest.raises(ValueError, match=r"'proxy\.example' is not an IP address"):
        parse_networks(["10.0.0.0/8", "proxy.example"])


@pytest.mark.django_db
def test_the_audit_log_records_the_client_behind_the_proxy(settings):
    from smpolicy.safeguarding import audit
    from smpolicy.schools import testing

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    school = testing.make_school()
    behind = audit.record("view", school=school,
                          request=request("127.0.0.1", "6.6.6.6, 203.0.113.7"))
    assert behind.ip_address == "203.0.113.7"
    forged = audit.record("view", school=school, request=request("198.51.100.4", "127.0.0.1"))
    assert forged.ip_address == "198.51.100.4"
