"""Images people upload to be checked: validated before anything reads them, kept in memory.

An upload is refused, with a message saying why, when it is too big, when its first bytes are not
those of a JPEG, PNG, GIF, WebP or HEIC image (the browser's content type and the file name are
not trusted; an iPhone's HEIC photo is turned into a JPEG first), when it would decode to more
pixels than a phone photo has (a decompression bomb), or when it does not decode. Nothing is
written to disk: the check page and the API read the bytes, and only a post saved as a draft keeps
them (in the database, see PostImage).

Django spools an upload over 2.5 MB to a temporary file; the posting views and the API use
``uploads_in_memory`` instead, which keeps uploads in memory and stops keeping bytes past the
limits, so a photo of a child is never written to disk unless its post is saved.

Location: a photo's EXIF may hold the GPS position where it was taken, which for a photo taken
at school is the school, and for one taken at home is a home. It is reported, and ``clean_copy``
gives the same picture without any metadata (orientation applied, colour profile kept).
"""

from __future__ import annotations

import base64
import hashlib
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, BinaryIO

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from PIL import Image, ImageOps, UnidentifiedImageError

from smpolicy.content.images import shape_problem
from smpolicy.heif import is_heif, register_opener

MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_IMAGES = 10
MAX_TOTAL_BYTES = 40 * 1024 * 1024
# 50 megapixels: more than any phone photo (a 48 MP sensor saves 8000 x 6000); a bigger image is
# either not a photo for social media or a file made to exhaust memory when decoded.
MAX_PIXELS = 50_000_000
PREVIEW_SIDE = 1200

# Signatures, checked before Pillow sees the file: only these formats are opened at all.
_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "JPEG", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG", "image/png"),
    (b"GIF87a", 0, "GIF", "image/gif"),
    (b"GIF89a", 0, "GIF", "image/gif"),
    (b"WEBP", 8, "WEBP", "image/webp"),
)
_GPS_IFD = 0x8825
_TURNED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height


class UploadError(ValueError):
    """An upload that cannot be used; the message says which file and why, in plain words."""


@dataclass
class CheckedImage:
    """An upload that passed validation, with what the page and the history need to know."""

    name: str
    data: bytes
    format: str
    content_type: str
    width: int
    height: int
    sha256: str
    location: dict[str, Any] | None = None
    orientation: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def open(self) -> Image.Image:
        image = Image.open(io.BytesIO(self.data))
        image.load()
        return image

    def preview_data_uri(self) -> str:
        """A small JPEG of the image as a data: URI, so the check page can show it without the
        image ever being stored or served from a URL."""
        image = self.open()
        if getattr(image, "n_frames", 1) > 1:
            image.seek(0)
        # Upright, as the checker saw it, so its boxes fall where they should.
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
        return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def sniff(head: bytes) -> tuple[str, str] | None:
    """(Pillow format, content type) from a file's first bytes; None for anything else."""
    for signature, offset, fmt, content_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if fmt == "WEBP" and head[:4] != b"RIFF":
                continue
            return fmt, content_type
    return None


def _refuse_too_many_pixels(name: str, width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise UploadError(
            f"{name}: {width} x {height} pixels is more than the "
            f"{MAX_PIXELS // 1_000_000} megapixels allowed; save a smaller copy"
        )


def heic_to_jpeg(data: bytes, name: str = "image") -> bytes:
    """An iPhone's HEIC photo as a JPEG, with its EXIF (so its location is still found), sized
    from the header before a pixel is decoded. Posts go out as JPEG anyway."""
    register_opener()
    try:
        with Image.open(io.BytesIO(data), formats=["HEIF"]) as image:
            _refuse_too_many_pixels(name, *image.size)
            exif = image.info.get("exif")
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=90, exif=exif or b"")
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, RuntimeError) as exc:
        raise UploadError(
            f"{name}: the HEIC photo cannot be read (it may be damaged or cut short)"
        ) from exc
    return out.getvalue()


