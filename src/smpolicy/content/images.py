"""The image checks: faces, the school's logo, nudity, text in the picture, location metadata.

Everything runs offline from what the packages ship:
- faces: Google MediaPipe's BlazeFace detectors (short and full range, `models/`, Apache-2.0,
  see models/README.md) run by OpenCV's DNN module propose faces; weaker proposals are confirmed
  by OpenCV 4.x's Haar cascades (frontal and profile, in the opencv-python-headless wheel) run on
  just that place. Faces from about 45 pixels across in a 1024-pixel picture, turned, tilted or
  in profile. Smaller faces (16 to 48 pixels) are looked for only around face-sized blobs of
  skin or grey, at most two windows a picture: a lone small face on a plain background is
  found, in a crowd of them only the first few; scanning the whole picture at that scale would
  take about 35 runs of the network (some 280 ms on one core), far over the time budget.
- the logo: ORB features of the school's logo, at several sizes, matched to the picture's and
  checked with a RANSAC similarity transform, so it is found scaled, moved and slightly rotated.
  ORB misses logos under about 60 pixels across in a 1024-pixel picture; when it finds nothing,
  a small-logo pass looks for blobs of the logo's own main colour (learnt from the logo) with its
  second colour beside them, and compares the logo's inside with each (grey and edges,
  normalised cross-correlation, a few sizes and turns): about 3 ms a picture, up to 17 ms on
  pictures full of the logo's colours.
- nudity: a skin-exposure measure (the share of skin-coloured pixels outside the faces found, and
  the largest skin region). It is a heuristic, reported with low confidence so a person looks;
  no permissively licensed offline nudity model was found (NudeNet ships one, under AGPL-3.0).
  Violence in pictures is not detected.
- text in the picture: tesseract (Debian's tesseract-ocr-eng model, read by the tesserocr
  wheel's library loaded once per thread, about 10 ms a sign; the `tesseract` program when the
  library is missing, about 100 ms), run only when the picture has lines of character-shaped
  blobs, and then only on a window around them; what it reads goes through the text checks.
- GPS position in EXIF: read with Pillow, reported, and removable with `strip_location`.

Bad input gets `ImageError` with a clear message: a file that is no picture, too many bytes, too
many pixels (decompression bombs are refused before decoding), a truncated file.
"""

from __future__ import annotations

import glob
import io
import os
import shutil
import subprocess
import threading
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from smpolicy.heif import is_heif, register_opener

MAX_IMAGE_BYTES = 25 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF"})
GPS_IFD = 0x8825
MODELS = Path(__file__).parent / "models"
FACE_SIDE = 1024  # faces are looked for at this size: the cost is fixed, whatever the upload
TILE_SHARE = 0.6  # corner tiles, each this share of the picture's longer side
MIN_TILE = 160
# Small faces (16 to 48 pixels in the working copy) are looked for only around face-sized blobs
# of skin or grey found on a copy this many times smaller: a full-range pass over the whole
# picture at a scale that sees them would take about 35 runs of the network, these take 0 to 2.
BLOB_SHRINK = 4
BLOB_SIDES = (4, 12)  # blob sizes in the shrunk copy: faces of 16 to 48 pixels
FINE_WINDOW = 192  # working-copy pixels around a blob: the full-range network's own input size
MAX_FINE_WINDOWS = 2  # each costs one more run (~8 ms); busy pictures have blobs to spare
PROPOSAL_SCORE = 0.25  # BlazeFace scores worth a second look
SURE_SCORE = 0.75  # above the best score any busy picture without a face got (0.70)
CASCADE_VOTES = 3  # Haar neighbours to confirm a weaker proposal (busy pictures: 0)
MAX_PROPOSALS = 32  # bounds the time a crowd of face-like things can take
NMS_OVERLAP = 0.3
HAAR_FACE = 36  # a proposal is scaled so its face is this wide before the cascades look
HAAR_STEP = 1.15
LOGO_SIDE = 1024
# The small-logo pass (logos of about 20 to 80 pixels, which ORB misses): candidates are blobs of
# the logo's main colour, shield-sized, with its second colour beside them, found on a half-size
# copy; each is checked by normalised cross-correlation of the logo's inside at full scale.
SMALL_LOGO_SIDES = (20, 80)
SMALL_LOGO_SCALES = (0.9, 1.0, 1.1)  # around the size the blob says
SMALL_LOGO_ANGLES = (-10.0, -5.0, 0.0, 5.0, 10.0)
SMALL_LOGO_CANDIDATES = 3
SMALL_LOGO_SHIFT = 8  # pixels the logo's centre may be off the blob's
# Grey and edge correlation, the lower of the two: in the corpus, other schools' navy-and-gold
# crests at 20 to 60 pixels, bunting, a navy kit and every picture without the logo reach 0.40;
# the school's logo at 24 to 61 pixels, turned up to 10 degrees, 0.64 and more. The threshold
# sits between, with a margin each side.
SMALL_LOGO_SCORE = 0.5
SKIN_SIDE = 256
TEXT_SIDE = 800
TEXT_MIN_CHARS = 8  # a line this long: the corpus's signs have 8 to 18, textures at most 7
OCR_TIMEOUT_S = 20
ImageSource = str | os.PathLike[str] | bytes | IO[bytes]
# Smaller than this a side, or longer than this many times its width, a file is no picture anyone
# posts (a tracking pixel, a 40000 x 2 strip made to break the resizing every detector does).
MIN_IMAGE_SIDE = 16
MAX_ASPECT_RATIO = 20


class ImageError(ValueError):
    """A picture that cannot be checked; the message says why, for the person who sent it."""


@dataclass(slots=True)
class LoadedImage:
    rgb: np.ndarray  # H x W x 3, uint8, upright (EXIF orientation applied)
    format: str
    gps: dict[str, float] | None
    name: str

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])


@dataclass(slots=True)
class ImageFinding:
    kind: str
    box: list[int] | None
    confidence: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OcrWord:
    text: str
    box: list[int]
    start: int  # offset of the word in the OCR text
    end: int


