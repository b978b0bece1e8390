"""Pictures: faces, the logo, nudity (a heuristic), text in the picture, GPS; bad files."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from smpolicy.content import ImageError, check_post, load_image, strip_location
from smpolicy.content import images as im

from .conftest import CORPUS

IMAGES = CORPUS / "images"
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Debian's tesseract-ocr is not installed"
)


def kinds(result, image=0):
    return {f["kind"] for f in result["findings"] if f.get("image") == image}


def check(school, *names, **extra):
    post = {
        "text": "",
        "images": [f"images/{n}" for n in names],
        "author": {"role": "staff"},
        "channel": {"account": "personal"},
        **extra,
    }
    return check_post(post, school, base_dir=CORPUS)


def test_a_face_is_found_and_boxed(school):
    result = check(school, "face-two.jpg")
    faces = [f for f in result["findings"] if f["kind"] == "face"]
    assert len(faces) == 2
    assert all(len(f["box"]) == 4 and f["image"] == 0 for f in faces)


def test_pictures_without_people_have_no_faces(school):
    result = check(school, "none-coffee.jpg", "none-chelsea.jpg", "none-brick.jpg")
    assert not any(f["kind"] == "face" for f in result["findings"])


@pytest.mark.parametrize("name", ["logo-1.jpg", "logo-3.jpg", "logo-4.jpg", "logo-6.jpg"])
def test_the_school_logo_is_found_at_any_size_and_slightly_turned(name, school):
    result = check(school, name)
    logo = [f for f in result["findings"] if f["kind"] == "school_logo"]
    assert len(logo) == 1 and logo[0]["clause"] == "code.school-branding"
    assert result["situation"]["content"]["school_branding"] is True


def test_another_schools_crest_is_not_the_logo(school):
    assert "school_logo" not in kinds(check(school, "crest-other.jpg"))


def test_the_logo_is_found_where_it_was_put(school):
    logo = next(f for f in check(school, "logo-1.jpg")["findings"] if f["kind"] == "school_logo")
    x, y, w, _h = logo["box"]
    assert abs(x - 100) < 25 and abs(y - 100) < 25 and abs(w - 300) < 40


def test_skin_toned_fields_are_flagged_for_a_person_to_look_at(school):
    result = check(school, "skin-field-1.jpg")
    flagged = [f for f in result["findings"] if f["kind"] == "inappropriate_image"]
    assert len(flagged) == 1 and flagged[0]["severity"] == "warn"
    assert "inappropriate_image" not in kinds(check(school, "none-chelsea.jpg"))


def test_gps_in_a_picture_is_reported(school):
    result = check(school, "gps-coffee.jpg")
    gps = next(f for f in result["findings"] if f["kind"] == "location_metadata")
    assert gps["severity"] == "warn"
    assert gps["gps"] == {
        "lat": pytest.approx(50.8198, abs=1e-3),
        "lon": pytest.approx(-1.0880, abs=1e-3),
    }
    assert result["images"][0]["location"] == gps["gps"]


def test_gps_is_removable_and_the_rest_is_kept(tmp_path):
    clean = strip_location(IMAGES / "gps-coffee.jpg", tmp_path / "clean.jpg")
    assert load_image(clean).gps is None
    with Image.open(clean) as copy, Image.open(IMAGES / "gps-coffee.jpg") as original:
        assert copy.size == original.size
        assert copy.getexif().get(0x010F) == "PhoneMaker"


@needs_tesseract
def test_text_in_a_picture_goes_through_the_text_checks(school):
    result = check(school, "text-phone.jpg")
    phone = next(f for f in result["findings"] if f["kind"] == "personal_phone")
    assert phone["source"] == "image_text" and "07700" in phone["text"]
    assert result["images"][0]["ocr"] == "read"


@needs_tesseract
def test_a_picture_without_text_is_not_read(school):
    assert check(school, "face-astronaut.jpg")["images"][0]["ocr"] == "not needed"


def test_without_tesseract_the_rest_still_runs(school, monkeypatch):
    monkeypatch.setattr(im, "tesseract_path", lambda: None)
    monkeypatch.setattr(im, "_ocr_api", lambda: None)
    result = check(school, "text-phone.jpg")
    assert result["images"][0]["ocr"].startswith("unavailable")


@needs_tesseract
def test_the_loaded_library_reads_what_the_program_reads(monkeypatch):
    """tesseract loaded once (tesserocr) reads a sign in about 10 ms, the program in about 100;
    both must read the same words in the same places."""
    assert im._ocr_api() is not None, "tesserocr and Debian's English model are installed"
    rgb = load_image(IMAGES / "text-phone.jpg").rgb
    regions = im.text_regions(rgb.mean(axis=2).astype(np.uint8))
    by_library = im.read_text(rgb, regions)
    monkeypatch.setattr(im, "_ocr_api", lambda: None)
    by_program = im.read_text(rgb, regions)
    assert by_library[0] == by_program[0] and "07700" in by_library[0]
    assert [w.box for w in by_library[1]] == [w.box for w in by_program[1]]


def test_an_iphone_heic_photo_is_checked_like_any_other(school):
    import pillow_heif

    pillow_heif.register_heif_opener()
    photo = Image.open(IMAGES / "face-astronaut.jpg")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    photo.save(out, format="HEIF", exif=exif.tobytes())
    report = im.analyse(out.getvalue(), 0)
    kinds = {f.kind for f in report.findings}
    assert report.format == "HEIF"
    assert {"face", "location_metadata"} <= kinds


# -- bad files -----------------------------------------------------------------------------------


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"this is not a picture at all", "not a picture"),
        (png_header_only(100_000, 100_000), "pixels"),
        ((IMAGES / "none-coffee.jpg").read_bytes()[:3000], "damaged or cut short"),
    ],
)
def test_bad_pictures_get_a_clear_error(data, message):
    with pytest.raises(ImageError, match=message):
        load_image(data)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(im, "MAX_IMAGE_BYTES", 1000)
    with pytest.raises(ImageError, match="bytes"):
        load_image(IMAGES / "none-coffee.jpg")


def test_a_bad_picture_in_a_post_names_the_picture(school, tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"not a jpeg")
    post = {"text": "x", "images": ["bad.jpg"], "author": {"role": "staff"}}
    with pytest.raises(Exception, match=r"images\[0\]: bad.jpg: not a picture"):
        check_post(post, school, base_dir=tmp_path)


def test_uploaded_bytes_and_files_are_accepted(school):
    data = (IMAGES / "sports-day-1.jpg").read_bytes()
    for source in (data, io.BytesIO(data)):
        result = check_post({"text": "", "images": [source], "author": {"role": "staff"}}, school)
        assert "face" in kinds(result)


def test_transparent_and_palette_pictures_are_read():
    for mode in ("RGBA", "P", "L", "CMYK"):
        out = io.BytesIO()
        Image.new(mode, (40, 30)).save(out, "PNG" if mode != "CMYK" else "JPEG")
        assert load_image(out.getvalue()).rgb.shape == (30, 40, 3)


# -- faces, one by one ---------------------------------------------------------------------------

FACE_BOXES = json.loads((IMAGES / "face-boxes.json").read_text())


def faces_in(name: str) -> list[list[int]]:
    rgb = load_image(IMAGES / name).rgb
    return [f.box for f in im.find_faces(rgb) if f.box is not None]


def found_where_put(name: str) -> tuple[int, int]:
    """(faces found where make_images.py put one, detections where it put none)."""
    found = faces_in(name)

    def inside(box: list[int], put: list[int]) -> bool:
        cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
        return put[0] <= cx <= put[0] + put[2] and put[1] <= cy <= put[1] + put[3]

    hits = sum(any(inside(b, put) for b in found) for put in FACE_BOXES[name])
    strays = sum(not any(inside(b, put) for put in FACE_BOXES[name]) for b in found)
    return hits, strays


@pytest.mark.parametrize(
    ("name", "at_least"),
    [("group-big.jpg", 4), ("group-mid.jpg", 6), ("group-turned.jpg", 5)],
)
def test_faces_of_45_pixels_and_more_in_a_group_are_found_one_by_one(name, at_least):
    hits, strays = found_where_put(name)
    assert hits >= at_least
    assert strays == 0


@pytest.mark.parametrize(
    "name",
    [
        "face-profile.jpg",
        "face-profile-small.jpg",
        "face-turned-away.jpg",
        "face-astronaut-turned-25.jpg",
        "face-mirrored-with-cat.jpg",
        "face-tiny-rocket.jpg",
    ],
)
def test_faces_in_profile_turned_mirrored_or_small_are_found(name):
    assert faces_in(name)


@pytest.mark.parametrize(
    "name",
    [
        "none-patches-big.jpg",
        "none-patches-mid.jpg",
        "none-patches-small.jpg",
        "none-motorcycle.jpg",
        "none-cats.jpg",
        "none-retina.jpg",
        "none-cells.jpg",
        "none-hubble-deep-field.jpg",
        "crest-other.jpg",
        "none-clock.jpg",
    ],
)
def test_busy_pictures_and_face_sized_patches_have_no_faces(name):
    assert faces_in(name) == []


@pytest.mark.parametrize("name", ["face-lfw-28.jpg", "face-lfw-40.jpg"])
def test_a_lone_face_of_28_to_40_pixels_is_found_where_it_was_put(name):
    hits, strays = found_where_put(name)
    assert (hits, strays) == (1, 0)


@pytest.mark.parametrize("name", ["group-small.jpg", "group-tiny.jpg"])
def test_a_crowd_of_faces_under_40_pixels_shows_at_least_one_face(name):
    # One face is enough for the post to need a person's look; the rest may be missed.
    hits, strays = found_where_put(name)
    assert hits >= 1 and strays == 0


def test_small_faces_are_looked_for_in_few_windows_around_face_sized_blobs():
    rgb = load_image(IMAGES / "face-lfw-40.jpg").rgb
    windows = im._fine_windows(rgb)
    assert 1 <= len(windows) <= im.MAX_FINE_WINDOWS
    (x, y, w, h), put = windows[0], FACE_BOXES["face-lfw-40.jpg"][0]
    assert x <= put[0] and put[0] + put[2] <= x + w and y <= put[1] and put[1] + put[3] <= y + h
    for plain in ("none-grass.jpg", "none-gravel.jpg", "none-brick.jpg", "none-chelsea.jpg"):
        assert im._fine_windows(load_image(IMAGES / plain).rgb) == [], plain


def test_a_grey_picture_is_checked_for_faces_like_a_colour_one():
    rgb = load_image(IMAGES / "face-grey.jpg").rgb
    assert im.find_faces(rgb[:, :, 0]) and im.find_faces(rgb)


def test_the_anchors_match_the_networks_outputs():
    short, full = im._detectors()
    for detector, count in ((short, 896), (full, 2304)):
        assert len(detector.anchors) == count
        side = detector.spec.size
        _, scores = detector.detect(np.zeros((side, side, 3), np.uint8), [(0, 0, side, side)])
        assert scores.shape == (count,)


def test_a_batch_of_regions_gives_what_each_region_gives_alone():
    rgb = load_image(IMAGES / "face-two.jpg").rgb
    regions = [(0, 0, 614, 614), (410, 0, 614, 614), (0, 154, 614, 614), (410, 154, 614, 614)]
    for detector in im._detectors():
        boxes, scores = detector.detect(rgb, regions)
        alone = [detector.detect(rgb, [r]) for r in regions]
        assert np.allclose(scores, np.concatenate([s for _, s in alone]), atol=1e-4)
        assert np.allclose(boxes, np.concatenate([b for b, _ in alone]), atol=1e-2)


def test_the_face_models_are_the_ones_the_readme_names():
    readme = (im.MODELS / "README.md").read_text()
    for model in sorted(im.MODELS.glob("*.tflite")):
        assert hashlib.sha256(model.read_bytes()).hexdigest() in readme, model.name


# -- when to read text ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in IMAGES.glob("text-*.jpg")))
def test_signs_are_read(name):
    gray = load_image(IMAGES / name).rgb.mean(axis=2).astype(np.uint8)
    assert im.text_regions(gray)


@pytest.mark.parametrize(
    "name",
    [
        "none-grass.jpg",
        "none-gravel.jpg",
        "none-brick.jpg",
        "none-coins.jpg",
        "sports-day-1.jpg",
        "logo-and-face.jpg",
        "group-big.jpg",
        "none-patches-mid.jpg",
    ],
)
def test_textures_and_photographs_are_not_read(name):
    gray = load_image(IMAGES / name).rgb.mean(axis=2).astype(np.uint8)
    assert im.text_regions(gray) == []


@needs_tesseract
def test_only_a_window_around_the_text_is_read_and_boxes_are_in_the_picture():
    rgb = load_image(IMAGES / "text-phone.jpg").rgb
    regions = im.text_regions(rgb.mean(axis=2).astype(np.uint8))
    _, _, w, h = im._ocr_window(regions, rgb.shape[1], rgb.shape[0])
    assert w * h < rgb.shape[0] * rgb.shape[1]
    text, words = im.read_text(rgb, regions)
    assert "07700" in text
    # The sign's white panel is at (60, 120)-(740, 380) in the 800x500 picture.
    word = next(w for w in words if "07700" in w.text)
    assert 60 <= word.box[0] < 740 and 120 <= word.box[1] < 380


# -- small logos ----------------------------------------------------------------------------------

LOGO_BOXES = json.loads((IMAGES / "logo-boxes.json").read_text())


def logo_model(rgb=None):
    return im.LogoModel(load_image(CORPUS / "logo.png").rgb if rgb is None else rgb)


def centre_inside(box, put):
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return put[0] <= cx <= put[0] + put[2] and put[1] <= cy <= put[1] + put[3]


@pytest.mark.parametrize("name", sorted(LOGO_BOXES))
def test_the_logo_of_24_to_60_pixels_is_found_where_it_was_put(name):
    rgb = load_image(IMAGES / name).rgb
    found = logo_model().find(im.cv2.cvtColor(rgb, im.cv2.COLOR_RGB2GRAY), rgb)
    assert len(found) == 1
    assert centre_inside(found[0].box, LOGO_BOXES[name])
    assert 0.7 <= found[0].box[2] / LOGO_BOXES[name][2] <= 1.3


@pytest.mark.parametrize(
    "name",
    [
        "crests-small-1.jpg",
        "crests-small-2.jpg",
        "crests-small-3.jpg",
        "navy-gold-clutter-1.jpg",
        "navy-gold-clutter-2.jpg",
        "crest-other.jpg",
        "none-gravel.jpg",
        "none-cells.jpg",
        "none-motorcycle.jpg",
        "face-astronaut.jpg",
    ],
)
def test_small_crests_in_the_same_colours_and_clutter_are_not_the_logo(name):
    rgb = load_image(IMAGES / name).rgb
    assert logo_model().find(im.cv2.cvtColor(rgb, im.cv2.COLOR_RGB2GRAY), rgb) == []


def test_the_small_logo_pass_runs_only_when_the_features_find_nothing(monkeypatch):
    model = logo_model()
    calls = []
    monkeypatch.setattr(model.small, "find", lambda rgb: calls.append(rgb) or [])
    big = load_image(IMAGES / "logo-1.jpg").rgb
    assert model.find(im.cv2.cvtColor(big, im.cv2.COLOR_RGB2GRAY), big) and calls == []
    small = load_image(IMAGES / "logo-small-5.jpg").rgb
    model.find(im.cv2.cvtColor(small, im.cv2.COLOR_RGB2GRAY), small)
    assert len(calls) == 1


def test_the_small_logo_pass_learns_its_colours_from_the_schools_logo():
    # Another school's logo: the same drawing in other colours (channels swapped). Each school's
    # model finds its own logo and not the other's.
    ours = load_image(CORPUS / "logo.png").rgb
    theirs = np.ascontiguousarray(ours[:, :, ::-1])
    picture = load_image(IMAGES / "none-grass.jpg").rgb.copy()
    small = im.cv2.resize(theirs, (40, 40), interpolation=im.cv2.INTER_AREA)
    picture[300:340, 500:540] = small
    gray = im.cv2.cvtColor(picture, im.cv2.COLOR_RGB2GRAY)
    assert not np.allclose(logo_model(theirs).small.main, logo_model().small.main)
    found = logo_model(theirs).find(gray, picture)
    assert len(found) == 1 and centre_inside(found[0].box, [500, 300, 40, 40])
    assert logo_model().find(gray, picture) == []


def test_a_post_with_a_small_logo_is_branded(school):
    result = check(school, "logo-small-3.jpg")
    logo = [f for f in result["findings"] if f["kind"] == "school_logo"]
    assert len(logo) == 1 and logo[0]["clause"] == "code.school-branding"
