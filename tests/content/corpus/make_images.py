"""Make the corpus's pictures: `python tests/content/corpus/make_images.py` (needs scikit-image).

The pictures are committed; this script says where each comes from, and remakes them. Sources:
- the school logo and the other crest: drawn here (Pillow, its built-in font);
- people: scikit-image's `astronaut` (Eileen Collins, NASA, public domain) and `camera` (CC0,
  Lav Varshney): the only photographs of faces the offline packages ship under free terms;
- backgrounds: scikit-image's `coffee`, `chelsea`, `rocket`, `brick`, `grass`, `gravel`, `coins`,
  `horse`, `clock`, `moon`, `hubble_deep_field` (CC0 or public domain, per scikit-image's notes);
- signs with text, skin-toned and sand-toned fields: drawn here;
- harder faces: scikit-image's `lfw_subset` (Labeled Faces in the Wild, Huang et al. 2007, a
  public research set of news photographs of adults: 100 face crops and 100 non-face crops,
  25x25, grey), set into the backgrounds above at 20 to 120 pixels, some tinted, mirrored or
  turned; the non-face crops are set the same way as hard negatives; the astronaut shrunk,
  turned and foreshortened (a face turned away); `stereo_motorcycle`, `retina`,
  `immunohistochemistry` (CC0 or public domain) as busy pictures without people.
  `images/face-boxes.json` records where each face was put (the face's own box), for the tests;
- small logos: the school logo at 24 to 61 pixels, turned up to 10 degrees, some printed bare
  (`images/logo-boxes.json` says where), and other schools' crests drawn in the same navy and
  gold at the same sizes, and navy-and-gold bunting, stripes and confetti, as hard negatives.
No picture shows a child; none shows nudity (the nudity check is measured on drawn skin fields
only, which says little about real pictures).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from skimage import data

HERE = Path(__file__).parent
OUT = HERE / "images"
RNG = np.random.default_rng(20261124)
# A separate stream for the harder pictures, so adding them leaves the older pictures as they were.
HARD_RNG = np.random.default_rng(4)
SKIN_TINTS = [(1.0, 0.86, 0.74), (0.93, 0.74, 0.58), (0.78, 0.57, 0.42), (0.55, 0.38, 0.27)]


def make_logo(size: int = 256, name: str = "STRAITS", colour: tuple = (20, 40, 110)) -> Image.Image:
    im = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(im)
    s = size / 256
    gold = (230, 180, 30)
    shield = [
        (40 * s, 30 * s),
        (216 * s, 30 * s),
        (216 * s, 140 * s),
        (128 * s, 230 * s),
        (40 * s, 140 * s),
    ]
    d.polygon(shield, fill=colour)
    d.line([*shield, shield[0]], fill=gold, width=max(1, int(6 * s)))
    for k in range(3):
        y0 = (120 + k * 22) * s
        pts = [(x * s, y0 + 8 * s * math.sin((x - 40) / 14)) for x in range(56, 202, 4)]
        d.line(pts, fill=(255, 255, 255), width=max(1, int(5 * s)))
    cx, cy, r = 128 * s, 78 * s, 30 * s
    star = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.42
        star.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(star, fill=gold)
    d.text(
        (128 * s, 14 * s),
        name,
        fill=colour,
        font=ImageFont.load_default(size=int(22 * s)),
        anchor="mm",
    )
    d.text(
        (128 * s, 246 * s),
        "PRIMARY SCHOOL",
        fill=colour,
        font=ImageFont.load_default(size=int(16 * s)),
        anchor="mm",
    )
    return im


def other_crest(size: int = 256) -> Image.Image:
    im = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(im)
    d.ellipse((20, 20, 236, 236), fill=(140, 20, 30), outline=(30, 110, 40), width=8)
    d.rectangle((90, 70, 166, 190), fill=(30, 110, 40))
    d.polygon([(128, 40), (60, 110), (196, 110)], fill=(250, 250, 240))
    d.text((128, 215), "OAKWOOD", fill="white", font=ImageFont.load_default(size=24), anchor="mm")
    return im


NAVY, GOLD = (20, 40, 110), (230, 180, 30)


def navy_gold_crest(kind: str, size: int = 256) -> Image.Image:
    """Other schools' crests in the school logo's own colours: the hard negatives for small logos
    (at 24 to 60 pixels a navy shield with a gold rim is most of what is left of any of them)."""
    im = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(im)
    s = size / 256
    shield = [(40 * s, 30 * s), (216 * s, 30 * s), (216 * s, 140 * s), (128 * s, 230 * s)]
    shield += [(40 * s, 140 * s)]
    if kind == "book":
        d.polygon(shield, fill=NAVY)
        d.line([*shield, shield[0]], fill=GOLD, width=max(1, int(6 * s)))
        d.rectangle((78 * s, 80 * s, 178 * s, 150 * s), fill=GOLD)
        d.line([(128 * s, 80 * s), (128 * s, 150 * s)], fill=NAVY, width=max(1, int(4 * s)))
    elif kind == "chevron":
        d.polygon(shield, fill=GOLD)
        chevron = [(40, 150), (128, 70), (216, 150), (216, 190), (128, 110), (40, 190)]
        d.polygon([(x * s, y * s) for x, y in chevron], fill=NAVY)
    elif kind == "cross":
        d.polygon(shield, fill=NAVY)
        d.rectangle((112 * s, 30 * s, 144 * s, 200 * s), fill=GOLD)
        d.rectangle((40 * s, 90 * s, 216 * s, 122 * s), fill=GOLD)
    elif kind == "roundel":
        d.ellipse((24 * s, 24 * s, 232 * s, 232 * s), fill=NAVY, outline=GOLD, width=int(10 * s))
        d.ellipse((98 * s, 98 * s, 158 * s, 158 * s), fill=GOLD)
    elif kind == "star":
        # The closest: our shield and star, but a plain field below where ours has waves.
        d.polygon(shield, fill=NAVY)
        d.line([*shield, shield[0]], fill=GOLD, width=max(1, int(6 * s)))
        d.regular_polygon((128 * s, 100 * s, 40 * s), 5, fill=GOLD)
        d.rectangle((60 * s, 150 * s, 196 * s, 170 * s), fill=GOLD)
    name = {"book": "ST MARY'S", "chevron": "HILLSIDE", "cross": "ST GEORGE"}.get(kind, "ACADEMY")
    d.text(
        (128 * s, 14 * s),
        name,
        fill=NAVY,
        font=ImageFont.load_default(size=int(22 * s)),
        anchor="mm",
    )
    return im


def bare(logo: Image.Image) -> Image.Image:
    """The logo without its white square, as when it is printed on a shirt or a bag: the white
    around it goes, the white inside it (the waves) stays."""
    rgb_logo = logo.convert("RGB")
    outside = rgb_logo.copy()
    w, h = outside.size
    for corner in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        ImageDraw.floodfill(outside, corner, (255, 0, 255), thresh=40)
    alpha = np.where(np.all(np.asarray(outside) == (255, 0, 255), axis=2), 0, 255)
    return Image.fromarray(np.dstack([np.asarray(rgb_logo), alpha]).astype(np.uint8), "RGBA")


def clutter(bg_name: str, rng: np.random.Generator) -> Image.Image:
    """Navy and gold things that are no crest: bunting, stripes of a scarf, confetti, a kit."""
    bg = background(bg_name)
    d = ImageDraw.Draw(bg)
    colours = [NAVY, GOLD, (250, 250, 250)]
    for k in range(14):  # bunting along a string
        x = 40 + k * 68
        y = 60 + int(12 * math.sin(k / 2))
        d.polygon([(x, y), (x + 56, y), (x + 28, y + 50)], fill=colours[k % 2])
    for k in range(10):  # a scarf's stripes
        d.rectangle((120 + k * 14, 300, 134 + k * 14, 480), fill=colours[k % 2])
    for _ in range(120):  # confetti
        x, y = int(rng.integers(0, 1000)), int(rng.integers(150, 760))
        r = int(rng.integers(3, 12))
        d.ellipse((x, y, x + r, y + r // 2 + 2), fill=colours[int(rng.integers(0, 3))])
    # a navy shirt with gold piping, logo-sized and shield-shaped from afar
    d.polygon([(640, 320), (760, 320), (780, 480), (620, 480)], fill=NAVY, outline=GOLD, width=3)
    d.rectangle((680, 340, 720, 380), fill=GOLD)
    return bg


def small_logos(logo: Image.Image, save: object) -> dict[str, list[int]]:
    """The school logo at 24 to 60 pixels, turned up to 10 degrees, on varied backgrounds (some
    bare, without the white square), and other crests and navy-gold clutter at the same sizes."""
    rng = np.random.default_rng(60)  # its own stream: adding these leaves the rest as they were
    placements = [
        ("grass", 24, False),
        ("coffee", 28, True),
        ("brick", 32, False),
        ("gravel", 36, False),
        ("chelsea", 40, True),
        ("horse", 44, False),
        ("rocket", 50, True),
        ("coins", 56, False),
        ("motorcycle", 60, False),
        ("clock", 30, True),
    ]
    made: dict[str, list[int]] = {}
    for k, (bg_name, side, is_bare) in enumerate(placements, start=1):
        if bg_name == "motorcycle":
            bg = Image.fromarray(data.stereo_motorcycle()[0]).resize((1024, 768))
        else:
            bg = background(bg_name)
        angle = float(rng.uniform(-10, 10))
        at = (int(rng.integers(40, 1024 - 100)), int(rng.integers(40, 768 - 100)))
        picture = paste_logo(bg, bare(logo) if is_bare else logo, side, angle, at)
        name = f"logo-small-{k}.jpg"
        save(picture, name)  # type: ignore[operator]
        turned = _turned_box([0, 0, side, side], (side, side), angle)
        made[name] = [at[0], at[1], round(turned[2]), round(turned[3])]
    # other crests in navy and gold, 24 to 60 pixels, some turned
    kinds = ["book", "chevron", "cross", "roundel", "star"]
    for k, bg_name in enumerate(("coffee", "grass", "brick"), start=1):
        bg = background(bg_name)
        for j, kind in enumerate(kinds):
            side = int(rng.integers(24, 61))
            at = (60 + j * 190 + int(rng.integers(0, 60)), int(rng.integers(60, 640)))
            crest = navy_gold_crest(kind)
            if (j + k) % 2:
                crest = bare(crest)
            bg = paste_logo(bg, crest, side, float(rng.uniform(-10, 10)), at)
        bg = paste_logo(bg, other_crest(), int(rng.integers(24, 61)), 0, (900, 600))
        save(bg, f"crests-small-{k}.jpg")  # type: ignore[operator]
    save(clutter("grass", rng), "navy-gold-clutter-1.jpg")  # type: ignore[operator]
    save(clutter("gravel", rng), "navy-gold-clutter-2.jpg")  # type: ignore[operator]
    return made


def rgb(name: str) -> Image.Image:
    a = getattr(data, name)()
    if a.dtype != np.uint8:
        a = (a * 255).astype(np.uint8) if a.max() <= 1 else a.astype(np.uint8)
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    return Image.fromarray(a[:, :, :3])


def background(name: str, size: tuple[int, int] = (1024, 768)) -> Image.Image:
    return rgb(name).resize(size, Image.Resampling.BILINEAR)


def paste_logo(
    bg: Image.Image, logo: Image.Image, side: int, angle: float, at: tuple[int, int]
) -> Image.Image:
    small = logo.resize((side, side), Image.Resampling.LANCZOS).convert("RGBA")
    small = small.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    out = bg.copy()
    out.paste(small, at, small)
    return out


ASTRONAUT_CROP = (120, 20, 340, 260)
# The face itself (brow to chin, ear to ear) in scikit-image's 512-pixel photographs, checked by
# eye: face-boxes.json records these boxes as pasted, not the pasted head and shoulders, so the
# size bands in bench/post_quality.py count a face by its own size.
ASTRONAUT_FACE = (176, 77, 98, 98)
CAMERA_FACE = (191, 123, 79, 79)


def astronaut_face(side: int) -> Image.Image:
    # head and shoulders of the astronaut, so the face has its context
    x0, y0, x1, y1 = ASTRONAUT_CROP
    return rgb("astronaut").crop(ASTRONAUT_CROP).resize((side, side * (y1 - y0) // (x1 - x0)))


def astronaut_face_box(side: int) -> list[float]:
    """Where the face is in `astronaut_face(side)`: x, y, w, h."""
    x0, y0, x1, y1 = ASTRONAUT_CROP
    sx = side / (x1 - x0)
    sy = (side * (y1 - y0) // (x1 - x0)) / (y1 - y0)
    fx, fy, fw, fh = ASTRONAUT_FACE
    return [(fx - x0) * sx, (fy - y0) * sy, fw * sx, fh * sy]


def _placed(box: list[float], at: tuple[int, int]) -> list[int]:
    return [round(box[0] + at[0]), round(box[1] + at[1]), round(box[2]), round(box[3])]


def _turned_box(box: list[float], size: tuple[int, int], angle: float) -> list[float]:
    """The bounding box of `box` once its picture of `size` is turned by Pillow's
    rotate(angle, expand=True) (anticlockwise, about the centre)."""
    w, h = size
    a = math.radians(angle)
    cos, sin = abs(math.cos(a)), abs(math.sin(a))
    new_w, new_h = w * cos + h * sin, w * sin + h * cos
    xs, ys = [], []
    for x in (box[0], box[0] + box[2]):
        for y in (box[1], box[1] + box[3]):
            dx, dy = x - w / 2, y - h / 2
            xs.append(new_w / 2 + dx * math.cos(a) + dy * math.sin(a))
            ys.append(new_h / 2 - dx * math.sin(a) + dy * math.cos(a))
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def sign(
    text: str,
    size: tuple[int, int] = (800, 500),
    bg: str = "coffee",
    colour: tuple = (250, 250, 245),
    ink: tuple = (20, 20, 20),
    font_size: int = 48,
) -> Image.Image:
    im = background(bg, size)
    d = ImageDraw.Draw(im)
    d.rectangle((60, 120, size[0] - 60, size[1] - 120), fill=colour, outline=(40, 40, 40), width=4)
    font = ImageFont.load_default(size=font_size)
    lines = text.split("\n")
    for k, line in enumerate(lines):
        y = size[1] // 2 + (k - (len(lines) - 1) / 2) * (font_size * 1.3)
        d.text((size[0] // 2, y), line, fill=ink, font=font, anchor="mm")
    return im


def field(
    colour: tuple[int, int, int], texture: float, size: tuple[int, int] = (640, 480)
) -> Image.Image:
    base = np.zeros((size[1], size[0], 3), np.float32) + np.array(colour, np.float32)
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]]
    shade = 1 - 0.25 * ((xx - size[0] / 2) ** 2 + (yy - size[1] / 2) ** 2) / (size[0] ** 2 / 4)
    base *= shade[..., None]
    base += RNG.normal(0, texture, base.shape)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(1.5)
    )


def with_gps(im: Image.Image, path: Path, lat: float, lon: float) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 12"

    def dms(value: float) -> tuple:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        s = round(((value - d) * 60 - m) * 60, 2)
        return (float(d), float(m), float(s))

    exif[0x8825] = {
        1: "N" if lat >= 0 else "S",
        2: dms(lat),
        3: "E" if lon >= 0 else "W",
        4: dms(lon),
    }
    im.save(path, "JPEG", quality=90, exif=exif)


def lfw_crops() -> tuple[np.ndarray, np.ndarray]:
    crops = (data.lfw_subset() * 255).astype(np.uint8)
    return crops[:100], crops[100:]


def _soft_oval(side: int) -> Image.Image:
    # A feathered oval, so a crop reads as a face in the scene and not as a pasted square.
    mask = Image.new("L", (side * 4, side * 4), 0)
    ImageDraw.Draw(mask).ellipse((side // 5, 0, side * 4 - side // 5, side * 4), fill=255)
    return mask.resize((side, side), Image.Resampling.LANCZOS).filter(
        ImageFilter.GaussianBlur(max(0.6, side / 24))
    )


def crop_picture(
    crop: np.ndarray, side: int, tint: tuple[float, float, float] | None, mirror: bool, angle: float
) -> tuple[Image.Image, Image.Image]:
    grey = Image.fromarray(crop).resize((side, side), Image.Resampling.BICUBIC)
    rgb_face = np.asarray(grey.convert("RGB"), np.float32)
    if tint is not None:
        rgb_face = rgb_face * np.array(tint, np.float32)
    face = Image.fromarray(np.clip(rgb_face, 0, 255).astype(np.uint8))
    mask = _soft_oval(side)
    if mirror:
        face = face.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if angle:
        face = face.rotate(angle, resample=Image.Resampling.BICUBIC)
        mask = mask.rotate(angle, resample=Image.Resampling.BICUBIC)
    return face, mask


def group(
    bg_name: str, crops: np.ndarray, sizes: list[int], turn: float = 0.0
) -> tuple[Image.Image, list[list[int]]]:
    """Crops set on a background in a loose grid, none overlapping; returns their boxes."""
    bg = background(bg_name)
    width, height = bg.size
    boxes: list[list[int]] = []
    cols = math.ceil(math.sqrt(len(sizes) * width / height))
    rows = math.ceil(len(sizes) / cols)
    cell_w, cell_h = width // cols, height // rows
    picks = HARD_RNG.choice(len(crops), size=len(sizes), replace=False)
    for k, (pick, side) in enumerate(zip(picks, sizes, strict=True)):
        col, row = k % cols, k // cols
        x = col * cell_w + int(HARD_RNG.integers(0, max(1, cell_w - side)))
        y = row * cell_h + int(HARD_RNG.integers(0, max(1, cell_h - side)))
        tint = SKIN_TINTS[k % len(SKIN_TINTS)] if k % 3 else None
        angle = float(HARD_RNG.uniform(-turn, turn)) if turn else 0.0
        face, mask = crop_picture(crops[pick], side, tint, k % 2 == 1, angle)
        bg.paste(face, (x, y), mask)
        boxes.append([x, y, side, side])
    return bg, boxes


def turned_away(side: int, squeeze: float) -> Image.Image:
    """The astronaut's head foreshortened as if turned away: one side narrower than the other."""
    head = astronaut_face(side)
    w, h = head.size
    near = (1 - squeeze) * h / 2
    # Pillow's QUAD maps the picture's corners (NW, SW, SE, NE) from these source points.
    quad = (0, 0, 0, h, w, h - near / 2, w, near / 2)
    return head.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC)


