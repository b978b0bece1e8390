"""Speed of the post checker on one core.

    python bench/post_speed.py [--posts 20000] [--images 20]

Prints text checks per second with a 1,000-person roster (issue 4's aim: 5,000 posts/s), both the
text checks alone (`check_text`) and whole `check_post` calls on text-only posts (findings mapped
and decided by the engine); then milliseconds per 1024x1024 picture (aim: 150 ms), stage by stage,
before the OCR and in all (the OCR runs only when the text gate finds lines of text, and reads
only a window around them). The process is pinned to one CPU and OpenCV to one thread.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import cv2  # noqa: E402
from PIL import Image  # noqa: E402

from smpolicy.content import Person, SchoolContext, check_post, check_text  # noqa: E402
from smpolicy.content import images as im  # noqa: E402

CORPUS = ROOT / "tests" / "content" / "corpus"
FIRST = [
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Noah",
    "Ava",
    "Arthur",
    "Mia",
    "Muhammad",
    "Ivy",
    "Leo",
    "Freya",
    "Harry",
    "Lily",
    "Oscar",
    "Florence",
    "Archie",
    "Sophia",
    "Henry",
    "Willow",
    "Theo",
    "Isabella",
    "Jack",
    "Grace",
    "Charlie",
    "Olivia",
    "Freddie",
    "Evie",
    "Alfie",
    "Ella",
    "Thomas",
    "Poppy",
    "Jacob",
    "Rosie",
    "Lucas",
    "Emily",
    "Teddy",
    "Sienna",
    "Finley",
    "Daisy",
    "Arlo",
    "Ruby",
    "Isaac",
    "Elsie",
    "Tommy",
    "Harper",
    "Edward",
    "Chloe",
    "Albie",
    "Matilda",
    "Reggie",
    "Phoebe",
    "Roman",
    "Maya",
    "Ronnie",
    "Esme",
    "Max",
    "Hallie",
    "Joshua",
    "Aisha",
    "Yusuf",
    "Amira",
    "Ibrahim",
    "Zara",
    "Ayaan",
    "Fatima",
    "Kacper",
    "Zofia",
    "Chidi",
    "Adaeze",
    "Kwame",
    "Ama",
    "Siddharth",
    "Priya",
    "Arjun",
    "Anaya",
    "Mateo",
    "Sofia",
    "Luca",
    "Giulia",
    "Daan",
    "Femke",
    "Oisin",
    "Niamh",
    "Cerys",
    "Dylan",
    "Morgan",
    "Rhys",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Hussain",
    "Marshall",
    "Simpson",
    "Price",
    "Anderson",
    "Adams",
    "Wilkinson",
    "Ali",
    "Ahmed",
    "Foster",
    "Ellis",
    "Murphy",
    "Chapman",
    "Mason",
    "Gray",
    "Richards",
    "Webb",
    "Griffiths",
    "Hunt",
    "Palmer",
    "Campbell",
    "Holmes",
    "Mills",
    "Rogers",
    "Barnes",
    "Knight",
    "Matthews",
    "Barker",
    "Powell",
    "Stevens",
    "Kaur",
    "Nowak",
    "Kowalski",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Nguyen",
    "Chen",
    "Rossi",
    "Murray",
    "Reid",
    "Doyle",
    "Byrne",
    "Walsh",
]
TEMPLATES = [
    "Great day at sports day with {name} and {name}!",
    "Well done to {first} for a brilliant assembly today",
    "Lovely afternoon in the garden, the sunflowers are huge",
    "Reminder: non-uniform day on Friday, bring a pound for charity",
    "{name} read beautifully in class this morning",
    "Can't believe it's nearly the end of term already",
    "Call me on 07700 900{d3} if you need a lift to the match",
    "Proud to teach at Straits Primary School",
    "The door code is {d4} for the after-school club",
    "What a fucking day, the printer jammed again",
    "Mr {last} is running the chess club again this year",
    "Year 4 have been learning about the Romans and built a model fort",
    "Staff training day today, back on Tuesday",
    "Email me at {lower}.{d3}@gmail.com with any questions",
    "The school is useless at communicating with parents",
    "Amazing Grace was sung beautifully at the carol service",
    "We will be closed on Monday for the bank holiday",
    "{first}'s mum brought in cakes for the bake sale, thank you!",
    "Trip letters went home today, please return by Friday 12/03/2025",
    "Our football team won 3-1, what a game",
]


def roster(n: int = 1000, seed: int = 4) -> list[Person]:
    rnd = random.Random(seed)
    roles = ["pupil"] * 70 + ["staff"] * 10 + ["parent"] * 18 + ["governor"] + ["volunteer"]
    return [Person(rnd.choice(FIRST), rnd.choice(LAST), rnd.choice(roles)) for _ in range(n)]


def posts(people: list[Person], n: int, seed: int = 5) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        text = rnd.choice(TEMPLATES)
        while "{" in text:
            p = rnd.choice(people)
            text = (
                text.replace("{name}", f"{p.first_name} {p.last_name}", 1)
                .replace("{first}", p.first_name, 1)
                .replace("{last}", p.last_name, 1)
                .replace("{lower}", p.first_name.lower(), 1)
                .replace("{d3}", f"{rnd.randint(0, 999):03d}", 1)
                .replace("{d4}", f"{rnd.randint(0, 9999):04d}", 1)
            )
        out.append(text)
    return out


def text_speed(n: int) -> None:
    people = roster()
    school = SchoolContext(
        name="Straits Primary School",
        short_names=["Straits Primary", "Straits"],
        email_domains=["straits.sch.uk"],
        phone_numbers=["01632 960000"],
        people=people,
    )
    t0 = time.perf_counter()
    _ = school.names
    check_text("warm up Oliver Smith 07700 900123", school)
    print(
        f"name index for {len(people)} people built in {time.perf_counter() - t0:.2f} s "
        "(with the dictionary and lexicon loaded)"
    )
    texts = posts(people, n)
    mean_len = statistics.mean(len(t) for t in texts)
    t0 = time.perf_counter()
    found = 0
    for t in texts:
        found += len(check_text(t, school))
    dt = time.perf_counter() - t0
    print(
        f"check_text:  {n / dt:8.0f} posts/s  ({n} posts, {mean_len:.0f} characters on "
        f"average, {found / n:.2f} findings a post)   aim: 5,000 posts/s"
    )
    post = {"author": {"role": "staff"}, "channel": {"account": "personal", "platform": "facebook"}}
    t0 = time.perf_counter()
    for t in texts:
        check_post({**post, "text": t}, school)
    dt = time.perf_counter() - t0
    print(f"check_post:  {n / dt:8.0f} posts/s  (text only; findings decided by the engine)")


def picture(name: str) -> bytes:
    image = Image.open(CORPUS / "images" / name).convert("RGB").resize((1024, 1024))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class _Timer:
    def __init__(self, stages: dict[str, list[float]]) -> None:
        self.stages = stages

    def __call__(self, stage: str, fn: Callable[..., Any], *args: Any) -> Any:
        t = time.perf_counter()
        value = fn(*args)
        self.stages.setdefault(stage, []).append((time.perf_counter() - t) * 1000)
        return value


def image_speed(rounds: int) -> None:
    school = SchoolContext.from_files(CORPUS / "roster.csv", CORPUS / "school.yaml")
    logo = school.logo_model
    cases = [
        ("photo on grass, a face, the logo", "logo-and-face.jpg"),
        ("photo, no text", "face-small-coffee.jpg"),
        ("group photo, 8 faces", "group-mid.jpg"),
        ("a logo of 40 px (small-logo pass)", "logo-small-5.jpg"),
        ("navy-and-gold crests, no logo", "crests-small-1.jpg"),
        ("a sign with text", "text-door-code.jpg"),
        ("a sign with two lines of text", "text-phone.jpg"),
    ]
    im.find_faces(im.load_image(picture(cases[0][1])).rgb)  # loads the face models once
    print(f"\npictures: 1024x1024 JPEG, {rounds} rounds each, median ms (OpenCV on 1 thread)")
    for label, name in cases:
        data = picture(name)
        stages: dict[str, list[float]] = {}
        timed = _Timer(stages)

        totals, totals_ocr = [], []
        for _ in range(rounds):
            t = time.perf_counter()
            loaded = timed("decode", im.load_image, data)
            gray = timed("grey", cv2.cvtColor, loaded.rgb, cv2.COLOR_RGB2GRAY)
            faces = timed("faces", im.find_faces, loaded.rgb)
            timed("logo", logo.find, gray, loaded.rgb)
            timed("skin", im.skin_exposure, loaded.rgb, faces)
            regions = timed("text gate", im.text_regions, gray)
            totals.append((time.perf_counter() - t) * 1000)
            if regions and im.tesseract_path():
                timed("ocr", im.read_text, loaded.rgb, regions)
            totals_ocr.append((time.perf_counter() - t) * 1000)
        parts = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in stages.items())
        read = "OCR ran" if "ocr" in stages else "no OCR: no text found"
        print(
            f"  {label:34} {statistics.median(totals):5.0f} ms before OCR, "
            f"{statistics.median(totals_ocr):5.0f} ms in all ({read})   [{parts}]   aim: 150 ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--images", type=int, default=10)
    options = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    cv2.setNumThreads(1)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"one core (CPU {sorted(os.sched_getaffinity(0))}); machine load average {load} "
        f"on {os.cpu_count()} CPUs: other work on the machine slows every figure below"
    )
    text_speed(options.posts)
    image_speed(options.images)


if __name__ == "__main__":
    main()