@dataclass(slots=True)
class ImageReport:
    index: int
    width: int
    height: int
    format: str
    findings: list[ImageFinding]
    gps: dict[str, float] | None
    text: str = ""
    words: list[OcrWord] = field(default_factory=list)
    ocr: str = "not needed"  # read | not needed | unavailable | failed: ...


# -- reading ----------------------------------------------------------------------------------


def _read_bytes(source: ImageSource) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), "upload"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        name = path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ImageError(f"{name}: cannot read it: {exc.strerror}") from exc
        if size > MAX_IMAGE_BYTES:
            raise ImageError(
                f"{name}: {size:,} bytes is more than the {MAX_IMAGE_BYTES:,} a picture may have"
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImageError(f"{name}: cannot read it: {exc.strerror}") from exc
    elif hasattr(source, "read"):
        name = str(getattr(source, "name", "upload"))
        data = source.read(MAX_IMAGE_BYTES + 1)
        if not isinstance(data, bytes):
            raise ImageError(f"{name}: expected a picture's bytes, got text")
    else:
        raise ImageError(f"expected a file path or a picture's bytes, got {type(source).__name__}")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"{name}: more than the {MAX_IMAGE_BYTES:,} bytes a picture may have")
    if not data:
        raise ImageError(f"{name}: the file is empty")
    return data, name


def shape_problem(width: int, height: int) -> str | None:
    """What is wrong with a picture of ``width`` x ``height`` pixels for checking, or None."""
    if width < 1 or height < 1:
        return f"the picture is {width} x {height} pixels: it has no pixels"
    if min(width, height) < MIN_IMAGE_SIDE:
        return (
            f"the picture is only {width} x {height} pixels; a picture to check needs at least "
            f"{MIN_IMAGE_SIDE} pixels a side"
        )
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        return (
            f"the picture is {width} x {height} pixels, more than {MAX_ASPECT_RATIO} times longer "
            "than it is wide; crop it to what will be posted"
        )
    return None


def load_image(source: ImageSource) -> LoadedImage:
    """Decode a picture safely: size and pixel limits first, then decode, upright, as RGB."""
    data, name = _read_bytes(source)
    if is_heif(data):  # iPhones' photos
        register_opener()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            if im.format not in FORMATS:
                raise ImageError(
                    f"{name}: {im.format} pictures are not accepted; "
                    "use JPEG, PNG, WebP, GIF or HEIC"
                )
            width, height = im.size
            # Checked on the header, before any pixel is decoded: a bomb never expands.
            if width * height > MAX_IMAGE_PIXELS:
                raise ImageError(
                    f"{name}: {width}x{height} is more than the {MAX_IMAGE_PIXELS:,} pixels a "
                    "picture may have"
                )
            if problem := shape_problem(width, height):
                raise ImageError(f"{name}: {problem}")
            fmt = str(im.format)  # a turned copy (exif_transpose) has no format of its own
            exif = im.getexif()
            gps = _gps(exif)
            im.load()
            im = ImageOps.exif_transpose(im) or im
            rgb = _to_rgb(im)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"{name}: too many pixels to decode safely ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"{name}: not a picture this checker can read") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"{name}: the picture is damaged or cut short ({exc})") from exc
    return LoadedImage(rgb=rgb, format=fmt, gps=gps, name=name)


def _to_rgb(im: Image.Image) -> np.ndarray:
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        background = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, im)
    if im.mode != "RGB":
        im = im.convert("RGB")
    return np.asarray(im, dtype=np.uint8)


def _ratio(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return float("nan")


def _gps(exif: Image.Exif) -> dict[str, float] | None:
    try:
        ifd = exif.get_ifd(GPS_IFD)
    except (KeyError, ValueError, TypeError, SyntaxError):
        return None
    if not ifd:
        return None
    out: dict[str, float] = {}
    for ref_tag, tag, key, negative in ((1, 2, "lat", "S"), (3, 4, "lon", "W")):
        parts = ifd.get(tag)
        if not parts or len(parts) != 3:
            continue
        d, m, s = (_ratio(p) for p in parts)
        value = d + m / 60 + s / 3600
        if value != value:  # NaN: a broken rational
            continue
        ref = ifd.get(ref_tag)
        if isinstance(ref, bytes):
            ref = ref.decode("ascii", "replace")
        if isinstance(ref, str) and ref.strip().upper() == negative:
            value = -value
        out[key] = round(value, 6)
    # A GPS block without a position (only a time stamp, say) still says where it came from.
    return out or {"present": 1.0}


def strip_location(source: ImageSource, destination: str | os.PathLike[str]) -> Path:
    """Write a copy of the picture without its GPS position (and without XMP, which may hold one).

    The rest of the EXIF (orientation, camera) is kept. JPEGs keep their quantisation tables, so
    the copy looks the same.
    """
    data, name = _read_bytes(source)
    destination = Path(destination)
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format not in FORMATS:
                raise ImageError(f"{name}: {im.format} pictures are not accepted")
            if im.size[0] * im.size[1] > MAX_IMAGE_PIXELS:
                raise ImageError(f"{name}: too many pixels")
            exif = im.getexif()
            if GPS_IFD in exif:
                del exif[GPS_IFD]
            params: dict[str, Any] = {"exif": exif.tobytes()}
            if im.info.get("icc_profile"):
                params["icc_profile"] = im.info["icc_profile"]
            fmt = im.format
            if fmt in ("JPEG", "MPO"):
                fmt = "JPEG"
                params["quality"] = "keep"
                params["subsampling"] = "keep"
            im.save(destination, format=fmt, **params)
    except ImageError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError) as exc:
        raise ImageError(f"{name}: cannot write a copy without the location ({exc})") from exc
    return destination


# -- faces --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Spec:
    file: str
    size: int  # the network's square input, in pixels
    strides: tuple[int, ...]  # one per SSD layer, as in MediaPipe's face_detection_*.pbtxt
    anchors_per_cell: int  # per run of equal strides: 2 per layer when the aspect ratio is 1


