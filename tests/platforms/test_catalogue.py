"""Specification of the platform catalogue (smpolicy.platforms)."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from smpolicy.platforms import (
    CATEGORIES,
    DOMAIN_KINDS,
    Catalogue,
    CatalogueError,
    Platform,
    PlatformDomain,
    default_catalogue,
)

# The platforms the product must know (the brief's list), by id.
REQUIRED = [
    "facebook",
    "messenger",
    "instagram",
    "threads",
    "whatsapp",
    "snapchat",
    "telegram",
    "signal",
    "tiktok",
    "youtube",
    "x",
    "reddit",
    "tumblr",
    "pinterest",
    "discord",
    "twitch",
    "roblox",
    "minecraft",
    "fortnite",
    "bereal",
    "bluesky",
    "mastodon",
    "linkedin",
    "netmums",
    "mumsnet",
    "wordpress",
    "blogger",
    "medium",
    "substack",
    "yubo",
    "kick",
]


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return default_catalogue()


def one_platform(**overrides: object) -> dict:
    """A valid platform entry, with some fields replaced (or removed when set to `...`)."""
    entry: dict = {
        "id": "example",
        "name": "Example",
        "category": "messaging",
        "min_age": 13,
        "age_source": "https://example.com/terms",
        "age_checked": "2025-01-01",
        "domains": [{"domain": "example.com", "kind": "site"}],
    }
    for key, value in overrides.items():
        if value is ...:
            entry.pop(key, None)
        else:
            entry[key] = value
    return entry


def error_for(data: object, source: str = "school.yaml") -> str:
    with pytest.raises(CatalogueError) as info:
        Catalogue.from_data(data, source=source)  # type: ignore[arg-type]
    return str(info.value)


# --- the shipped catalogue ---------------------------------------------------------------------


def test_the_vocabularies_are_the_policys_categories_and_the_four_domain_kinds():
    assert CATEGORIES == (
        "blog",
        "forum",
        "messaging",
        "collaborative",
        "media_sharing",
        "micro_blogging",
        "virtual_world",
    )
    assert DOMAIN_KINDS == ("site", "app", "cdn", "widget")


@pytest.mark.parametrize("platform_id", REQUIRED)
def test_every_required_platform_is_present_with_category_age_source_and_date(cat, platform_id):
    platform = cat.get(platform_id)
    assert platform is not None, f"{platform_id} missing from the catalogue"
    assert platform.id == platform_id
    assert platform.category in CATEGORIES
    assert platform.min_age is None or (isinstance(platform.min_age, int) and platform.min_age >= 0)
    assert platform.age_source.startswith("https://")
    assert dt.date.fromisoformat(platform.age_checked) <= dt.date(2026, 11, 24)
    assert any(d.kind == "site" for d in platform.domains), "a platform needs a site to visit"


def test_a_platform_without_a_minimum_age_says_why(cat):
    for platform in cat:
        if platform.min_age is None:
            assert platform.age_note or platform.note, platform.id


def test_games_without_a_hard_minimum_record_null_and_explain_the_consent_rules(cat):
    for platform_id in ("roblox", "minecraft", "fortnite"):
        platform = cat.get(platform_id)
        assert platform.category == "virtual_world"
        assert platform.min_age is None
        assert "parent" in platform.age_note


@pytest.mark.parametrize(
    ("platform_id", "min_age"),
    [
        ("facebook", 13),
        ("instagram", 13),
        ("whatsapp", 13),  # lowered from 16 for the UK in April 2024
        ("snapchat", 13),
        ("tiktok", 13),
        ("youtube", 13),
        ("x", 13),
        ("reddit", 13),
        ("discord", 13),
        ("yubo", 13),
        ("linkedin", 16),
        ("telegram", 16),  # "Citizens of EU countries and the United Kingdom must be at least 16"
        ("substack", 16),
    ],
)
def test_minimum_ages_for_uk_users(cat, platform_id, min_age):
    assert cat.get(platform_id).min_age == min_age


@pytest.mark.parametrize(
    ("platform_id", "category"),
    [
        # The policy's own examples of each kind of social media.
        ("netmums", "forum"),
        ("whatsapp", "messaging"),
        ("snapchat", "messaging"),
        ("telegram", "messaging"),
        ("facebook", "collaborative"),
        ("instagram", "collaborative"),
        ("youtube", "media_sharing"),
        ("tiktok", "media_sharing"),
        ("x", "micro_blogging"),
        ("tumblr", "micro_blogging"),
        ("reddit", "micro_blogging"),
        # and the rest of the catalogue follows the same reading
        ("wordpress", "blog"),
        ("blogger", "blog"),
        ("roblox", "virtual_world"),
        ("minecraft", "virtual_world"),
        ("fortnite", "virtual_world"),
    ],
)
def test_categories_follow_the_policys_examples(cat, platform_id, category):
    assert cat.get(platform_id).category == category


def test_the_catalogue_is_a_collection_of_platforms(cat):
    platforms = list(cat)
    assert len(cat) == len(platforms) >= len(REQUIRED)
    assert cat.ids() == [p.id for p in platforms]
    assert all(isinstance(p, Platform) for p in platforms)
    assert all(isinstance(d, PlatformDomain) for p in platforms for d in p.domains)
    assert "facebook" in cat
    assert "Twitter" in cat
    assert "https://m.facebook.com/groups/1" in cat
    assert cat.get("facebook") in cat
    assert "myspace" not in cat
    assert 42 not in cat
    assert None not in cat


def test_ids_are_lowercase_and_unique(cat):
    ids = cat.ids()
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() for i in ids)


def test_the_default_catalogue_is_loaded_once(cat):
    assert default_catalogue() is cat


def test_platforms_are_immutable(cat):
    facebook = cat.get("facebook")
    with pytest.raises(AttributeError):
        facebook.min_age = 18  # type: ignore[misc]
    assert isinstance(facebook.domains, tuple)
    assert isinstance(facebook.aliases, tuple)


def test_the_package_does_not_import_django():
    code = textwrap.dedent(
        """
        import sys
        import smpolicy.platforms
        smpolicy.platforms.default_catalogue().match_domain("facebook.com")
        assert not [m for m in sys.modules if m == "django" or m.startswith("django.")]
        """
    )
    src = Path(__file__).resolve().parents[2] / "src"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- matching hosts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "platform_id", "kind"),
    [
        ("facebook.com", "facebook", "site"),
        ("www.facebook.com", "facebook", "site"),
        ("m.facebook.com", "facebook", "site"),
        ("star-mini.c10r.facebook.com", "facebook", "site"),  # the CNAME behind www.facebook.com
        ("graph.facebook.com", "facebook", "app"),
        ("edge-mqtt.facebook.com", "facebook", "app"),
        ("scontent-lhr8-1.xx.fbcdn.net", "facebook", "cdn"),
        ("connect.facebook.net", "facebook", "widget"),
        ("www.instagram.com", "instagram", "site"),
        ("i.instagram.com", "instagram", "app"),
        ("scontent-lhr6-2.cdninstagram.com", "instagram", "cdn"),
        ("web.whatsapp.com", "whatsapp", "site"),
        ("g.whatsapp.net", "whatsapp", "app"),
        ("mmg.whatsapp.net", "whatsapp", "cdn"),
        ("wa.me", "whatsapp", "site"),
        ("gcp.api.snapchat.com", "snapchat", "app"),
        ("cf-st.sc-cdn.net", "snapchat", "cdn"),
        ("www.tiktok.com", "tiktok", "site"),
        ("api16-normal-c-useast1a.tiktokv.com", "tiktok", "app"),
        ("p16-sign-va.tiktokcdn.com", "tiktok", "cdn"),
        ("analytics.tiktok.com", "tiktok", "widget"),
        ("www.youtube.com", "youtube", "site"),
        ("youtu.be", "youtube", "site"),
        ("youtubei.googleapis.com", "youtube", "app"),
        ("i.ytimg.com", "youtube", "cdn"),
        ("rr5---sn-aigzrn7e.googlevideo.com", "youtube", "cdn"),
        ("www.youtube-nocookie.com", "youtube", "widget"),
        ("x.com", "x", "site"),
        ("mobile.twitter.com", "x", "site"),
        ("t.co", "x", "widget"), ("cdn.api.twitter.com", "x", "widget"),
        ("platform-eb.twitter.com", "x", "widget"), ("api.twitter.com", "x", "app"),
        ("pbs.twimg.com", "x", "cdn"),
        ("cdn.syndication.twimg.com", "x", "widget"),  # deeper than twimg.com: the longest wins
        ("platform.twitter.com", "x", "widget"),
        ("discord.com", "discord", "site"),
        ("discord.gg", "discord", "site"),
        ("gateway.discord.gg", "discord", "app"),
        ("cdn.discordapp.com", "discord", "cdn"),
        ("media.discordapp.net", "discord", "cdn"),
        ("www.roblox.com", "roblox", "site"),
        ("apis.roblox.com", "roblox", "app"),
        ("tr.rbxcdn.com", "roblox", "cdn"),
        ("platform.linkedin.com", "linkedin", "widget"),
        ("assets.pinterest.com", "pinterest", "widget"),
        ("someone.blogspot.com", "blogger", "site"),
        ("1.bp.blogspot.com", "blogger", "cdn"),
        ("www.netmums.com", "netmums", "site"),
        ("substack-post-media.s3.amazonaws.com", "substack", "cdn"),
    ],
)
def test_a_host_matches_the_longest_listed_domain_it_is_or_is_under(cat, host, platform_id, kind):
    match = cat.match_domain(host)
    assert match is not None, host
    platform, found_kind = match
    assert (platform.id, found_kind) == (platform_id, kind)


@pytest.mark.parametrize(
    "host",
    [
        "notfacebook.com",  # a longer label is not a subdomain
        "facebook.com.evil.example",  # nor is a listed domain in the middle
        "fakefbcdn.net",
        "xfacebook.net",
        "com",
        "net",
        "www.google.com",
        "lh3.googleusercontent.com",  # shared Google host: never blamed on YouTube
        "s3.amazonaws.com",  # shared Amazon host
        "other-bucket.s3.amazonaws.com",
        "10.30.0.17",
        "2001:db8::1",
        "[2001:db8::1]:443",
        "",
        ".",
    ],
)
def test_hosts_that_are_not_a_listed_domain_or_under_one_do_not_match(cat, host):
    assert cat.match_domain(host) is None


@pytest.mark.parametrize(
    "host",
    [
        "WWW.FACEBOOK.COM",
        "Star-Mini.C10r.FaceBook.com",
        "www.facebook.com.",  # the fully qualified form in DNS logs
        "www.facebook.com:443",  # a proxy log's CONNECT target
        "WWW.Facebook.COM.:8080",
    ],
)
def test_case_a_trailing_dot_and_a_port_are_ignored(cat, host):
    platform, kind = cat.match_domain(host)
    assert (platform.id, kind) == ("facebook", "site")


def test_asking_again_gives_the_same_answer(cat):
    first = cat.match_domain("scontent-lhr8-1.xx.fbcdn.net")
    assert cat.match_domain("scontent-lhr8-1.xx.fbcdn.net") is first
    assert cat.match_domain("notfacebook.com") is None
    assert cat.match_domain("notfacebook.com") is None


# --- looking platforms up ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "platform_id"),
    [
        ("facebook", "facebook"),  # id
        ("FACEBOOK", "facebook"),
        ("x", "x"),
        ("twitter", "x"),  # alias
        ("Twitter", "x"),
        ("X (Twitter)", "x"),
        ("Facebook Messenger", "messenger"),
        ("YouTube Kids", "youtube_kids"),  # name
        ("WhatsApp", "whatsapp"),
        ("  TikTok  ", "tiktok"),
        ("https://www.facebook.com/x", "facebook"),  # URL
        ("http://m.facebook.com:80/groups/1?ref=a#top", "facebook"),
        ("https://WWW.INSTAGRAM.COM/p/abc/", "instagram"),
        ("//youtu.be/dQw4w9WgXcQ", "youtube"),
        ("m.facebook.com", "facebook"),  # host
        ("facebook.com/some.page", "facebook"),  # host and path, no scheme
        ("netmums.com", "netmums"),  # domain
        ("scontent-lhr8-1.xx.fbcdn.net", "facebook"),
    ],
)
def test_get_finds_a_platform_by_id_alias_name_url_or_host(cat, key, platform_id):
    platform = cat.get(key)
    assert platform is not None, key
    assert platform.id == platform_id


@pytest.mark.parametrize(
    "key",
    ["myspace", "", "   ", "notfacebook.com", "https://notfacebook.com/x", "face book", "http://"],
)
def test_get_returns_none_for_anything_unknown(cat, key):
    assert cat.get(key) is None


# --- validation --------------------------------------------------------------------------------


def test_a_valid_minimal_entry_loads_with_defaults():
    catalogue = Catalogue.from_data([one_platform()])
    platform = catalogue.get("example")
    assert platform == Platform(
        id="example",
        name="Example",
        category="messaging",
        min_age=13,
        age_source="https://example.com/terms",
        age_checked="2025-01-01",
        domains=(PlatformDomain("example.com", "site"),),
    )
    assert (platform.aliases, platform.note, platform.age_note) == ((), "", "")


def test_domains_are_normalised_to_lowercase():
    catalogue = Catalogue.from_data(
        [one_platform(domains=[{"domain": "Example.COM", "kind": "site"}])]
    )
    assert catalogue.get("example").domains[0].domain == "example.com"
    assert catalogue.match_domain("www.example.com")[0].id == "example"


def test_an_unknown_category_is_named_with_the_allowed_values():
    message = error_for([one_platform(category="social_network")])
    assert "school.yaml" in message
    assert "platforms[0]" in message
    assert "'example'" in message
    assert "category" in message
    assert "'social_network'" in message
    assert ", ".join(CATEGORIES) in message


def test_an_unknown_domain_kind_is_named_with_the_allowed_values():
    message = error_for([one_platform(domains=[{"domain": "example.com", "kind": "api"}])])
    assert "domains[0].kind" in message
    assert "'api'" in message
    assert "site, app, cdn, widget" in message


def test_duplicate_ids_name_both_entries():
    message = error_for(
        [
            one_platform(),
            one_platform(name="Other", domains=[{"domain": "other.example", "kind": "site"}]),
        ]
    )
    assert "platforms[1]" in message
    assert "duplicate id 'example'" in message
    assert "platforms[0]" in message


def test_a_domain_listed_for_two_platforms_is_refused():
    message = error_for(
        [
            one_platform(),
            one_platform(id="other", name="Other"),
        ]
    )
    assert "platforms[1] (id 'other')" in message
    assert "duplicate domain 'example.com'" in message
    assert "'example'" in message


def test_a_domain_listed_twice_for_one_platform_is_refused():
    message = error_for(
        [
            one_platform(
                domains=[
                    {"domain": "example.com", "kind": "site"},
                    {"domain": "EXAMPLE.com", "kind": "cdn"},
                ]
            )
        ]
    )
    assert "domains[1].domain" in message
    assert "listed twice" in message


def test_a_name_or_alias_naming_two_platforms_is_refused():
    message = error_for(
        [
            one_platform(aliases=["chat"]),
            one_platform(
                id="other",
                name="Other",
                aliases=["Chat"],
                domains=[{"domain": "other.example", "kind": "site"}],
            ),
        ]
    )
    assert "platforms[1] (id 'other')" in message
    assert "'chat' already names platform 'example'" in message


@pytest.mark.parametrize(
    "field", ["id", "name", "category", "min_age", "age_source", "age_checked", "domains"]
)
def test_a_missing_required_field_is_named(field):
    message = error_for([one_platform(**{field: ...})])
    assert f"field '{field}': missing (required)" in message
    assert "platforms[0]" in message


@pytest.mark.parametrize("bad_age", [-1, "13", 13.5, True, [13]])
def test_min_age_must_be_a_whole_number_of_zero_or_more_or_null(bad_age):
    message = error_for([one_platform(min_age=bad_age)])
    assert "field 'min_age'" in message
    assert "whole number >= 0, or null" in message
    assert repr(bad_age) in message


def test_min_age_zero_is_allowed_and_null_needs_an_explanation():
    assert Catalogue.from_data([one_platform(min_age=0)]).get("example").min_age == 0
    message = error_for([one_platform(min_age=None)])
    assert "field 'min_age'" in message
    assert "age_note" in message
    explained = Catalogue.from_data(
        [one_platform(min_age=None, age_note="No minimum; a parent consents under 13.")]
    )
    assert explained.get("example").min_age is None


@pytest.mark.parametrize(
    "bad_date", ["2025-13-01", "2025-02-30", "yesterday", "01/02/2025", "2025-1-1", 20250101, None]
)
def test_age_checked_must_be_a_real_date_written_yyyy_mm_dd(bad_date):
    message = error_for([one_platform(age_checked=bad_date)])
    assert "field 'age_checked'" in message
    assert "YYYY-MM-DD" in message
    assert repr(bad_date) in message


def test_an_unquoted_yaml_date_is_accepted():
    catalogue = Catalogue.from_data([one_platform(age_checked=dt.date(2024, 4, 11))])
    assert catalogue.get("example").age_checked == "2024-04-11"


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("https://example.com", "bare host name"),
        ("example.com/path", "bare host name"),
        ("example.com:443", "bare host name"),
        ("*.example.com", "bare host name"),
        ("localhost", "not a valid host name"),
        ("exa mple.com", "not a valid host name"),
        ("-bad.example", "not a valid host name"),
        ("192.168.0.1", "IP address"),
        ("", "host name such as"),
        (None, "host name such as"),
    ],
)
def test_a_domain_must_be_a_bare_host_name(domain, expected):
    message = error_for([one_platform(domains=[{"domain": domain, "kind": "site"}])])
    assert "domains[0].domain" in message
    assert expected in message


def test_domains_must_be_a_non_empty_list_of_mappings():
    assert "non-empty list" in error_for([one_platform(domains=[])])
    assert "non-empty list" in error_for([one_platform(domains="example.com")])
    message = error_for([one_platform(domains=["example.com"])])
    assert "domains[0]" in message
    assert "{domain: ..., kind: ...}" in message


def test_an_unknown_field_is_named_with_the_allowed_fields():
    message = error_for([one_platform(**{"min-age": 13})])
    assert "field 'min-age': unknown field" in message
    assert "min_age" in message


def test_bad_ids_sources_names_and_aliases_are_named():
    assert "not a valid id" in error_for([one_platform(id="Face Book")])
    assert "field 'age_source'" in error_for([one_platform(age_source="facebook.com/terms")])
    assert "field 'name'" in error_for([one_platform(name="  ")])
    assert "field 'aliases'" in error_for([one_platform(aliases="chat")])
    assert "field 'aliases'" in error_for([one_platform(aliases=[""])])


def test_the_data_must_be_a_list_of_mappings():
    assert "expected a list of platforms" in error_for({"id": "example"})
    message = error_for(["facebook"])
    assert "platforms[0]: expected a mapping" in message


def test_every_problem_is_reported_at_once():
    with pytest.raises(CatalogueError) as info:
        Catalogue.from_data(
            [one_platform(category="video"), one_platform(id="b", name="B", min_age=-3)],
            source="school.yaml",
        )
    error = info.value
    assert len(error.problems) == 2
    assert error.source == "school.yaml"
    assert str(error).startswith("school.yaml: 2 problems:")
    assert isinstance(error, ValueError)


# --- loading files -----------------------------------------------------------------------------


def test_from_yaml_loads_a_schools_own_file(tmp_path):
    path = tmp_path / "platforms.yaml"
    path.write_text(
        textwrap.dedent(
            """
            # our additions
            platforms:
              - id: parentmail
                name: ParentMail
                category: messaging
                min_age: 18
                age_source: https://www.parentmail.co.uk/terms
                age_checked: 2026-11-01
                domains:
                  - {domain: parentmail.co.uk, kind: site}
            """
        ),
        encoding="utf-8",
    )
    catalogue = Catalogue.from_yaml(path)
    assert catalogue.ids() == ["parentmail"]
    assert catalogue.get("https://www.parentmail.co.uk/login").age_checked == "2026-11-01"


def test_from_yaml_names_the_file_in_errors(tmp_path):
    path = tmp_path / "ours.yaml"
    path.write_text(
        "platforms:\n  - id: a\n    name: A\n    category: chat\n    min_age: 13\n"
        "    age_source: https://a.example/terms\n    age_checked: 2025-01-01\n"
        "    domains: [{domain: a.example, kind: site}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as info:
        Catalogue.from_yaml(path)
    assert str(path) in str(info.value)
    assert "platforms[0] (id 'a'): field 'category': 'chat' is not allowed" in str(info.value)


def test_from_yaml_reports_broken_yaml_and_a_wrong_top_level(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("platforms: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        Catalogue.from_yaml(broken)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("platform:\n  - id: a\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="top level must be 'platforms:'"):
        Catalogue.from_yaml(wrong)


def test_the_shipped_file_round_trips_through_from_data(cat):
    shipped = Path(__file__).resolve().parents[2] / "src/smpolicy/platforms/platforms.yaml"
    assert Catalogue.from_yaml(shipped).ids() == cat.ids()


def test_a_school_can_extend_the_shipped_catalogue(cat):
    import yaml

    shipped = Path(__file__).resolve().parents[2] / "src/smpolicy/platforms/platforms.yaml"
    data = copy.deepcopy(yaml.safe_load(shipped.read_text(encoding="utf-8"))["platforms"])
    data.append(one_platform(id="classdojo", name="ClassDojo"))
    data[-1]["domains"] = [{"domain": "classdojo.com", "kind": "site"}]
    extended = Catalogue.from_data(data)
    assert len(extended) == len(cat) + 1
    assert extended.match_domain("home.classdojo.com")[0].id == "classdojo"
