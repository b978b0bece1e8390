"""Make the corpus's pictures: `python tests/content/corpus/make_images.py` (needs scikit-image).

The pictures are committed; this script says where each comes from, and remakes them. Sources:
- the school logo and the other crest: drawn here (Pillow, its built-in font);
- people: scikit-image's `astronaut` (Eileen Collins, NASA, public domain) and `camera` (CC0,
  Lav Varshney): the only photographs of faces the offline packages ship under free terms;
- backgrounds: scikit-image's `coffee`, `chelsea`, `rocket`, `brick`, `grass`, `gravel`, `coins`,
  `horse`, `clock`, `moon`, `hubble_deep_field` (CC0 or public domain, per scikit-image's notes);
- signs with text, skin-toned and sand-toned fields: drawn here.
No picture shows a child; none shows nudity (the nudity check is measured on drawn skin fields
only, which says little about real pictures).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from skimage import data

HERE = Path(__file__).parent
OUT = HERE / "images"
RNG = np.random.default_rng(20261124)


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


def astronaut_face(side: int) -> Image.Image:
    # head and shoulders of the astronaut, so the face has its context
    return rgb("astronaut").crop((120, 20, 340, 260)).resize((side, side * 240 // 220))


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


if __name__ == "__main__":
    main()
