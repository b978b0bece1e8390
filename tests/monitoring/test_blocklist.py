"""The guest WiFi block list, in each form a school's filter takes."""

from __future__ import annotations

import pytest

from smpolicy.monitoring import BLOCKLIST_FORMATS, CategoryLists, blocklist
from smpolicy.monitoring.blocklist import platform_domains
from smpolicy.platforms import default_catalogue


def body(lines):
    return [line for line in lines if line and not line.startswith(("#", "!"))]


def test_every_social_media_platform_is_blocked_by_its_sites_apps_and_cdns():
    domains = platform_domains()
    for platform in default_catalogue():
        for d in platform.domains:
            if d.kind != "widget":
                assert any(d.domain == x or d.domain.endswith("." + x) for x in domains), d
    assert "facebook.com" in domains and "fbcdn.net" in domains
    assert "facebook.net" not in domains  # a widget: blocking it stops no one
    assert "facebook.net" in platform_domains(include_widgets=True)


def test_a_domain_covered_by_a_listed_parent_is_left_out():
    domains = platform_domains()
    assert "m.facebook.com" not in domains and "graph.facebook.com" not in domains
    assert "mmg.whatsapp.net" not in domains and "whatsapp.net" in domains
    assert len(domains) == len(set(domains))


@pytest.mark.parametrize(("form", "line"), [
    ("dnsmasq", "address=/facebook.com/"),
    ("unbound", 'local-zone: "facebook.com." always_nxdomain'),
    ("hosts", "0.0.0.0 facebook.com"),
    ("pihole", "(\\.|^)facebook\\.com$"),
    ("adguard", "||facebook.com^"),
    ("squid", ".facebook.com"),
])
def test_each_form_blocks_facebook(form, line):
    lines = list(blocklist(form))
    assert line in lines
    assert lines[0].startswith(("#", "!"))
    assert len(body(lines)) >= len(platform_domains())


def test_a_hosts_file_also_lists_www_since_it_cannot_cover_subdomains():
    lines = list(blocklist("hosts"))
    assert "0.0.0.0 www.facebook.com" in lines


def test_adguard_rules_can_be_limited_to_the_guest_network():
    lines = list(blocklist("adguard", clients=["10.30.0.0/16", "10.31.0.0/16"]))
    assert "||facebook.com^$client=10.30.0.0/16|10.31.0.0/16" in lines


def test_the_chosen_inappropriate_categories_are_added(fixtures):
    lists = CategoryLists(fixtures / "lists", ["adult", "gambling"])
    lines = list(blocklist("squid", lists=lists))
    assert ".badsite.example" in lines and ".adult-videos.example" in lines
    assert ".bet.example" in lines
    assert ".friendsreunited.example" not in lines  # social_networks was not chosen
    assert "# adult" in lines and "# gambling" in lines


def test_every_form_is_known_and_an_unknown_one_is_refused():
    assert set(BLOCKLIST_FORMATS) == {"dnsmasq", "unbound", "hosts", "pihole", "adguard", "squid"}
    with pytest.raises(ValueError, match="not a block list form"):
        list(blocklist("iptables"))
