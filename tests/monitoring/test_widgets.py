"""Widgets are not visits: a page that embeds a post, a video or a button loads the platform's
widget, embed and API hosts (or, where a log keeps the path, an embed path on its own site), and
that is not a visit to the platform. A real visit still is."""

from __future__ import annotations

import pytest

from smpolicy.monitoring import Classifier, scan
from smpolicy.platforms import default_catalogue

GUEST = {"networks": [{"name": "Guest WiFi", "kind": "guest_wifi", "ranges": ["10.30.0.0/16"]}]}

# What a browser on the guest WiFi asks DNS for while it shows a news page with one embedded
# post from X (widgets.js, the post's frame and its pictures), then nothing else.
EMBEDDED_TWEET = [
    "www.bbc.co.uk", "static.files.bbci.co.uk", "platform.twitter.com",
    "platform-eb.twitter.com", "cdn.syndication.twimg.com", "syndication.twitter.com",
    "cdn.api.twitter.com", "publish.twitter.com", "pbs.twimg.com", "abs.twimg.com",
    "abs-0.twimg.com", "video.twimg.com", "t.co", "analytics.twitter.com",
    "static.ads-twitter.com",
]
# ...and what it asks for when the person opens X itself.
VISIT_TO_X = ["x.com", "abs.twimg.com", "api.x.com", "pbs.twimg.com", "video.twimg.com"]


def dnsmasq(hosts, client="10.30.0.17", start=0):
    lines = []
    for i, host in enumerate(hosts):
        second = start + i
        stamp = f"Nov 20 08:{10 + second // 60:02d}:{second % 60:02d}"
        lines.append(f"{stamp} dnsmasq[612]: query[A] {host} from {client}")
        lines.append(f"{stamp} dnsmasq[612]: reply {host} is 104.244.42.1")
    return lines


def findings(lines, **kwargs):
    from smpolicy.monitoring import ParseOptions

    *found, _summary = scan(lines, GUEST, options=ParseOptions(year=2026), **kwargs)
    return found


def test_a_page_that_only_embeds_a_tweet_is_no_visit_to_x():
    assert findings(dnsmasq(EMBEDDED_TWEET)) == []


def test_a_real_visit_to_x_still_is_one():
    [finding] = findings(dnsmasq(EMBEDDED_TWEET) + dnsmasq(VISIT_TO_X, start=30))
    # x.com and api.x.com once each: the tie goes to the first name
    assert (finding["platform"], finding["clause"], finding["domain"]) == (
        "x", "community.wifi", "api.x.com")
    # The two visits and, since there was a visit, the CDN requests of the same window (the
    # embed's four twimg.com hosts and the visit's three); never the widget hosts.
    assert finding["requests"] == 2 + 4 + 3


def test_another_client_s_visit_does_not_make_an_embed_a_visit():
    found = findings(dnsmasq(EMBEDDED_TWEET, client="10.30.0.18")
                     + dnsmasq(VISIT_TO_X, client="10.30.0.17", start=30))
    assert [(f["client"], f["platform"]) for f in found] == [("10.30.0.17", "x")]


@pytest.mark.parametrize("platform", [p.id for p in default_catalogue()
                                      if any(d.kind == "widget" for d in p.domains)])
def test_no_platform_s_widget_hosts_alone_are_a_visit(platform):
    hosts = [f"www.{d.domain}" for d in default_catalogue().get(platform).domains
             if d.kind == "widget"]
    classifier = Classifier()
    assert [h for h in hosts if classifier.lookup(h) is not None] == []
    assert findings(dnsmasq(hosts)) == []


# Where the log keeps the URL (a web filter's export, a proxy with HTTPS inspection), an embed
# served from the platform's own site host is told by its path.
EMBED_URLS = [
    "https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0", "https://www.youtube.com/iframe_api",
    "https://www.youtube.com/s/player/8d287e4d/player_ias.vflset/en_GB/base.js",
    "https://www.instagram.com/p/C0ffee123/embed/captioned/", "https://www.instagram.com/embed.js",
    "https://www.tiktok.com/embed/v2/7300000000000000000", "https://www.tiktok.com/embed.js",
    "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fschool",
    "https://www.facebook.com/tr?id=1234&ev=PageView", "https://www.linkedin.com/embed/feed/update/urn:li:share:1",
    "https://www.threads.com/@school/post/C0ffee/embed", "https://mastodon.social/@school/1/embed",
    "https://discord.com/widget?id=1&theme=dark", "https://telegram.org/js/telegram-widget.js?22",
]


def smoothwall(urls, client="10.30.0.17"):
    return ["Time,Username,Source IP,Group,Code,URL"] + [
        f"20/11/2026 08:{10 + i:02d}:00,,{client},Guests,200,{url}" for i, url in enumerate(urls)
    ]


def test_embed_paths_on_a_platform_s_own_site_are_not_visits():
    assert findings(smoothwall(EMBED_URLS)) == []


def test_a_visit_beside_the_embeds_is_still_a_visit():
    found = findings(smoothwall([*EMBED_URLS, "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                                 "https://www.instagram.com/p/C0ffee123/"]))
    assert [(f["platform"], f["domain"], f["requests"]) for f in found] == [
        ("youtube", "www.youtube.com", 1), ("instagram", "www.instagram.com", 1)]


def test_squid_reads_embed_paths_too():
    lines = [
        "1795161600.000 10 10.30.0.17 TCP_MISS/200 512 GET http://www.youtube.com/embed/abc - "
        "HIER_DIRECT/1.2.3.4 text/html",
        "1795161601.000 10 10.30.0.17 TCP_MISS/200 512 GET http://www.facebook.com/plugins/like.php"
        "?href=x - HIER_DIRECT/1.2.3.4 text/html",
    ]
    assert findings(lines) == []
    lines.append("1795161602.000 10 10.30.0.17 TCP_MISS/200 512 GET http://www.facebook.com/ - "
                 "HIER_DIRECT/1.2.3.4 text/html")
    assert [f["platform"] for f in findings(lines)] == ["facebook"]


@pytest.mark.parametrize("form", ["fortigate", "cef", "w3c"])
def test_the_firewalls_formats_read_embed_paths(form):
    lines = {
        "fortigate": ['date=2026-11-20 time=08:10:00 logid="0317013312" type="utm" '
                      'subtype="webfilter" srcip=10.30.0.17 hostname="www.youtube.com" '
                      'action="passthrough" url="/embed/abc"'],
        "cef": ["CEF:0|Fortinet|Fortigate|v7.2.5|13312|utm:webfilter|3|rt=1795161600000 "
                "src=10.30.0.17 dhost=www.youtube.com request=/embed/abc act=passthrough"],
        "w3c": ["#Fields: date time c-ip cs-host cs-uri-stem",
                "2026-11-20 08:10:00 10.30.0.17 www.youtube.com /embed/abc"],
    }[form]
    assert findings(lines) == []
    watched = [line.replace("/embed/abc", "/watch") for line in lines]
    assert [f["platform"] for f in findings(watched)] == ["youtube"]
