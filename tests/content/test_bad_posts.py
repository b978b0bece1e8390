"""A post the checker cannot read gets an error naming the field, never a crash."""

from __future__ import annotations

import pytest

from smpolicy.content import PostError, check_post


@pytest.mark.parametrize(
    ("post", "field"),
    [
        ([], "post"),
        ({"text": "hi"}, "author.role"),
        ({"text": "hi", "author": {"role": "teacher"}}, "author.role"),
        ({"text": 42, "author": {"role": "staff"}}, "text"),
        ({"text": b"caf\xe9", "author": {"role": "staff"}}, "text"),
        ({"text": "a\x00b", "author": {"role": "staff"}}, "text"),
        ({"text": "hi", "author": {"role": "staff"}, "images": "x.jpg"}, "images"),
        ({"text": "hi", "author": {"role": "staff"}, "images": [3]}, "images[0]"),
        (
            {"text": "hi", "author": {"role": "staff"}, "channel": {"account": "myspace"}},
            "channel.account",
        ),
        ({"text": "hi", "author": {"role": "staff"}, "images_of": ["cats"]}, "images_of"),
        ({"text": "hi", "author": {"role": "staff"}, "images": ["no-such.jpg"]}, "images[0]"),
        ({"text": "x" * 100_001, "author": {"role": "staff"}}, "text"),
    ],
)
def test_bad_posts_name_the_field(post, field, school):
    with pytest.raises(PostError) as err:
        check_post(post, school)
    assert err.value.field == field
    assert str(err.value).startswith(field + ": ")


def test_text_in_another_encoding_is_a_clear_error(school):
    with pytest.raises(PostError, match="not UTF-8"):
        check_post({"text": "Caf\u00e9".encode("latin-1"), "author": {"role": "staff"}}, school)
