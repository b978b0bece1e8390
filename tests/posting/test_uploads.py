"""Uploads are judged by their bytes, refused with a reason, and their location can be removed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from smpolicy.posting.uploads import (
    MAX_IMAGE_BYTES,
    UploadError,
    clean_copy,
    validate_image,
    validate_uploads,
)

from .conftest import bomb_png, jpeg_with_gps, png


def test_a_png_is_accepted_with_its_size():
    image = validate_image(png((40, 30)), "dot.png")
    assert (image.format, image.content_type) == ("PNG", "image/png")
    assert (image.width, image.height) == (40, 30)
    assert image.location is None


def test_the_type_comes_from_the_bytes_not_the_name():
    with pytest.raises(UploadError, match=r"notes\.jpg: it is not a JPEG, PNG, GIF, WebP or HEIC image"):
        validate_image(b"Just some text pretending to be a photo", "notes.jpg")


def heic_photo(gps: bool = True) -> bytes:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (320, 200), (120, 160, 200))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="HEIF", exif=exif.tobytes())
    return out.getvalue()


def test_an_iphone_heic_photo_is_checked_as_a_jpeg_and_its_location_still_found():
    checked = validate_image(heic_photo(), "IMG_0001.HEIC")
    assert (checked.format, checked.content_type) == ("JPEG", "image/jpeg")
    assert checked.data.startswith(b"\xff\xd8\xff")
    assert (checked.width, checked.height) == (320, 200)
    assert checked.extra == {"converted_from": "HEIC"}
    assert checked.location is not None and round(checked.location["latitude"], 1) == 51.5


def test_a_damaged_heic_photo_is_refused_naming_it():
    with pytest.raises(UploadError, match=r"IMG_0002\.HEIC: the HEIC photo cannot be read"):
        validate_image(heic_photo()[:120], "IMG_0002.HEIC")


def test_a_truncated_image_is_refused():
    data = png((200, 200))
    with pytest.raises(UploadError, match="cannot be read"):
        validate_image(data[: len(data) // 2], "cut.png")


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    data = bomb_png()
    assert len(data) < 200_000  # small on disk...
    with pytest.raises(UploadError, match="megapixels"):  # ...huge once decoded
        validate_image(data, "bomb.png")


def test_a_file_over_the_limit_is_refused_without_reading_it_all():
    class Huge(io.BytesIO):
        name = "huge.jpg"
        size = MAX_IMAGE_BYTES + 1

    with pytest.raises(UploadError, match=r"huge\.jpg: the file is larger than 15 MB"):
        validate_uploads([Huge(b"\xff\xd8\xff")])


def test_every_bad_file_is_named_at_once():
    class Upload(io.BytesIO):
        def __init__(self, data: bytes, name: str) -> None:
            super().__init__(data)
            self.name = name

    with pytest.raises(UploadError) as error:
        validate_uploads([Upload(b"nope", "a.png"), Upload(png(), "ok.png"), Upload(b"", "b.gif")])
    assert "a.png:" in str(error.value) and "b.gif: the file is empty" in str(error.value)


def test_gps_is_reported_in_degrees():
    image = validate_image(jpeg_with_gps(latitude=(51, 30, 0), longitude=(0, 7, 30)), "trip.jpg")
    assert image.location == {"latitude": 51.5, "longitude": -0.125}


def test_the_clean_copy_has_no_location_and_the_same_picture():
    original = validate_image(jpeg_with_gps(size=(64, 48)), "trip.jpg")
    cleaned = clean_copy(original)
    assert cleaned.location is None
    assert (cleaned.width, cleaned.height) == (64, 48)
    assert cleaned.format == "JPEG"
    with Image.open(io.BytesIO(cleaned.data)) as reopened:
        assert not reopened.getexif().get_ifd(0x8825)
