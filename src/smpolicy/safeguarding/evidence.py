"""Evidence files: checked, written so they are whole or absent, hashed, and read by OCR.

An upload is first copied into a temporary file beside its final place (hashing as it goes) and
flushed to disk; the checks run on that copy, so what was checked is what is kept. Then it is
renamed into place (atomic on one file system), the directory is flushed, the hash is checked again
from the disk, and only then is the record inserted. Any failure before the record is committed
removes the file: there is never a record without its file, nor a half-written file in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import uuid
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from smpolicy.heif import is_heif, register_opener
from smpolicy.safeguarding.models import Evidence, EvidenceText, Report
from smpolicy.schools.models import Person

MAX_FILE_BYTES = 40 * 1024 * 1024  # what Qoria Record Manager allows a file
MAX_FILES_PER_REPORT_FORM = 10
# Larger than any phone's photo (a 48 MP camera saves 8064 x 6048), far below what would exhaust
# memory when decoded (4 bytes a pixel).
MAX_IMAGE_PIXELS = 50_000_000
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_UNCOMPRESSED = 300 * 1024 * 1024
MAX_ZIP_RATIO = 200
CHUNK = 1024 * 1024
OCR_TIMEOUT_SECONDS = 120
OCR_MAX_CHARS = 100_000


class UploadRefused(ValueError):
    """A file that cannot be kept as evidence; the message says why in plain words."""


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str
    kind: str  # Evidence.Kind
    extensions: frozenset[str]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def _type(content_type: str, ext: str, label: str, kind: str, *others: str) -> FileType:
    return FileType(content_type, ext, label, kind, frozenset({ext, *others}))


PNG = _type("image/png", "png", "a PNG picture", "screenshot")
JPEG = _type("image/jpeg", "jpg", "a JPEG photo", "photo", "jpeg", "jpe", "jfif")
GIF = _type("image/gif", "gif", "a GIF picture", "screenshot")
WEBP = _type("image/webp", "webp", "a WebP picture", "screenshot")
# iPhones save photos as HEIC. The original is kept as it came; a JPEG is made only to show it
# (browsers other than Safari cannot) and to read its text, never stored in its place.
HEIC = _type("image/heic", "heic", "an HEIC photo", "photo", "heif", "hif")
PDF = _type("application/pdf", "pdf", "a PDF document", "document")
EML = _type("message/rfc822", "eml", "a saved e-mail", "email")
TEXT = _type("text/plain", "txt", "a text file", "document", "text", "log")
DOCX = _type(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    "a Word document",
    "document",
)
XLSX = _type(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    "an Excel spreadsheet",
    "document",
)
PPTX = _type(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
    "a PowerPoint presentation",
    "document",
)
ODT = _type("application/vnd.oasis.opendocument.text", "odt", "an OpenDocument text", "document")
# Any zip-based file, until a look inside says which office format it is.
ZIP = _type("application/zip", "zip", "a compressed (zip) file", "document")
ALLOWED: tuple[FileType, ...] = (PNG, JPEG, GIF, WEBP, HEIC, PDF, EML, TEXT, DOCX, XLSX, PPTX, ODT)
KNOWN_EXTENSIONS: dict[str, FileType] = {ext: t for t in ALLOWED for ext in t.extensions}
ALLOWED_TEXT = (
    "screenshots and photos (PNG, JPEG, GIF, WebP, HEIC), saved e-mails (.eml), PDF, Word, Excel, "
    "PowerPoint, OpenDocument and text files"
)
# Markup the browser could run: never kept, whatever it is called.
_MARKUP = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(svg|!doctype|html|script)\b",
    re.IGNORECASE | re.DOTALL,
)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def sniff(head: bytes, name: str) -> FileType:
    """The file's real type from its first bytes (ZIP for any zip-based file, settled by
    ``check_file``); UploadRefused for anything that may not be kept."""
    found = _by_signature(head)
    if found is not None:
        return found
    markup = _MARKUP.match(head[:4096])
    if markup:
        if markup.group(1).lower() == b"svg":
            raise UploadRefused(
                f"{name} is an SVG drawing, which can carry scripts, so it is not kept as "
                "evidence. Take a screenshot of it (PNG) and add that instead."
            )
        raise UploadRefused(
            f"{name} is a web page (HTML), which can carry scripts, so it is not kept as "
            "evidence. Take a screenshot of the page, or save it as PDF, and add that instead."
        )
    found = _textual(head)
    if found is None:
        raise UploadRefused(
            f"{name} is not a kind of file that can be kept as evidence. You can add "
            f"{ALLOWED_TEXT}."
        )
    return found


def _check_name(name: str, found: FileType) -> FileType:
    """Refuses a file whose extension names another type than its contents: a wrong type behind
    a good extension is how a harmful file passes for a picture."""
    ext = Path(name).suffix.lower().lstrip(".")
    claimed = KNOWN_EXTENSIONS.get(ext)
    if claimed is None or claimed is found:
        return found
    if claimed is TEXT and found is EML:
        return EML  # an e-mail saved as text is still an e-mail
    raise UploadRefused(
        f"{name} is named as {claimed.label} (.{ext}) but it is {found.label}. Check you chose "
        f"the right file; if you did, rename it to end in .{found.extension} and add it again."
    )


def _by_signature(head: bytes) -> FileType | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if is_heif(head):
        return HEIC
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    return None


def _textual(head: bytes) -> FileType | None:
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return None
            text = head.decode("cp1252")
        else:
            text = head[: exc.start].decode("utf-8")
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return None
    lines = head.lstrip().splitlines()
    if lines and (_HEADER_LINE.match(lines[0]) or lines[0].startswith(b"From ")):
        headers = BytesHeaderParser().parsebytes(head)
        if headers.get("From") and (
            headers.get("Date") or headers.get("Received") or headers.get("Subject")
        ):
            return EML
    return TEXT


def check_file(path: Path, name: str) -> FileType:
    """Every check on a written file; returns its type or raises UploadRefused."""
    size = path.stat().st_size
    if size == 0:
        raise UploadRefused(f"{name} is empty.")
    if size > MAX_FILE_BYTES:
        raise UploadRefused(
            f"{name} is {_megabytes(size)}; the largest file that can be added is "
            f"{_megabytes(MAX_FILE_BYTES)}. Add a screenshot of the part that matters instead."
        )
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    found = sniff(head, name)
    if found is ZIP:
        found = _check_zip(path, name)
    found = _check_name(name, found)
    if found.is_image:
        _check_image(path, name, found)
    elif found is PDF:
        _check_pdf(path, name)
    return found


_PIL_FORMATS = {PNG: "PNG", JPEG: "JPEG", GIF: "GIF", WEBP: "WEBP", HEIC: "HEIF"}


def needs_view_copy(content_type: str) -> bool:
    """Whether a picture must be turned into a JPEG to be shown in a browser or read by OCR."""
    return content_type == HEIC.content_type


def view_copy(path: Path) -> bytes:
    """A JPEG of a picture browsers cannot show (HEIC), for showing and reading only."""
    import io

    from PIL import Image, ImageOps

    register_opener()
    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _check_image(path: Path, name: str, found: FileType) -> None:
    from PIL import Image, UnidentifiedImageError

    not_a_picture = UploadRefused(
        f"{name} looks like {found.label} but cannot be read as one: it may be damaged. "
        "Take the screenshot again and add the new one."
    )
    too_big = UploadRefused(
        f"{name} is a picture too large to open safely (more than "
        f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels), which is how image bombs are built. "
        "Add a smaller screenshot instead."
    )
    if found is HEIC:
        register_opener()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                if image.format != _PIL_FORMATS[found]:
                    raise not_a_picture
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                if width * height * max(frames, 1) > MAX_IMAGE_PIXELS:
                    raise too_big
                image.verify()
            with Image.open(path) as image:
                image.load()  # decoding it all, under the limit, proves it is a whole picture
        except UploadRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_big from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            raise not_a_picture from None


_OFFICE = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}


def _check_zip(path: Path, name: str) -> FileType:
    refused = UploadRefused(
        f"{name} is a compressed (zip) file that is not a Word, Excel, PowerPoint or OpenDocument "
        "file. Add the files inside it one by one instead."
    )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise refused
            total = 0
            for entry in entries:
                total += entry.file_size
                ratio = entry.file_size / max(entry.compress_size, 1)
                if total > MAX_ZIP_UNCOMPRESSED or (
                    entry.file_size > CHUNK and ratio > MAX_ZIP_RATIO
                ):
                    raise UploadRefused(
                        f"{name} expands to far more than its size when opened, which is how "
                        "decompression bombs are built, so it is not kept. Save it as PDF and "
                        "add that instead."
                    )
            names = {entry.filename for entry in entries}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise UploadRefused(
                    f"{name} contains macros, which can run code, so it is not kept. Save it "
                    "as PDF and add that instead."
                )
            for marker, office in _OFFICE.items():
                if marker in names:
                    return office
            odt = ODT.content_type.encode()
            if "mimetype" in names and archive.read("mimetype").strip() == odt:
                return ODT
    except zipfile.BadZipFile:
        raise refused from None
    raise refused


# What a PDF kept as evidence may not hold, by the name that introduces it, and why: each makes
# the file do something when it is opened (run a script, start a program, send data out) or
# carry other files hidden inside it.
PDF_REFUSED_NAMES = {
    "JavaScript": "it runs JavaScript",
    "JS": "it runs JavaScript",
    "Launch": "it can start programs",
    "EmbeddedFile": "it carries other files inside it",
    "EmbeddedFiles": "it carries other files inside it",
    "RichMedia": "it holds Flash or other rich media",
    "XFA": "it is an XFA form, which can run scripts",
    "AA": "it runs actions of its own when it is opened or viewed",
    "SubmitForm": "it can send what it holds to another site",
    "ImportData": "it can load data from elsewhere",
    "GoToE": "it opens files embedded in it",
}
# A PDF name is "/" then any characters but white space and delimiters, and "#xx" may spell any
# of them in hex: /J#61vaScript is /JavaScript to every reader, so names are decoded first.
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
MAX_PDF_INFLATED = 200 * 1024 * 1024  # what all of a PDF's compressed streams may expand to


def _pdf_name(raw: bytes) -> str:
    return _PDF_HEX.sub(lambda m: bytes([int(m[1], 16)]), raw).decode("latin-1")


def _refused_pdf_name(data: bytes) -> str | None:
    for match in _PDF_NAME.finditer(data):
        name = _pdf_name(match[1])
        if name in PDF_REFUSED_NAMES:
            return name
    return None


def _inflated_streams(data: bytes) -> Iterator[bytes]:
    """The contents of a PDF's Flate-compressed streams (object streams hide whole dictionaries
    in them), each cut off where the total would pass MAX_PDF_INFLATED."""
    budget = MAX_PDF_INFLATED
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end == -1:
            end = len(data)
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data[start:end], budget)
        except zlib.error:
            continue  # not Flate (an image's DCT data, say): nothing named in it
        budget -= len(out)
        yield out
        if budget <= 0:
            raise UploadRefused(
                "This PDF's compressed contents expand to more than "
                f"{_megabytes(MAX_PDF_INFLATED)}, too much to check. Print it to a new PDF, or "
                "take screenshots, and add those instead."
            )


def _check_pdf(path: Path, name: str) -> None:
    # A PDF that runs JavaScript or launches programs has no place among evidence, however its
    # names are spelt and whether or not they are compressed into an object stream.
    data = path.read_bytes()  # at most MAX_FILE_BYTES, already checked
    for part in itertools.chain([data], _inflated_streams(data)):  # one stream at a time
        found = _refused_pdf_name(part)
        if found is not None:
            raise UploadRefused(
                f"{name} is a PDF with scripts, programs or hidden files in it, so it is not "
                f"kept: {PDF_REFUSED_NAMES[found]} (it holds /{found}). Print it to a new PDF, "
                "or take screenshots, and add those instead."
            )


# -- storing --------------------------------------------------------------------------------------


def evidence_dir(report: Report) -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence" / report.school.slug / report.reference


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(source: Any) -> Iterator[bytes]:
    if hasattr(source, "chunks"):
        yield from source.chunks(CHUNK)
        return
    if hasattr(source, "seek"):
        source.seek(0)
    while chunk := source.read(CHUNK):
        yield chunk


def _write_temporary(source: Any, directory: Path) -> tuple[Path, str, int]:
    """Copy ``source`` into a temporary file in ``directory``: (path, SHA-256, size)."""
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".upload-{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with temporary.open("xb") as out:
            for chunk in _chunks(source):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise UploadRefused(
                        f"The file is more than {_megabytes(MAX_FILE_BYTES)}, the largest that "
                        "can be added. Add a screenshot of the part that matters instead."
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary, digest.hexdigest(), size


def before_commit(path: Path) -> None:
    """Called once the file is in place, just before its record is inserted (a seam for tests
    that crash an upload there)."""


def add_file(
    report: Report,
    upload: Any,
    *,
    added_by: Person | None,
    name: str | None = None,
    captured_at: Any = None,
    platform: str = "",
    address: str = "",
    description: str = "",
    corrects: Evidence | None = None,
    correction_reason: str = "",
    read_text: bool = True,
) -> Evidence:
    """Check and keep one file as evidence of ``report``; UploadRefused leaves nothing behind."""
    name = (name or getattr(upload, "name", "") or "evidence").replace("\x00", "")[:255]
    directory = evidence_dir(report)
    temporary, digest, size = _write_temporary(upload, directory)
    final: Path | None = None
    try:
        found = check_file(temporary, name)
        final = directory / f"{uuid.uuid4().hex}.{found.extension}"
        os.replace(temporary, final)
        os.chmod(final, 0o440)  # read-only on disk as well
        _fsync_dir(directory)
        if sha256_of(final) != digest:
            raise OSError(f"the stored copy of {name} does not match what was received")
        with transaction.atomic():
            before_commit(final)
            item = Evidence(
                report=report,
                kind=found.kind,
                file_path=str(final.relative_to(Path(settings.MEDIA_ROOT))),
                original_name=name,
                content_type=found.content_type,
                size=size,
                sha256=digest,
                captured_at=captured_at,
                platform=platform,
                address=address,
                description=description,
                added_by=added_by,
                corrects=corrects,
                correction_reason=correction_reason,
            )
            item.full_clean()
            item.save()
    except BaseException:
        temporary.unlink(missing_ok=True)
        if final is not None:
            with contextlib.suppress(FileNotFoundError):
                final.unlink()
        raise
    if read_text:
        read_evidence_text(item)
    return item


def add_link(
    report: Report,
    url: str,
    *,
    added_by: Person | None,
    captured_at: Any = None,
    platform: str = "",
    description: str = "",
    corrects: Evidence | None = None,
    correction_reason: str = "",
) -> Evidence:
    item = Evidence(
        report=report,
        kind=Evidence.Kind.LINK,
        url=url,
        address=url,
        sha256=hashlib.sha256(url.encode()).hexdigest(),
        size=len(url.encode()),
        captured_at=captured_at,
        platform=platform,
        description=description,
        added_by=added_by,
        corrects=corrects,
        correction_reason=correction_reason,
    )
    item.full_clean()
    item.save()
    return item


# -- reading text (OCR) -----------------------------------------------------------------------


def ocr_command() -> str:
    return getattr(settings, "SMPOLICY_OCR_COMMAND", "tesseract")


def read_evidence_text(item: Evidence) -> EvidenceText | None:
    """Read the text in an image with Debian's tesseract; a failure is recorded as 'text not read'
    and never loses the evidence. None for evidence that is not an image."""
    if not item.is_file or not item.is_image:
        return None
    command = shutil.which(ocr_command())
    if command is None:
        return _text(item, "not_read", reason="tesseract is not installed on this server")
    try:
        with contextlib.ExitStack() as stack:
            source = item.absolute_path()
            if needs_view_copy(item.content_type):  # tesseract cannot read HEIC
                copy = stack.enter_context(tempfile.NamedTemporaryFile(suffix=".jpg"))
                copy.write(view_copy(source))
                copy.flush()
                source = Path(copy.name)
            result = subprocess.run(
                [command, str(source), "stdout", "-l", "eng"],
                capture_output=True,
                timeout=OCR_TIMEOUT_SECONDS,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                check=False,
            )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        return _text(item, "not_read", reason=f"tesseract failed: {type(exc).__name__}")
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return _text(item, "not_read", reason=f"tesseract failed: {(message or ['?'])[-1][:200]}")
    text = result.stdout.decode("utf-8", "replace").strip()[:OCR_MAX_CHARS]
    return _text(item, "read", text=text, engine=_tesseract_version(command))


def _tesseract_version(command: str) -> str:
    try:
        out = subprocess.run([command, "--version"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "tesseract"
    first = (out.stdout or out.stderr).decode("utf-8", "replace").splitlines()
    return first[0].strip()[:100] if first else "tesseract"


def _text(
    item: Evidence, status: str, *, text: str = "", reason: str = "", engine: str = ""
) -> EvidenceText:
    record = EvidenceText(evidence=item, status=status, text=text, reason=reason, engine=engine)
    record.save()
    return record


# -- verifying --------------------------------------------------------------------------------


def verify(items: Iterable[Evidence]) -> Iterator[tuple[Evidence, str | None]]:
    """(item, None) when its file is there and matches its SHA-256, else (item, what is wrong)."""
    for item in items:
        if not item.is_file:
            continue
        path = item.absolute_path()
        if not path.is_file():
            yield item, "the file is missing"
            continue
        size = path.stat().st_size
        if size != item.size:
            yield item, f"the size is {size} bytes, not the {item.size} recorded"
            continue
        if sha256_of(path) != item.sha256:
            yield item, "the SHA-256 does not match: the file has changed"
            continue
        yield item, None


def stray_files(root: Path, known: set[str]) -> list[Path]:
    """Files under the evidence folder that no record points at (an upload cut off by a crash of
    the whole server leaves one; its record was never written)."""
    base = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and str(path.relative_to(base)) not in known
    )


def open_for_reading(item: Evidence) -> IO[bytes]:
    return item.absolute_path().open("rb")
