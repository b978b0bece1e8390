"""Benchmark: `smpolicy scan-logs` on a 1,000,000-line Squid log, next to GoAccess on the same file.

    python bench/logscan.py [--lines N] [--keep DIR]

Generates a school day's proxy log (parents on the guest WiFi, pupils, staff with logins, and the
CDN and update noise that makes up most of a real log), times `smpolicy scan-logs` end to end as
a child process (start-up, reading, deciding, writing JSON Lines), and in the same run times
GoAccess parsing the same file with the issue's log format. Prints lines per second for both and
the ratio; peak memory is the child's (its rusage, from wait4) and, since a large plain file is read
by every core, the sum over the child's process tree sampled every 20 ms as well. CPU seconds
(user and system, the child's and its workers', from the same rusage) are printed too: on a
machine busy with other work, wall time is shared with it and CPU time is not.

GoAccess is Debian's `goaccess`; when missing, the bench installs it with apt-get if it runs as
root, and otherwise says it is skipped.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOACCESS_FORMAT = "%x.%^ %~%L %h %^/%s %b %m %U"
START = 1795161600.0  # 2026-11-20T08:00:00Z, a school day
DAY = 8 * 3600

# (host, weight): what a primary school's proxy sees in a day, roughly. CDNs and updates are
# most of the lines; social media sites and apps a small part; widgets ride along on news sites.
NOISE = [
    ("rr3---sn-aigl6nzr.googlevideo.com", 6), ("i.ytimg.com", 2), ("fonts.gstatic.com", 6),
    ("www.gstatic.com", 5), ("ajax.googleapis.com", 3), ("update.googleapis.com", 3),
    ("clients4.google.com", 4), ("www.google.com", 5), ("login.microsoftonline.com", 4),
    ("outlook.office365.com", 4), ("teams.microsoft.com", 4), ("statics.teams.cdn.office.net", 3),
    ("officecdn.microsoft.com", 3), ("dl.delivery.mp.microsoft.com", 3), ("a.akamaiedge.net", 3),
    ("e673.dsce9.akamaiedge.net", 2), ("cdn.jsdelivr.net", 2), ("classroom.google.com", 4),
    ("www.bbc.co.uk", 3), ("static.files.bbci.co.uk", 3), ("www.thenational.academy", 2),
    ("www.purplemash.com", 2), ("ttrockstars.com", 2), ("www.gov.uk", 1), ("www.wikipedia.org", 1),
    ("upload.wikimedia.org", 1), ("api.amazon.co.uk", 1), ("ocsp.digicert.com", 2),
    ("safebrowsing.googleapis.com", 2), ("mtalk.google.com", 2),
]
SOCIAL = [
    ("www.facebook.com", 3), ("star-mini.c10r.facebook.com", 2), ("graph.facebook.com", 2),
    ("scontent-lhr8-1.xx.fbcdn.net", 4), ("static.xx.fbcdn.net", 2), ("www.instagram.com", 2),
    ("i.instagram.com", 2), ("scontent-lhr6-2.cdninstagram.com", 3), ("www.tiktok.com", 2),
    ("api16-normal-c-useast1a.tiktokv.com", 2), ("p16-sign-va.tiktokcdn.com", 3),
    ("www.youtube.com", 3), ("youtubei.googleapis.com", 2), ("web.whatsapp.com", 1),
    ("g.whatsapp.net", 1), ("mmg.whatsapp.net", 1), ("www.snapchat.com", 1),
    ("gcp.api.snapchat.com", 1), ("www.reddit.com", 1), ("x.com", 1), ("pbs.twimg.com", 1),
]
WIDGETS = [("connect.facebook.net", 3), ("platform.twitter.com", 1),
           ("www.youtube-nocookie.com", 1)]


def _weighted(pairs: list[tuple[str, int]]) -> list[str]:
    return [host for host, weight in pairs for _ in range(weight)]


def generate(path: Path, lines: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    noise, social, widgets = _weighted(NOISE), _weighted(SOCIAL), _weighted(WIDGETS)
    guests = [f"10.30.{i // 250}.{i % 250 + 1}" for i in range(220)]
    pupils = [f"10.20.{i // 250}.{i % 250 + 1}" for i in range(420)]
    staff = [f"10.10.0.{i + 1}" for i in range(60)]
    logins = {address: f"staff{i:02d}" for i, address in enumerate(staff)}
    step = DAY / lines
    t = START
    with path.open("w", encoding="ascii") as out:
        batch: list[str] = []
        for n in range(lines):
            t += step * rng.random() * 2
            r = rng.random()
            client = guests[int(r * 1e6) % len(guests)] if r < 0.25 else (
                pupils[int(r * 1e6) % len(pupils)] if r < 0.8 else staff[int(r * 1e6) % 60])
            pick = rng.random()
            if pick < 0.74:
                host = noise[int(pick * 1e7) % len(noise)]
            elif pick < 0.94:
                host = social[int(pick * 1e7) % len(social)]
            else:
                host = widgets[int(pick * 1e7) % len(widgets)]
            user = logins.get(client, "-")
            if n % 9973 == 0:
                batch.append("error: a truncated line\n")
                continue
            # The filter refuses a little social media (a guest network's block list).
            code = "TCP_DENIED/403" if 0.925 < pick < 0.94 else "TCP_TUNNEL/200"
            if pick * 1000 % 7 < 1:
                batch.append(f"{t:.3f} {int(pick * 90000) % 60000:6d} {client} "
                             f"{code.replace('TUNNEL', 'MISS')} {int(pick * 1e6) % 90000} GET "
                             f"http://{host}/page/{n % 977}.html {user} HIER_DIRECT/93.184.216.34 "
                             "text/html\n")
            else:
                batch.append(f"{t:.3f} {int(pick * 90000) % 60000:6d} {client} {code} "
                             f"{int(pick * 1e6) % 90000} CONNECT {host}:443 {user} "
                             "HIER_DIRECT/157.240.221.35 -\n")
            if len(batch) >= 10000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))


def write_school(folder: Path) -> tuple[Path, Path]:
    networks = folder / "networks.yaml"
    networks.write_text(
        "networks:\n"
        "  - {name: Guest WiFi, kind: guest_wifi, ranges: [10.30.0.0/16]}\n"
        "  - {name: Pupils, kind: pupil_network, ranges: [10.20.0.0/16]}\n"
        "  - {name: Staff, kind: staff_network, ranges: [10.10.0.0/16]}\n"
    )
    people = folder / "people.csv"
    rows = ["login,address,role,age,name"]
    rows += [f",10.20.{i // 250}.{i % 250 + 1},pupil,{5 + i % 7},Pupil {i}" for i in range(420)]
    rows += [f"staff{i:02d},,staff,,Staff {i}" for i in range(60)]
    people.write_text("\n".join(rows) + "\n")
    return networks, people


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def timed(command: list[str],
          env: dict[str, str] | None = None) -> tuple[float, int, int, int, float]:
    """(seconds, exit code, child's peak RSS KiB, process tree's peak summed RSS KiB, CPU
    seconds of the child and the workers it waited for).

    The child's peak is its own rusage (wait4), which covers the worker processes it waited
    for: the largest of them."""
    peak_tree = 0
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss(child.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = code = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    return seconds, code, usage.ru_maxrss, peak_tree, usage.ru_utime + usage.ru_stime


def goaccess() -> str | None:
    found = shutil.which("goaccess")
    if found:
        return found
    if os.geteuid() != 0:
        print("GoAccess: skipped (not installed, and installing it needs root: "
              "apt-get install goaccess)")
        return None
    print("GoAccess: installing Debian's goaccess...")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-qq", "goaccess"], env=env,
                      check=False, **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, **quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", "goaccess"], env=env, check=False,
                       **quiet)
    found = shutil.which("goaccess")
    if not found:
        print("GoAccess: skipped (apt-get could not install it)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", help="write the log here and keep it")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs (default 3)")
    options = parser.parse_args()

    folder = Path(options.keep or tempfile.mkdtemp(prefix="smpolicy-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "access.log"
    print(f"Generating a {options.lines:,}-line Squid log in {folder} ...")
    started = time.perf_counter()
    generate(log, options.lines)
    networks, people = write_school(folder)
    size = log.stat().st_size
    print(f"  {size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s")

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    scan = [sys.executable, "-m", "smpolicy", "scan-logs", str(log), "--networks",
            str(networks), "--people", str(people), "--output", "jsonl"]
    check = subprocess.run(scan, capture_output=True, text=True, env=env, check=False)
    if check.returncode != 0:
        print(check.stderr)
        return 1
    summary = check.stdout.strip().splitlines()[-1]
    print(f"  smpolicy's summary: {summary}")

    binary = goaccess()
    report = folder / "goaccess.json"
    theirs_command = [binary or "goaccess", str(log), f"--log-format={GOACCESS_FORMAT}",
                      "--date-format=%s", "--time-format=%s", "-o", str(report)]
    # The two run in turns, so a busy moment on the machine falls on both alike.
    ours_runs: list[tuple[float, int, int, int, float]] = []
    theirs_runs: list[tuple[float, int, int, int, float]] = []
    for _ in range(options.runs):
        ours_runs.append(timed(scan, env))
        if binary:
            theirs_runs.append(timed(theirs_command))
    seconds, _, peak, tree, _cpu = min(ours_runs)
    ours_cpu = min(r[4] for r in ours_runs)
    ours = options.lines / seconds
    print(f"smpolicy scan-logs: {seconds:.2f} s, {ours:,.0f} lines/s end to end "
          f"(best of {options.runs}: {', '.join(f'{r[0]:.2f}' for r in ours_runs)} s); "
          f"peak memory {peak / 1024:.0f} MB in the largest process, "
          f"{tree / 1024:.0f} MB summed over its processes; {ours_cpu:.2f} CPU s at best")
    if not binary:
        return 0
    theirs_seconds, code, their_peak, _, _cpu = min(theirs_runs)
    theirs_cpu = min(r[4] for r in theirs_runs)
    if code != 0:
        print(f"GoAccess exited with {code}; skipped")
        return 0
    theirs = options.lines / theirs_seconds
    print(f"GoAccess:           {theirs_seconds:.2f} s, {theirs:,.0f} lines/s "
          f"(best of {options.runs}: {', '.join(f'{r[0]:.2f}' for r in theirs_runs)} s); "
          f"peak memory {their_peak / 1024:.0f} MB; {theirs_cpu:.2f} CPU s at best")
    pairs = sorted(t[0] / o[0] for o, t in zip(ours_runs, theirs_runs, strict=True))
    print(f"Ratio: smpolicy is {ours / theirs:.1f}x GoAccess, best against best "
          f"(run by run: {', '.join(f'{r:.1f}x' for r in pairs)}; target: 5x); "
          f"in CPU time {theirs_cpu / ours_cpu:.1f}x (GoAccess's CPU seconds over smpolicy's, "
          "all its processes')")
    if not options.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