SHORT_RANGE = _Spec("face_detection_short_range.tflite", 128, (8, 16, 16, 16), 2)
FULL_RANGE = _Spec("face_detection_full_range.tflite", 192, (4,), 1)


def _anchors(spec: _Spec) -> tuple[np.ndarray, list[int]]:
    """SSD anchor centres in [0, 1], in the network's output order (MediaPipe's SsdAnchors), and
    how many anchors each grid gives.

    Layers with the same stride share one grid, each adding its anchors to every cell. The
    anchors have a fixed size of 1, so only their centres matter.
    """
    centres: list[np.ndarray] = []
    layer = 0
    while layer < len(spec.strides):
        stride = spec.strides[layer]
        same = 0
        while layer + same < len(spec.strides) and spec.strides[layer + same] == stride:
            same += 1
        cells = spec.size // stride
        ys, xs = np.mgrid[0:cells, 0:cells]
        grid = np.stack([(xs.ravel() + 0.5) / cells, (ys.ravel() + 0.5) / cells], axis=1)
        centres.append(np.repeat(grid, same * spec.anchors_per_cell, axis=0))
        layer += same
    return np.concatenate(centres).astype(np.float32), [len(c) for c in centres]


class BlazeFace:
    """One of Google MediaPipe's BlazeFace detectors, run by OpenCV's own DNN module.

    `detect` takes any number of regions of one picture, letterboxes each into the network's
    square input (as MediaPipe does) and runs them as one batch.
    """

    def __init__(self, spec: _Spec) -> None:
        path = MODELS / spec.file
        if not path.is_file():
            raise RuntimeError(f"the face model is missing: {path} (reinstall smpolicy)")
        self.net = cv2.dnn.readNetFromTFLite(str(path))
        self.spec = spec
        self.anchors, self.groups = _anchors(spec)
        self.outputs = self.net.getUnconnectedOutLayersNames()
        self.batch = self._batch_layout()

    def _run(self, tensor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw logits (n, anchors) and regressors (n, anchors, 16) for a batch of n inputs."""
        n = len(tensor)
        self.net.setInput(tensor)
        outs = self.net.forward(self.outputs)
        logits = next(o for o in outs if o.shape[-1] == 1).reshape(-1, 1)
        boxes = next(o for o in outs if o.shape[-1] == 16).reshape(-1, 16)
        if n > 1 and self.batch == "by grid":
            # OpenCV lays a batch out grid by grid (all inputs' first grid, then the next).
            order, start = [], 0
            for size in self.groups:
                order.append(np.arange(start, start + n * size).reshape(n, size))
                start += n * size
            index = np.concatenate(order, axis=1).ravel()
            logits, boxes = logits[index], boxes[index]
        return logits.reshape(n, -1), boxes.reshape(n, -1, 16)

    def _batch_layout(self) -> str:
        """How this OpenCV lays out a batch's outputs, found once by running two inputs both
        ways; "single" when neither known layout matches, and then inputs go one at a time."""
        side = self.spec.size
        probe = np.random.default_rng(0).uniform(-1, 1, (2, 3, side, side)).astype(np.float32)
        alone = [self._run(probe[k : k + 1]) for k in range(2)]
        want = np.concatenate([a[1] for a in alone])
        for layout in ("by input", "by grid"):
            self.batch = layout
            try:
                _, together = self._run(probe)
            except cv2.error:
                break
            if together.shape == want.shape and np.allclose(together, want, atol=1e-3):
                return layout
        return "single"

    def detect(
        self, rgb: np.ndarray, regions: list[tuple[int, int, int, int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Face boxes (x0, y0, x1, y1 in the picture's pixels) and scores, over all regions."""
        side = self.spec.size
        blob = np.zeros((len(regions), side, side, 3), np.uint8)
        placing = np.zeros((len(regions), 3), np.float32)  # scale, pad x, pad y
        for k, (x, y, w, h) in enumerate(regions):
            scale = side / max(w, h)
            nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
            small = cv2.resize(
                rgb[y : y + h, x : x + w],
                (nw, nh),
                interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
            )
            px, py = (side - nw) // 2, (side - nh) // 2
            blob[k, py : py + nh, px : px + nw] = small
            placing[k] = (scale, px, py)
        # The networks take NCHW float32 in [-1, 1]; the letterbox margin is black (-1).
        tensor = blob.transpose(0, 3, 1, 2).astype(np.float32) / 127.5 - 1.0
        if self.batch == "single":
            runs = [self._run(tensor[k : k + 1]) for k in range(len(tensor))]
            raw_scores = np.concatenate([r[0] for r in runs])
            raw_boxes = np.concatenate([r[1] for r in runs])
        else:
            raw_scores, raw_boxes = self._run(tensor)
        # MediaPipe clips the logits before the sigmoid so that exp() cannot overflow.
        scores = 1.0 / (1.0 + np.exp(-np.clip(raw_scores, -80.0, 80.0)))
        centre = raw_boxes[:, :, 0:2] + self.anchors * side  # network pixels
        half = raw_boxes[:, :, 2:4] / 2
        boxes = np.concatenate([centre - half, centre + half], axis=2)
        origin = np.array([(x, y) for x, y, _, _ in regions], np.float32)
        boxes -= np.tile(placing[:, None, 1:3], 2)
        boxes /= placing[:, None, 0:1]
        boxes += np.tile(origin[:, None, :], 2)
        return boxes.reshape(-1, 4), scores.reshape(-1)


@cache
def _detectors() -> tuple[BlazeFace, BlazeFace]:
    return BlazeFace(SHORT_RANGE), BlazeFace(FULL_RANGE)


@cache
def _cascades() -> tuple[cv2.CascadeClassifier, cv2.CascadeClassifier]:
    out = []
    for name in ("haarcascade_frontalface_alt2.xml", "haarcascade_profileface.xml"):
        path = Path(cv2.data.haarcascades) / name
        cascade = cv2.CascadeClassifier(str(path))
        if cascade.empty():
            raise RuntimeError(f"OpenCV's cascade is missing: {path} (opencv-python-headless<5)")
        out.append(cascade)
    return out[0], out[1]


def _shrink(gray: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    h, w = gray.shape[:2]
    scale = min(1.0, side / max(h, w))
    if scale < 1.0:
        gray = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    return gray, scale


def _tiles(w: int, h: int) -> list[tuple[int, int, int, int]]:
    """Overlapping corner tiles: each face up to the overlap's size is whole in one of them."""
    side = round(max(w, h) * TILE_SHARE)
    if side < MIN_TILE:
        return []
    xs = [0] if w <= side else [0, w - side]
    ys = [0] if h <= side else [0, h - side]
    return [(x, y, min(side, w), min(side, h)) for y in ys for x in xs]


def _face_blobs(small: np.ndarray) -> np.ndarray:
    """Centres (x, y, in the working copy's pixels) of compact blobs the size of a small face,
    skin-toned or grey, best-shaped first.

    A blob counts only when it stands apart from its surroundings: on grass a face is a blob,
    on a wooden floor the whole floor is skin-toned and nothing is.
    """
    h, w = small.shape[:2]
    tiny = cv2.resize(
        small, (max(1, w // BLOB_SHRINK), max(1, h // BLOB_SHRINK)), interpolation=cv2.INTER_AREA
    )
    ycc = cv2.cvtColor(tiny, cv2.COLOR_RGB2YCrCb)
    # Chai and Ngan's skin range, and colourless mid-tones for faces in grey photographs pasted
    # in colour ones (and the LFW faces of the corpus).
    masks = (
        cv2.inRange(ycc, (40, 135, 77), (250, 173, 125)),
        cv2.inRange(ycc, (50, 122, 122), (210, 134, 134)),
    )
    found: list[np.ndarray] = []
    shape: list[np.ndarray] = []
    lo, hi = BLOB_SIDES
    for mask in masks:
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
        _, _, stats, centres = cv2.connectedComponentsWithStats(mask, connectivity=8)
        _, _, bw, bh, area = stats[1:].T
        fill = area / np.maximum(1, bw * bh)
        ok = (
            (bw >= lo)
            & (bh >= lo)
            & (bw <= hi)
            & (bh <= hi + 1)
            & (fill >= 0.45)
            & (np.maximum(bw, bh) <= 1.7 * np.minimum(bw, bh))
        )
        found.append(centres[1:][ok] * BLOB_SHRINK)
        # An ellipse fills pi/4 of its box: the nearer a blob is to that, the more face-like.
        shape.append(np.abs(fill[ok] - np.pi / 4))
    centres = np.concatenate(found)
    return centres[np.argsort(np.concatenate(shape), kind="stable")]


def _fine_windows(small: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Windows of FINE_WINDOW pixels around the face-sized blobs, one for blobs close together,
    at most MAX_FINE_WINDOWS; the full-range network sees them at the working copy's scale."""
    h, w = small.shape[:2]
    side = min(FINE_WINDOW, w, h)
    margin = side // 8  # a blob this near a window's edge gets its own window
    windows: list[tuple[int, int, int, int]] = []
    for cx, cy in _face_blobs(small):
        if len(windows) >= MAX_FINE_WINDOWS:
            break
        if any(
            x + margin <= cx <= x + side - margin and y + margin <= cy <= y + side - margin
            for x, y, _, _ in windows
        ):
            continue
        x = int(min(max(0, cx - side / 2), w - side))
        y = int(min(max(0, cy - side / 2), h - side))
        windows.append((x, y, side, side))
    return windows


def _weighted_nms(boxes: np.ndarray, scores: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """MediaPipe's weighted non-maximum suppression: each group of overlapping boxes becomes
    their score-weighted mean, with the best score of the group."""
    order = np.argsort(-scores)
    areas = np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(
        boxes[:, 3] - boxes[:, 1], 0, None
    )
    taken = np.zeros(len(scores), bool)
    out = []
    for i in order:
        if taken[i]:
            continue
        x0 = np.maximum(boxes[i, 0], boxes[:, 0])
        y0 = np.maximum(boxes[i, 1], boxes[:, 1])
        x1 = np.minimum(boxes[i, 2], boxes[:, 2])
        y1 = np.minimum(boxes[i, 3], boxes[:, 3])
        inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
        group = (inter / (areas[i] + areas - inter + 1e-9) > NMS_OVERLAP) & ~taken
        taken |= group
        weights = scores[group]
        out.append(((boxes[group] * weights[:, None]).sum(0) / weights.sum(), float(scores[i])))
    return out


def _cascade_votes(gray: np.ndarray, box: np.ndarray) -> int:
    """How strongly OpenCV's Haar cascades see a face at a proposed place (0: not at all).

    The place is cut out with a margin and scaled so the face is about HAAR_FACE pixels, where
    the cascades are sure and cheap; the frontal cascade, then the profile one both ways round.
    """
    x0, y0, x1, y1 = (float(v) for v in box)
    face = max(x1 - x0, y1 - y0, 1.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = face * 1.2
    h, w = gray.shape
    left, top = int(max(0, cx - half)), int(max(0, cy - half))
    right, bottom = int(min(w, cx + half)), int(min(h, cy + half))
    if right - left < 8 or bottom - top < 8:
        return 0
    zoom = HAAR_FACE / face
    crop = cv2.resize(
        gray[top:bottom, left:right],
        None,
        fx=zoom,
        fy=zoom,
        interpolation=cv2.INTER_AREA if zoom < 1 else cv2.INTER_LINEAR,
    )
    best = 0
    frontal, profile = _cascades()
    for cascade, mirrored in ((frontal, False), (profile, False), (profile, True)):
        image = cv2.flip(crop, 1) if mirrored else crop
        rects, counts = cascade.detectMultiScale2(
            image,
            scaleFactor=HAAR_STEP,
            minNeighbors=1,
            minSize=(int(HAAR_FACE * 0.6), int(HAAR_FACE * 0.6)),
            maxSize=(int(HAAR_FACE * 1.6), int(HAAR_FACE * 1.6)),
        )
        for (x, y, rw, rh), n in zip(rects, counts, strict=False):
            fx = (image.shape[1] - x - rw / 2) if mirrored else (x + rw / 2)
            if (
                abs(fx / zoom + left - cx) < face / 2
                and abs((y + rh / 2) / zoom + top - cy) < face / 2
            ):
                best = max(best, int(n))
        if best >= CASCADE_VOTES:
            break
    return best


def find_faces(image: np.ndarray) -> list[ImageFinding]:
    """Faces in a picture (RGB, or grey), each with its box in the picture's pixels.

    Two stages. BlazeFace proposes: the short-range model on the whole picture (big faces), the
    full-range model on four overlapping corner tiles (faces from about 45 pixels) and, at the
    working copy's own scale, on windows around face-sized blobs (smaller faces).
    A proposal the networks are sure of is a face; a weaker one is a face only when the Haar
    cascades, run on just that place, agree. Busy textures fool one kind of detector or the
    other, rarely both.
    """
    rgb = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    small, scale = _shrink(rgb, FACE_SIDE)
    h, w = small.shape[:2]
    whole = [(0, 0, w, h)]
    short, full = _detectors()
    # The short-range model sees the big faces in the whole picture; the full-range one the
    # small ones, in tiles. A full-range pass on the whole picture added nothing the two miss.
    found = [short.detect(small, whole)]
    tiles = _tiles(w, h) + _fine_windows(small)
    if tiles:
        found.append(full.detect(small, tiles))
    boxes = np.concatenate([b for b, _ in found])
    scores = np.concatenate([s for _, s in found])
    keep = scores >= PROPOSAL_SCORE
    proposals = _weighted_nms(boxes[keep], scores[keep])[:MAX_PROPOSALS]
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    out = []
    for box, score in proposals:
        if score >= SURE_SCORE:
            confidence = score
        else:
            votes = _cascade_votes(gray, box)
            if votes < CASCADE_VOTES:
                continue
            # Two unlike detectors agreeing: each one's doubt, multiplied.
            confidence = 1 - (1 - score) * (1 - min(0.9, 0.5 + 0.05 * votes))
        x0, y0 = max(0.0, float(box[0])), max(0.0, float(box[1]))
        x1, y1 = min(float(w), float(box[2])), min(float(h), float(box[3]))
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        out.append(
            ImageFinding(
                "face",
                [
                    round(x0 / scale),
                    round(y0 / scale),
                    round((x1 - x0) / scale),
                    round((y1 - y0) / scale),
                ],
                round(min(0.99, confidence), 2),
            )
        )
    return out


# -- the logo -----------------------------------------------------------------------------------


class LogoModel:
    """ORB features of the school's logo at several sizes, built once per school context."""

    SIZES = (256, 128, 80, 56)
    MIN_INLIERS = 8

    def __init__(self, logo_rgb: np.ndarray) -> None:
        self.detector = cv2.ORB_create(
            nfeatures=2000,
            scaleFactor=1.2,
            nlevels=8,
            edgeThreshold=19,
            patchSize=19,
            fastThreshold=12,
        )
        self.matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
        gray = cv2.cvtColor(logo_rgb, cv2.COLOR_RGB2GRAY)
        h, w = gray.shape
        self.models: list[tuple[np.ndarray, np.ndarray, float]] = []
        for side in self.SIZES:
            scale = side / max(h, w)
            if scale > 1.5:
                continue
            resized = cv2.resize(
                gray,
                (max(1, round(w * scale)), max(1, round(h * scale))),
                interpolation=cv2.INTER_AREA,
            )
            kps, des = self.detector.detectAndCompute(resized, None)
            if des is not None and len(kps) >= self.MIN_INLIERS:
                points = np.float32([k.pt for k in kps]) / scale
                self.models.append((points, des, scale))
        self.size = (w, h)
        self.small = SmallLogo(logo_rgb)

    def find(self, gray: np.ndarray, rgb: np.ndarray | None = None) -> list[ImageFinding]:
        """The logo in a picture, by its features; when they find nothing and the colour
        picture is given, by the small-logo pass."""
        found = self._find_features(gray)
        if not found and rgb is not None:
            found = self.small.find(rgb)
        return found

    def _find_features(self, gray: np.ndarray) -> list[ImageFinding]:
        if not self.models:
            return []
        small, scale = _shrink(gray, LOGO_SIDE)
        kps, des = self.detector.detectAndCompute(small, None)
        if des is None or len(kps) < self.MIN_INLIERS:
            return []
        image_points = np.float32([k.pt for k in kps])
        best: tuple[int, np.ndarray] | None = None
        for points, model_des, _ in self.models:
            pairs = self.matcher.knnMatch(model_des, des, k=2)
            good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
            if len(good) < self.MIN_INLIERS:
                continue
            src = points[[m.queryIdx for m in good]]
            dst = image_points[[m.trainIdx for m in good]]
            transform, inliers = cv2.estimateAffinePartial2D(
                src, dst, method=cv2.RANSAC, ransacReprojThreshold=4.0
            )
            if transform is None:
                continue
            count = int(inliers.sum())
            zoom = float(np.hypot(transform[0, 0], transform[1, 0]))
            # A fit that shrinks the logo under the smallest size it can be told at is stripes
            # or texture matching by chance (a scarf's stripes gave an 8-pixel "logo").
            placed_side = zoom * max(self.size)
            if (
                count >= self.MIN_INLIERS
                and SMALL_LOGO_SIDES[0] <= placed_side
                and zoom < 10
                and (best is None or count > best[0])
            ):
                best = (count, transform)
        if best is None:
            return []
        count, transform = best
        w, h = self.size
        corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        placed = corners @ transform[:, :2].T + transform[:, 2]
        placed /= scale
        x0, y0 = placed.min(axis=0)
        x1, y1 = placed.max(axis=0)
        gh, gw = gray.shape[:2]
        x0, y0 = max(0, int(x0)), max(0, int(y0))
        x1, y1 = min(gw, int(x1)), min(gh, int(y1))
        confidence = round(min(0.99, 0.7 + count / 100), 2)
        return [ImageFinding("school_logo", [x0, y0, x1 - x0, y1 - y0], confidence)]


def _lab_box(colour: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    low = np.clip(colour - reach, 0, 255).astype(np.uint8)
    high = np.clip(colour + reach, 0, 255).astype(np.uint8)
    return low, high


def _edges(gray: np.ndarray) -> np.ndarray:
    g = gray.astype(np.float32)
    return cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))


def _largest(mask: np.ndarray) -> np.ndarray:
    """The largest blob of a mask, its holes filled."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    if contours:
        cv2.drawContours(out, [max(contours, key=cv2.contourArea)], -1, 255, cv2.FILLED)
    return out


def _inside(filled: np.ndarray) -> tuple[float, float, float, float]:
    """A box inside the logo's outline, as shares of the logo's width and height: the rows the
    outline fills from side to side, the columns it fills down those rows, less a margin so a
    turn of 10 degrees keeps the background out. Comparing only this part needs no mask, and
    finds the logo printed bare as well as on its own white."""
    h, w = filled.shape
    x, y, bw, bh = cv2.boundingRect(filled)
    on = filled[y : y + bh, x : x + bw] > 0
    rows = np.flatnonzero(on.mean(axis=1) >= 0.95)
    if len(rows) == 0:
        return 0.25, 0.25, 0.75, 0.75
    # the longest run of full rows
    breaks = np.flatnonzero(np.diff(rows) > 1)
    runs = np.split(rows, breaks + 1)
    run = max(runs, key=len)
    cols = np.flatnonzero(on[run[0] : run[-1] + 1].all(axis=0))
    top, bottom = y + run[0], y + run[-1] + 1
    left, right = x + cols.min(), x + cols.max() + 1
    margin = 0.04 * max(w, h)
    return (
        (left + margin) / w,
        (top + margin) / h,
        (right - margin) / w,
        (bottom - margin) / h,
    )


class SmallLogo:
    """The school's logo where it is too small for ORB (about 20 to 80 pixels across).

    Learnt from the logo itself: its background (the colour of its border), its two main
    colours (k-means over the rest, in Lab), and the box its main colour fills. A picture's
    candidates are blobs of the main colour as big as that box would be, with the second colour
    beside them; each is then compared with the logo's inside (no background, so the logo is
    found on white or printed bare) turned and scaled a little, on grey and on edges.
    """

    MAIN_REACH = 24  # Lab box around the main colour: JPEG and shading move it about this much
    SECOND_REACH = 60  # the second colour is thin (a rim, a star) and bleeds at small sizes

    def __init__(self, logo_rgb: np.ndarray) -> None:
        lab = cv2.cvtColor(logo_rgb, cv2.COLOR_RGB2LAB)
        labf = lab.astype(np.float32)
        border = np.concatenate([labf[0], labf[-1], labf[:, 0], labf[:, -1]])
        foreground = np.linalg.norm(labf - np.median(border, axis=0), axis=2) > 30
        self.usable = int(foreground.sum()) >= 50
        if not self.usable:
            return
        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
        cv2.setRNGSeed(1)  # the same logo must give the same colours on every run
        _, labels, centres = cv2.kmeans(
            labf[foreground].reshape(-1, 3), 3, None, criteria, 3, cv2.KMEANS_PP_CENTERS
        )
        order = np.argsort(-np.bincount(labels.ravel(), minlength=3))
        self.main, self.second = centres[order[0]], centres[order[1]]
        main = _largest(cv2.inRange(lab, *_lab_box(self.main, self.MAIN_REACH)))
        _, _, w, h = cv2.boundingRect(main)
        # A blob of the main colour in a picture says the logo's size: this many times its box.
        self.side_per_box = max(logo_rgb.shape[:2]) / max(w, h, 1)
        self.inside = _inside(_largest(foreground.astype(np.uint8) * 255))
        self.gray = cv2.cvtColor(logo_rgb, cv2.COLOR_RGB2GRAY)

    def _crop(self, square: np.ndarray) -> np.ndarray:
        h, w = square.shape[:2]
        x0, y0, x1, y1 = self.inside
        return square[round(h * y0) : round(h * y1), round(w * x0) : round(w * x1)]

    def _template(self, side: int, angle: float) -> np.ndarray:
        g = cv2.resize(self.gray, (side, side), interpolation=cv2.INTER_AREA)
        turn = cv2.getRotationMatrix2D(((side - 1) / 2, (side - 1) / 2), angle, 1.0)
        g = cv2.warpAffine(g, turn, (side, side), flags=cv2.INTER_LINEAR, borderValue=255)
        return self._crop(g)

    def candidates(self, rgb: np.ndarray) -> list[tuple[float, float, float]]:
        """Centre and likely side of each blob that could be the logo, best first."""
        half = cv2.resize(rgb, (rgb.shape[1] // 2, rgb.shape[0] // 2), interpolation=cv2.INTER_AREA)
        lab = cv2.cvtColor(half, cv2.COLOR_RGB2LAB)
        main = cv2.inRange(lab, *_lab_box(self.main, self.MAIN_REACH))
        # A small logo's thin lines of other colours (waves, a star) cut its main colour into
        # pieces at half size: closing joins them again.
        main = cv2.morphologyEx(main, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        second = cv2.inRange(lab, *_lab_box(self.second, self.SECOND_REACH))
        count, _, stats, _ = cv2.connectedComponentsWithStats(main, connectivity=8)
        lo, hi = SMALL_LOGO_SIDES
        out = []
        for x, y, w, h, area in stats[1:count]:
            side = 2 * max(w, h) * self.side_per_box
            if not lo <= side <= hi or max(w, h) > 1.6 * min(w, h) + 2 or area < 0.3 * w * h:
                continue
            pad = max(2, max(w, h) // 3)
            beside = second[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad]
            if not beside.any():
                continue
            out.append((2 * (x + w / 2), 2 * (y + h / 2), side, area / (w * h)))
        # Fullest blobs first: a shield fills its box; bunting and stripes fill less of theirs.
        out.sort(key=lambda c: -c[3])
        return [(cx, cy, side) for cx, cy, side, _ in out[:SMALL_LOGO_CANDIDATES]]

    def score(
        self, gray: np.ndarray, cx: float, cy: float, guess: float
    ) -> tuple[float, list[int]]:
        """The best correlation near a candidate and the logo's box there."""
        height, width = gray.shape
        best: tuple[float, list[int]] = (-1.0, [])
        for factor in SMALL_LOGO_SCALES:
            side = max(SMALL_LOGO_SIDES[0], round(guess * factor))
            r = side // 2 + SMALL_LOGO_SHIFT
            x0, y0 = round(cx) - r, round(cy) - r
            if x0 < 0 or y0 < 0 or x0 + 2 * r > width or y0 + 2 * r > height:
                continue
            window = gray[y0 : y0 + 2 * r, x0 : x0 + 2 * r]
            window_edges = _edges(window)
            for angle in SMALL_LOGO_ANGLES:
                template = self._template(side, angle)
                on_grey = cv2.matchTemplate(window, template, cv2.TM_CCOEFF_NORMED)
                on_edges = cv2.matchTemplate(window_edges, _edges(template), cv2.TM_CCOEFF_NORMED)
                # Both must agree: grey alone takes any dark shield with a light mark for it,
                # edges alone any busy texture.
                both = np.nan_to_num(np.minimum(on_grey, on_edges), nan=-1.0)
                at = int(np.argmax(both))
                value = float(both.flat[at])
                if value > best[0]:
                    dy, dx = divmod(at, both.shape[1])
                    left = x0 + dx - round(side * self.inside[0])
                    top = y0 + dy - round(side * self.inside[1])
                    best = (value, [left, top, side, side])
        return best

    def find(self, rgb: np.ndarray) -> list[ImageFinding]:
        if not self.usable:
            return []
        small, scale = _shrink(rgb, LOGO_SIDE)
        gray: np.ndarray | None = None
        for cx, cy, guess in self.candidates(small):
            if gray is None:
                gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
            value, box = self.score(gray, cx, cy, guess)
            if value >= SMALL_LOGO_SCORE:
                confidence = round(min(0.95, 0.5 + (value - SMALL_LOGO_SCORE)), 2)
                return [
                    ImageFinding(
                        "school_logo",
                        [round(v / scale) for v in box],
                        confidence,
                        {"method": "small logo"},
                    )
                ]
        return []


# -- nudity (a heuristic) -----------------------------------------------------------------------


def skin_exposure(rgb: np.ndarray, faces: list[ImageFinding]) -> list[ImageFinding]:
    h, w = rgb.shape[:2]
    scale = min(1.0, SKIN_SIDE / max(h, w))
    small = (
        cv2.resize(
            rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
        if scale < 1
        else rgb
    )
    ycrcb = cv2.cvtColor(small, cv2.COLOR_RGB2YCrCb)
    mask = cv2.inRange(ycrcb, (80, 140, 85), (240, 170, 120))
    # Skin in and just below a face is a face and neck, not exposure.
    for f in faces:
        if f.box is None:
            continue
        x, y, bw, bh = (int(v * scale) for v in f.box)
        cv2.rectangle(mask, (x - bw // 2, y - bh // 3), (x + bw + bw // 2, y + 2 * bh), 0, -1)
    total = mask.size
    share = float(cv2.countNonZero(mask)) / total
    if share < 0.45:
        return []
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    largest = float(stats[1:, cv2.CC_STAT_AREA].max()) / total if count > 1 else 0.0
    if largest < 0.35:
        return []
    # Skin is smooth; fur, wood grain and sand are not.
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    texture = float(np.abs(cv2.Laplacian(gray, cv2.CV_32F))[mask > 0].mean())
    if texture > 10:
        return []
    # Low confidence on purpose: a skin-coloured wall looks the same to this test.
    confidence = round(min(0.7, 0.4 + share / 3), 2)
    return [ImageFinding("inappropriate_image", None, confidence, {"category": "nudity"})]


# -- text in the picture ------------------------------------------------------------------------


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def _character_shapes(binary: np.ndarray) -> np.ndarray:
    """Connected components sized and filled like printed characters: x, y, w, h rows."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    _, _, w, h, area = stats[1:].T
    ok = (
        (h >= 8)
        & (h <= 120)
        & (w >= 2)
        & (w <= 1.5 * h)
        & (area >= 0.15 * w * h)
        & (area <= 0.95 * w * h)
    )
    return stats[1:][ok][:, :4].astype(np.float64)


def _lines_of(chars: np.ndarray) -> list[np.ndarray]:
    """Characters chained left to right: next to each other, of about the same height, on about
    the same line. Returns each chain's characters."""
    if len(chars) < TEXT_MIN_CHARS:
        return []
    chars = chars[np.argsort(chars[:, 0])]
    x, y, w, h = chars.T
    right, middle = x + w, y + h / 2
    parent = np.arange(len(chars))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for i in range(len(chars)):
        # Only characters starting within one character height of this one's right edge.
        end = int(np.searchsorted(x, right[i] + h[i], side="right"))
        if end <= i + 1:
            continue
        js = np.arange(i + 1, end)
        near = js[
            (np.abs(middle[js] - middle[i]) < 0.25 * h[i])
            & (h[js] > 0.7 * h[i])
            & (h[js] < 1.4 * h[i])
            & (x[js] >= right[i] - 0.2 * h[i])
        ]
        for j in near:
            parent[root(int(j))] = root(i)
    roots = np.array([root(i) for i in range(len(chars))])
    out = []
    for r in np.unique(roots):
        members = chars[roots == r]
        if len(members) >= TEXT_MIN_CHARS:
            out.append(members)
    return out


def text_regions(gray: np.ndarray) -> list[list[int]]:
    """Lines of text in a picture, as boxes (x, y, w, h); empty when there are none.

    Characters are dark on light or light on dark: both are looked for, each line being a chain
    of TEXT_MIN_CHARS or more character-shaped blobs of one height side by side. Textures
    (grass, gravel, brick, coins) make character-shaped blobs too, but seldom that many in a row.
    """
    small, scale = _shrink(gray, TEXT_SIDE)
    boxes = []
    for polarity in (cv2.THRESH_BINARY, cv2.THRESH_BINARY_INV):
        binary = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, polarity, 31, 15)
        for members in _lines_of(_character_shapes(binary)):
            x0, y0 = members[:, 0].min(), members[:, 1].min()
            x1 = (members[:, 0] + members[:, 2]).max()
            y1 = (members[:, 1] + members[:, 3]).max()
            boxes.append(
                [
                    round(x0 / scale),
                    round(y0 / scale),
                    round((x1 - x0) / scale),
                    round((y1 - y0) / scale),
                ]
            )
    return boxes


def looks_like_text(gray: np.ndarray) -> bool:
    """Cheap test for lines of text, so that photographs without any skip the OCR."""
    return bool(text_regions(gray))


def _ocr_window(regions: list[list[int]], width: int, height: int) -> tuple[int, int, int, int]:
    """One window around all the lines, with a margin of a line's height: tesseract reads a
    crop faster than the whole picture, and the margin keeps neighbouring words whole."""
    x0 = min(r[0] for r in regions)
    y0 = min(r[1] for r in regions)
    x1 = max(r[0] + r[2] for r in regions)
    y1 = max(r[1] + r[3] for r in regions)
    margin = max(r[3] for r in regions) * 3 // 2
    x0, y0 = max(0, x0 - margin), max(0, y0 - margin)
    x1, y1 = min(width, x1 + margin), min(height, y1 + margin)
    return x0, y0, x1 - x0, y1 - y0


_ocr_local = threading.local()


def tessdata_dir() -> str | None:
    """Where Debian's tesseract-ocr-eng keeps the English model (TESSDATA_PREFIX first)."""
    candidates = [os.environ.get("TESSDATA_PREFIX", "")]
    candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates.append("/usr/share/tessdata")
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, "eng.traineddata")):
            return folder
    return None


def _ocr_api() -> Any | None:
    """This thread's tesseract, loaded once (tesserocr): starting the `tesseract` program costs
    about 90 ms a picture, reading a sign in a loaded one about 10 ms. None when tesserocr or the
    English model is missing; the program is used then."""
    if hasattr(_ocr_local, "api"):
        return _ocr_local.api
    api = None
    folder = tessdata_dir()
    if folder is not None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core a picture, as the program runs
        try:
            import tesserocr

            api = tesserocr.PyTessBaseAPI(
                path=folder, lang="eng", psm=tesserocr.PSM.SPARSE_TEXT
            )
        except (ImportError, RuntimeError):
            api = None
    _ocr_local.api = api
    return api


def _tsv_in_process(api: Any, rgb: np.ndarray) -> str:
    api.SetImage(Image.fromarray(rgb))
    try:
        return str(api.GetTSVText(0))
    finally:
        api.Clear()


def _tsv_by_program(rgb: np.ndarray) -> str:
    exe = tesseract_path()
    if exe is None:
        raise FileNotFoundError("tesseract is not installed (Debian: tesseract-ocr)")
    ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise OSError("could not encode the picture for OCR")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(
        [exe, "stdin", "stdout", "-l", "eng", "--psm", "11", "tsv"],
        input=png.tobytes(),
        capture_output=True,
        timeout=OCR_TIMEOUT_S,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise OSError(proc.stderr.decode("utf-8", "replace").strip()[:200] or "tesseract failed")
    return proc.stdout.decode("utf-8", "replace")


def read_text(rgb: np.ndarray, regions: list[list[int]] | None = None) -> tuple[str, list[OcrWord]]:
    """The words tesseract reads, joined into lines, with each word's box in the picture.

    With `regions` (from `text_regions`), only a window around them is read. Raises OSError.
    """
    left, top = 0, 0
    if regions:
        left, top, w, h = _ocr_window(regions, rgb.shape[1], rgb.shape[0])
        rgb = np.ascontiguousarray(rgb[top : top + h, left : left + w])
    api = _ocr_api()
    tsv = _tsv_in_process(api, rgb) if api is not None else _tsv_by_program(rgb)
    text_parts: list[str] = []
    words: list[OcrWord] = []
    last_line: tuple[str, str, str] | None = None
    length = 0
    # The program's TSV starts with a header row; the library's does not. Only words (level 5)
    # are read either way.
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        try:
            conf = float(cols[10])
        except ValueError:
            conf = -1
        if not word or conf < 30:
            continue
        line = (cols[2], cols[3], cols[4])
        sep = "" if not text_parts else (" " if line == last_line else "\n")
        last_line = line
        text_parts.append(sep + word)
        start = length + len(sep)
        length = start + len(word)
        box = [int(cols[6]) + left, int(cols[7]) + top, int(cols[8]), int(cols[9])]
        words.append(OcrWord(word, box, start, length))
    return "".join(text_parts), words


# -- one picture --------------------------------------------------------------------------------


def analyse(
    source: ImageSource | LoadedImage,
    index: int,
    logo: LogoModel | None = None,
    ocr: bool = True,
) -> ImageReport:
    image = source if isinstance(source, LoadedImage) else load_image(source)
    gray = cv2.cvtColor(image.rgb, cv2.COLOR_RGB2GRAY)
    faces = find_faces(image.rgb)
    findings = list(faces)
    if logo is not None:
        findings.extend(logo.find(gray, image.rgb))
    findings.extend(skin_exposure(image.rgb, faces))
    if image.gps:
        findings.append(ImageFinding("location_metadata", None, 1.0, {"gps": image.gps}))
    report = ImageReport(
        index=index,
        width=image.width,
        height=image.height,
        format=image.format,
        findings=findings,
        gps=image.gps,
    )
    if ocr:
        if _ocr_api() is None and tesseract_path() is None:
            report.ocr = "unavailable: tesseract is not installed (Debian: tesseract-ocr)"
        elif regions := text_regions(gray):
            try:
                report.text, report.words = read_text(image.rgb, regions)
                report.ocr = "read"
            except (OSError, subprocess.TimeoutExpired) as exc:
                report.ocr = f"failed: {exc}"
    return report