def _describe_unknown(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "it is a PDF, not an image"
    return "it is not a JPEG, PNG, GIF, WebP or HEIC image"


def read_upload(upload: BinaryIO, name: str = "image", limit: int = MAX_IMAGE_BYTES) -> bytes:
    """The bytes of an upload, refusing it once it goes past ``limit`` without reading the rest."""
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadError(
            f"{name}: the file is larger than {limit // (1024 * 1024)} MB; "
            "save a smaller copy and try again"
        )
    return data


def validate_image(data: bytes, name: str = "image") -> CheckedImage:
    """Validate image bytes; UploadError says what is wrong."""
    if not data:
        raise UploadError(f"{name}: the file is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise UploadError(
            f"{name}: the file is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB; "
            "save a smaller copy and try again"
        )
    converted_from = ""
    if is_heif(data[:16]):
        data, converted_from = heic_to_jpeg(data, name), "HEIC"
    kind = sniff(data[:16])
    if kind is None:
        raise UploadError(f"{name}: {_describe_unknown(data[:16])}")
    fmt, content_type = kind
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = image.size
            # The header's size is read before any pixel is decoded: refuse a bomb here.
            _refuse_too_many_pixels(name, width, height)
            if problem := shape_problem(width, height):
                raise UploadError(f"{name}: {problem}")
            image.load()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadError(
            f"{name}: the image is more than the {MAX_PIXELS // 1_000_000} megapixels allowed, "
            "too large to open safely; save a smaller copy"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadError(
            f"{name}: the image cannot be read (it may be damaged or cut short)"
        ) from exc
    exif = image.getexif()
    try:
        orientation = int(exif.get(0x0112, 1) or 1)
    except (TypeError, ValueError):
        orientation = 1
    if orientation in _TURNED:
        # The checker looks at the picture upright, and so does a browser showing it: sizes, and
        # the boxes drawn from them, are the upright picture's.
        width, height = height, width
    return CheckedImage(
        name=name,
        data=data,
        format=fmt,
        content_type=content_type,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        location=gps_location(exif),
        orientation=orientation,
        extra={"converted_from": converted_from} if converted_from else {},
    )


def validate_uploads(files: list[Any]) -> list[CheckedImage]:
    """Validate Django UploadedFiles (or file-like objects with ``.name``); every bad one is named
    in one UploadError, so the person fixes them all at once."""
    if len(files) > MAX_IMAGES:
        raise UploadError(f"images: {len(files)} files; a post may have at most {MAX_IMAGES}")
    total = sum(getattr(f, "size", 0) or 0 for f in files)
    if total > MAX_TOTAL_BYTES:
        raise UploadError(
            f"images: {total / (1024 * 1024):.0f} MB together; at most "
            f"{MAX_TOTAL_BYTES // (1024 * 1024)} MB for one post"
        )
    checked: list[CheckedImage] = []
    problems: list[str] = []
    for number, upload in enumerate(files, start=1):
        name = getattr(upload, "name", None) or f"image {number}"
        try:
            size = getattr(upload, "size", None)
            if size is not None and size > MAX_IMAGE_BYTES:
                raise UploadError(
                    f"{name}: the file is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB; "
                    "save a smaller copy and try again"
                )
            checked.append(validate_image(read_upload(upload, name), name))
        except UploadError as exc:
            problems.append(str(exc))
    if problems:
        raise UploadError("; ".join(problems))
    return checked


def _rational(value: Any) -> float:
    if isinstance(value, tuple) and len(value) == 2:
        numerator, denominator = value
        return float(numerator) / float(denominator) if denominator else 0.0
    return float(value)


def _degrees(dms: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_rational(part) for part in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if str(ref).strip().upper() in ("S", "W"):
        value = -value
    return round(value, 6)


def gps_location(exif: Image.Exif) -> dict[str, Any] | None:
    """The GPS position in an image's EXIF: {"latitude", "longitude"} when both are readable,
    {"latitude": None, "longitude": None} when there is GPS data without a usable position, or
    None when there is none."""
    try:
        gps = exif.get_ifd(_GPS_IFD)
    except (KeyError, ValueError, TypeError, OSError):
        return None
    if not gps:
        return None
    latitude = _degrees(gps.get(2), gps.get(1, "N")) if gps.get(2) else None
    longitude = _degrees(gps.get(4), gps.get(3, "E")) if gps.get(4) else None
    return {"latitude": latitude, "longitude": longitude}


def clean_copy(image: CheckedImage) -> CheckedImage:
    """The same picture without its metadata: no GPS, no camera serial, no time taken. The
    orientation is applied to the pixels, so it still shows the right way up; the colour profile
    is kept so it looks the same."""
    source = Image.open(io.BytesIO(image.data))
    source.load()
    icc = source.info.get("icc_profile")
    frames = getattr(source, "n_frames", 1)
    out = io.BytesIO()
    if image.format == "GIF" and frames > 1:
        # An animation keeps its frames; GIF carries no EXIF, so there is nothing to strip but
        # comments and extensions, which Pillow does not write back.
        source.save(out, format="GIF", save_all=True)
    else:
        pixels = ImageOps.exif_transpose(source)
        options: dict[str, Any] = {}
        if icc:
            options["icc_profile"] = icc
        if image.format == "JPEG":
            if pixels.mode not in ("RGB", "L", "CMYK"):
                pixels = pixels.convert("RGB")
            options["quality"] = 95
        pixels.save(out, format=image.format, **options)
    data = out.getvalue()
    cleaned = validate_image(data, image.name)
    cleaned.extra["cleaned_from"] = image.sha256
    return cleaned


class InMemoryUploadHandler(FileUploadHandler):
    """Keeps uploaded files in memory, never on disk. Past the limits (bytes per file, files, bytes
    in all) it stops keeping bytes but goes on counting them, so the file's ``size`` still says
    how big it was and ``validate_uploads`` refuses it with that size, before reading it."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.files_seen = 0
        self.kept_in_all = 0
        self.buffer = io.BytesIO()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        room = min(
            MAX_IMAGE_BYTES + 1 - self.buffer.tell(),
            MAX_TOTAL_BYTES + 1 - self.kept_in_all,
        )
        if self.files_seen <= MAX_IMAGES and room > 0:
            kept = raw_data[:room]
            self.buffer.write(kept)
            self.kept_in_all += len(kept)
        return None  # the file is this handler's: no other handler sees the bytes

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


ViewFunction = Callable[..., Any]


def uploads_in_memory(view: ViewFunction) -> ViewFunction:
    """Decorator: the request's uploads go to InMemoryUploadHandler. It must run before anything
    reads the request's body, so a Django view using it is ``csrf_exempt`` outside it and
    ``csrf_protect`` inside (the CSRF check reads the body)."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not getattr(request, "_read_started", False) and not hasattr(request, "_files"):
            request.upload_handlers = [InMemoryUploadHandler(request)]
        return view(request, *args, **kwargs)

    return wrapped