def turned_away_face_box(side: int, squeeze: float) -> list[float]:
    """Where the face is in `turned_away(side, squeeze)`: the QUAD map inverted at the face
    box's corners (x is kept; y is stretched more towards the right-hand side)."""
    w = side
    h = side * (ASTRONAUT_CROP[3] - ASTRONAUT_CROP[1]) // (ASTRONAUT_CROP[2] - ASTRONAUT_CROP[0])
    near = (1 - squeeze) * h / 2
    fx, fy, fw, fh = astronaut_face_box(side)
    ys = []
    for x in (fx, fx + fw):
        u = x / w
        for y in (fy, fy + fh):
            ys.append((y - u * near / 2) / ((1 - u) * h + u * (h - near)) * h)
    return [fx, min(ys), fw, max(ys) - min(ys)]


def hard_faces(save: object) -> dict[str, list[list[int]]]:
    """Harder pictures with faces (small, many, turned) and busy pictures without any."""
    faces, non_faces = lfw_crops()
    boxes: dict[str, list[list[int]]] = {}

    def keep(name: str, picture: Image.Image, where: list[list[int]]) -> None:
        save(picture, name)  # type: ignore[operator]
        boxes[name] = where

    keep(*_named("group-big.jpg", group("grass", faces, [120, 110, 100, 96, 90])))
    keep(*_named("group-mid.jpg", group("brick", faces, [70, 64, 58, 52, 48, 45, 60, 66])))
    keep(*_named("group-small.jpg", group("coffee", faces, [36, 34, 32, 30, 28, 26] * 2)))
    keep(*_named("group-tiny.jpg", group("gravel", faces, [24, 22, 20, 24, 22, 20, 24, 22])))
    keep(*_named("group-turned.jpg", group("rocket", faces, [80, 72, 64, 56, 90, 48], 25)))
    for side, bg_name in ((20, "grass"), (28, "rocket"), (40, "chelsea"), (56, "horse")):
        keep(*_named(f"face-lfw-{side}.jpg", group(bg_name, faces, [side])))
    # Non-face crops set exactly like the faces: the detector must not take a patch for a face.
    save(group("brick", non_faces, [70, 64, 58, 52, 48, 45, 60, 66])[0], "none-patches-mid.jpg")
    save(group("coffee", non_faces, [36, 34, 32, 30, 28, 26] * 2)[0], "none-patches-small.jpg")
    save(group("grass", non_faces, [120, 110, 100, 96, 90])[0], "none-patches-big.jpg")
    # The astronaut small, turned, foreshortened, mirrored; boxes are the faces as pasted.
    bg = background("grass")
    bg.paste(astronaut_face(64), (760, 420))
    keep("face-astronaut-tiny.jpg", bg, [_placed(astronaut_face_box(64), (760, 420))])
    bg = background("brick")
    upright = astronaut_face(180)
    head = upright.rotate(25, resample=Image.Resampling.BICUBIC, expand=True)
    bg.paste(head, (300, 200))
    face = _turned_box(astronaut_face_box(180), upright.size, 25)
    keep("face-astronaut-turned-25.jpg", bg, [_placed(face, (300, 200))])
    bg = background("coffee")
    head = turned_away(220, 0.45)
    bg.paste(head, (520, 240))
    keep("face-turned-away.jpg", bg, [_placed(turned_away_face_box(220, 0.45), (520, 240))])
    bg = background("chelsea")
    head = astronaut_face(140).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    bg.paste(head, (80, 420))
    fx, fy, fw, fh = astronaut_face_box(140)
    keep("face-mirrored-with-cat.jpg", bg, [_placed([140 - fx - fw, fy, fw, fh], (80, 420))])
    bg = background("grass")
    cameraman = rgb("camera").resize((360, 360))
    bg.paste(cameraman, (560, 300))
    face = [v * 360 / 512 for v in CAMERA_FACE]
    keep("face-profile-small.jpg", bg, [_placed(face, (560, 300))])
    # busy pictures without people
    left, _right, _disparity = data.stereo_motorcycle()
    save(Image.fromarray(left).resize((1024, 768)), "none-motorcycle.jpg")
    save(rgb("retina").resize((1024, 1024)), "none-retina.jpg")
    save(background("immunohistochemistry"), "none-cells.jpg")
    cats = background("grass")
    for k, (x, y) in enumerate(((60, 80), (420, 120), (760, 60), (200, 460), (620, 470))):
        side = 220 - 30 * k
        cats.paste(rgb("chelsea").resize((side, side * 300 // 451)), (x, y))
    save(cats, "none-cats.jpg")
    return boxes


def _named(name: str, made: tuple[Image.Image, list[list[int]]]) -> tuple[str, Image.Image, list]:
    return name, made[0], made[1]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    logo = make_logo()
    logo.save(HERE / "logo.png")

    def save(im: Image.Image, name: str) -> None:
        path = OUT / name
        if name.endswith(".jpg"):
            im.convert("RGB").save(path, "JPEG", quality=75)
        else:
            im.save(path)

    # faces
    bg = background("grass")
    bg.paste(astronaut_face(220), (400, 260))
    save(bg, "sports-day-1.jpg")
    save(rgb("astronaut").resize((1024, 1024)), "face-astronaut.jpg")
    bg = background("coffee")
    bg.paste(astronaut_face(160), (120, 300))
    save(bg, "face-small-coffee.jpg")
    bg = background("brick")
    bg.paste(astronaut_face(200), (150, 200))
    bg.paste(astronaut_face(200).transpose(Image.Transpose.FLIP_LEFT_RIGHT), (620, 220))
    save(bg, "face-two.jpg")
    dark = Image.eval(rgb("astronaut"), lambda v: int(v * 0.55))
    save(dark.resize((800, 800)), "face-dark.jpg")
    save(rgb("astronaut").convert("L").convert("RGB"), "face-grey.jpg")
    save(rgb("astronaut").rotate(10, resample=Image.Resampling.BICUBIC), "face-tilted.jpg")
    save(rgb("camera"), "face-profile.jpg")
    bg = background("rocket")
    bg.paste(astronaut_face(110), (700, 400))
    save(bg, "face-tiny-rocket.jpg")
    # no faces
    for name in (
        "coffee",
        "chelsea",
        "rocket",
        "brick",
        "grass",
        "gravel",
        "coins",
        "horse",
        "clock",
        "moon",
        "hubble_deep_field",
    ):
        save(background(name), f"none-{name.replace('_', '-')}.jpg")
    # logos
    placements = [
        ("grass", 300, 0, (100, 100)),
        ("coffee", 180, 8, (600, 300)),
        ("brick", 120, -8, (200, 500)),
        ("gravel", 90, 5, (800, 80)),
        ("chelsea", 220, -5, (50, 400)),
        ("rocket", 140, 12, (450, 250)),
    ]
    for k, (name, side, angle, at) in enumerate(placements, start=1):
        save(paste_logo(background(name), logo, side, angle, at), f"logo-{k}.jpg")
    bg = background("grass")
    bg.paste(astronaut_face(200), (120, 200))
    save(paste_logo(bg, logo, 160, 0, (700, 80)), "logo-and-face.jpg")
    save(paste_logo(background("coffee"), other_crest(), 220, 0, (400, 200)), "crest-other.jpg")
    save(rgb("logo").resize((512, 512)), "crest-skimage.jpg")
    logo_boxes = small_logos(logo, save)
    (OUT / "logo-boxes.json").write_text(json.dumps(logo_boxes, indent=1, sort_keys=True) + "\n")
    # text in pictures
    save(sign("DOOR CODE 4721"), "text-door-code.jpg")
    save(sign("Call Jo on\n07700 900456"), "text-phone.jpg")
    save(sign("Well done\nOliver Smith!", bg="grass"), "text-pupil.jpg")
    save(sign("Straits Primary School\nSummer Fair"), "text-school-name.jpg")
    save(sign("Sports Day\nHave fun!", bg="brick"), "text-innocent.jpg")
    save(sign("Reading is magic", bg="gravel"), "text-innocent-2.jpg")
    save(sign("Mr Jones is a liar", bg="coffee"), "text-allegation.jpg")
    # location
    with_gps(background("coffee"), OUT / "gps-coffee.jpg", 50.8198, -1.0880)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    background("horse").save(OUT / "exif-no-gps.jpg", "JPEG", quality=88, exif=exif)
    # skin-toned and look-alike fields
    save(field((224, 172, 140), 6), "skin-field-1.jpg")
    save(field((198, 134, 100), 8), "skin-field-2.jpg")
    save(field((120, 160, 210), 6), "sky-field.jpg")
    save(field((90, 140, 70), 10), "grass-field.jpg")
    boxes = hard_faces(save)
    (OUT / "face-boxes.json").write_text(json.dumps(boxes, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
