"""The catalogue's embed paths: what they match, and a clear error for a bad one."""

from __future__ import annotations

import pytest

from smpolicy.platforms import Catalogue, CatalogueError, default_catalogue


@pytest.mark.parametrize(("host", "path", "embedded"), [
    ("www.youtube.com", "/embed/abc", True),
    ("www.youtube.com", "/embed", True),
    ("www.youtube.com", "/embedded-playlists", False),  # a path covers what is under it only
    ("www.youtube.com", "/watch?v=abc", False),
    ("m.youtube.com", "/embed/abc", True),
    ("www.youtube.com", "/oembed?url=x", True),
    ("www.instagram.com", "/p/C0ffee/embed", True),
    ("www.instagram.com", "/p/C0ffee/", False),
    ("www.facebook.com", "/tr?id=1", True),
    ("www.facebook.com", "/trending", False),
    ("www.facebook.com", "/v19.0/plugins/like.php", True),
    ("mastodon.social", "/@school/1/embed", True),
    ("i.ytimg.com", "/embed/abc", False),  # a CDN host is a CDN host whatever the path
    ("www.bbc.co.uk", "/embed/abc", False),
])
def test_embed_paths(host, path, embedded):
    assert default_catalogue().embedded(host, path) is embedded


def entry(**more):
    return {"id": "demo", "name": "Demo", "category": "forum", "min_age": 13,
            "age_source": "https://demo.example/terms", "age_checked": "2026-01-01",
            "domains": [{"domain": "demo.example", "kind": "site"}], **more}


def test_a_platform_may_list_its_embed_paths():
    catalogue = Catalogue.from_data([entry(embeds=["/embed", "/p/*/embed"])])
    assert catalogue.get("demo").embeds == ("/embed", "/p/*/embed")
    assert catalogue.embedded("www.demo.example", "/p/1/embed")


@pytest.mark.parametrize("bad", ["embed", "/embed?x=1", "/", "/with space", 7])
def test_a_bad_embed_path_is_named(bad):
    with pytest.raises(CatalogueError) as caught:
        Catalogue.from_data([entry(embeds=[bad])])
    assert "platforms[0] (id 'demo'): field 'embeds'" in str(caught.value)
    assert repr(bad) in str(caught.value)


def test_embeds_must_be_a_list():
    with pytest.raises(CatalogueError, match="field 'embeds': must be a list"):
        Catalogue.from_data([entry(embeds="/embed")])
