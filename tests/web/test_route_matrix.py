"""The role x route matrix (issue 10): every URL pattern of the site, the admin's included, walked
by every kind of session at two schools, and every (URL, session) answer held to an oracle.

- The routes come from the resolver itself (``get_resolver().url_patterns``, includes and the
  admin followed), so a new route is in the matrix the day it is added: FILLERS must say how to
  fill its parameters or the test fails naming it.
- Each URL with an id is tried with the home school's record and the other school's ("foreign"),
  and some with a record of the home school hidden from some of its people (an allegation against
  the headteacher).
- The sessions: anonymous; every role and post; the DSL team, headteacher and Chair with and
  without a verified second factor; a superuser with and without it; the other school's DSL.
- tests/web/matrix_oracle.py states, from the promise and not from the code, what each session
  must get: 200, sent to sign in, sent to the second factor, 403, 404, 405 or another redirect.
- Every session GETs every URL. A POST (empty) is also sent wherever the oracle refuses the
  session, and must be refused by the same door; never for a session let through, so the walk
  changes nothing it later reads.
- Each record carries a canary (matrix_world.canary): no 200 may show another school's, and a
  superuser's may show no school's records at all.

The figures (routes, URLs, sessions, pairs) are printed; run with ``-s`` to see them.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from . import matrix_oracle as oracle
from .matrix_world import (
    FOREIGN,
    HOME,
    Session,
    World,
    build_deployment,
    canary,
    client_for,
    parent_token,
    sessions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://policy.example.sch.uk"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# -- the routes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # the full pattern, prefixes joined
    name: str  # namespace:name, or the pattern for an unnamed one
    callback: Any
    params: tuple[str, ...]


def _params(pattern: Any) -> tuple[str, ...]:
    if hasattr(pattern, "converters") and pattern.converters:
        return tuple(pattern.converters)
    return tuple(re.compile(str(pattern)).groupindex)


def walk(patterns: list[Any] | None = None, prefix: str = "", ns: str = "",
         params: tuple[str, ...] = ()) -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        here = params + _params(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{ns}:{entry.namespace}" if ns and entry.namespace else entry.namespace or ns
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner or "", here)
        else:
            assert isinstance(entry, URLPattern)
            full = prefix + str(entry.pattern)
            name = f"{ns}:{entry.name}" if ns and entry.name else entry.name or full
            yield Route(full, name, entry.callback, here)


# -- filling each route's parameters -------------------------------------------------------------

# How each route's parameters are filled, by route name: for a school's World, the keyword
# arguments. A route with parameters that is in neither this table nor the admin's generic
# filling below fails the test by name: so no route slips out of the matrix.
Fill = dict[str, Any]


def _o(key: str, attr: str = "pk") -> Any:
    return lambda w: getattr(w.objects[key], attr)


def _p(key: str) -> Any:
    return lambda w: w.people[key].pk


FILLERS: dict[str, dict[str, Any]] = {
    "safeguarding:report_detail": {"pk": _o("report")},
    "safeguarding:evidence_add": {"pk": _o("report")},
    "safeguarding:evidence_correct": {"pk": _o("report"), "correct": _o("evidence")},
    "safeguarding:triage": {"pk": _o("report")},
    "safeguarding:destroy": {"pk": _o("report")},
    "safeguarding:retention_change": {"pk": _o("report")},
    "safeguarding:evidence_file": {"pk": _o("evidence")},
    "safeguarding:case_detail": {"pk": _o("case")},
    "safeguarding:action_add": {"pk": _o("case")},
    "safeguarding:outcome_add": {"pk": _o("case")},
    "safeguarding:advice_add": {"pk": _o("case")},
    "safeguarding:police_referral_add": {"pk": _o("case")},
    "safeguarding:case_close": {"pk": _o("case")},
    "safeguarding:action_done": {"pk": _o("action")},
    "safeguarding:chronology": {"person_pk": _p("pupil")},
    "safeguarding:transfer_new": {"pupil_pk": _p("pupil")},
    "safeguarding:transfer_detail": {"pk": _o("transfer")},
    "safeguarding:transfer_export": {"pk": _o("transfer")},
    "safeguarding:access_change_decide": {"pk": _o("access_change")},
    "safeguarding:parent_concern": {"slug": lambda w: w.school.slug},
    "safeguarding:parent_concern_write": {"slug": lambda w: w.school.slug,
                                          "token": lambda w: parent_token(w.school.slug)},
    "network:finding": {"pk": _o("finding")},
    "network:review_correct": {"pk": _o("review")},
    "network:scan": {"pk": _o("log_scan")},
    **{f"jobs:{name}": {"pk": _o("export")} for name in (
        "export", "export_progress", "export_download")},
    "network:scan_progress": {"pk": _o("log_scan")},
    **{name: {"organization_slug": lambda w: w.school.slug} for name in (
        "saml_acs", "saml_finish_acs", "saml_sls", "saml_metadata", "saml_login")},
    **{f"posting:{name}": {"pk": _o("post")} for name in (
        "post", "post_edit", "post_check", "post_submit", "post_approve", "post_reject",
        "post_publish", "post_withdraw", "post_tags", "post_export")},
    "posting:post_image": {"pk": _o("post"), "image_pk": _o("post_image")},
    "posting:post_image_clean": {"pk": _o("post"), "image_pk": _o("post_image")},
    "posting:spokesperson_change": {"pk": _o("spokesperson")},
    "posting:consent_pupil": {"pk": _p("pupil")},
    "posting:branding_decide": {"pk": _o("branding")},
    "registers:declaration": {"pk": _o("declaration")},
    "registers:acknowledge_declaration": {"pk": _o("declaration")},
    "registers:review_declaration": {"pk": _o("declaration")},
    "registers:profile_review": {"pk": _o("profile_review")},
    **{f"registers:{name}": {"pk": _o("version")} for name in (
        "version", "version_submit", "version_draft", "version_meeting", "version_in_force",
        "version_review_date", "version_archive", "version_pdf", "version_yaml")},
    "registers:version_sign": {"pk": _o("version"), "as_": lambda w: "head"},
    "registers:advisory": {"pk": _o("advisory")},
    "registers:access_request": {"pk": _o("access_request")},
    "registers:access_bundle": {"pk": _o("access_request")},
    "schools:api_key_revoke": {"pk": _o("api_key")},
    "schools:password_reset_confirm": {"uidb64": lambda w: w.objects["reset"][0],
                                       "token": lambda w: w.objects["reset"][1]},
    "openid_connect_login": {"provider_id": lambda w: f"entra-{w.school.slug}"},
    "openid_connect_callback": {"provider_id": lambda w: f"entra-{w.school.slug}"},
}
# Routes whose parameters name no school's record: filled once, the same for everyone.
SCHOOLLESS: dict[str, list[dict[str, str]]] = {
    "registers:governors_report": [{"term": "2026-autumn"}],
    "registers:governors_pdf": [{"term": "2026-autumn"}],
    # What the admin's catch-all must answer: the safeguarding models it must not have, and a
    # page that was never there.
    "admin/(?P<url>.*)$": [
        {"url": f"{app}/{model}/"} for app, model in oracle.UNREGISTERED_ADMIN_MODELS
    ] + [{"url": "no/such/page/"}],
}
# Routes tried with a home-school record hidden from some of its own people, besides the home
# and foreign ones: the report of an allegation against the headteacher.
ALLEGATION_ROUTES = {"safeguarding:report_detail", "safeguarding:evidence_add",
                     "safeguarding:triage", "safeguarding:destroy",
                     "safeguarding:retention_change"}


@dataclass(frozen=True)
class Url:
    route: Route
    variant: str  # "-": no parameter; home, foreign, allegation; or the schoolless value
    path: str


def _admin_model(route: Route) -> Any:
    """The ModelAdmin behind an admin URL (Django's get_urls sets it on each view)."""
    return getattr(route.callback, "model_admin", None)


# The admin's records of a school that stand for a person: an ordinary one (the teacher, the IT
# lead's post); and, as the "guarded" variant, the headteacher's, whose post opens safeguarding
# records and so is neither shown nor deleted there.
ADMIN_PICKS: dict[str, Any] = {
    "schools.person": lambda w, guarded: w.people["head" if guarded else "teacher"],
    "auth.user": lambda w, guarded: w.people["head" if guarded else "teacher"].user,
    "schools.position": lambda w, guarded: w.people["head" if guarded else "it_lead"]
    .positions.first(),
}


def _admin_object(model_admin: Any, world: World | None) -> Any:
    model = model_admin.model
    if model._meta.label_lower in ADMIN_PICKS and world is not None:
        return ADMIN_PICKS[model._meta.label_lower](world, False)
    school_field = getattr(model_admin, "school_field", None)
    found = model._default_manager.all()
    if world is not None:
        found = found.filter(**{school_field: world.school.pk})
    return found.order_by("pk").first()


# Routes that answer a query string: what each asks, so the matrix reads a real answer. The
# people search looks for the canary pupil every school has (matrix_world): a session may find
# its own school's, never the other's.
QUERIES: dict[str, str] = {"schools:people_search": "?kind=pupil_or_parent&q=CANARY"}


def fill(route: Route, worlds: dict[str, World]) -> list[Url] | str:
    """The URLs to try for ``route``, or why it cannot be filled."""
    if not route.params:
        return [Url(route, "-", "/" + route.pattern + QUERIES.get(route.name, ""))]
    variants: list[tuple[str, dict[str, Any]]] = []
    if route.name in FILLERS:
        fillers = FILLERS[route.name]
        if set(fillers) != set(route.params):
            return f"FILLERS fills {sorted(fillers)}, the route takes {list(route.params)}"
        for variant, world in ((HOME, worlds[HOME]), (FOREIGN, worlds[FOREIGN])):
            variants.append((variant, {k: f(world) for k, f in fillers.items()}))
        if route.name in ALLEGATION_ROUTES:
            variants.append(("allegation", {"pk": worlds[HOME].objects["about_head"].pk}))
    elif route.name in SCHOOLLESS:
        variants = [(",".join(v.values()), v) for v in SCHOOLLESS[route.name]]
    elif route.pattern.startswith("admin/") and _admin_model(route) is not None:
        model_admin = _admin_model(route)
        if set(route.params) != {"object_id"}:
            return f"an admin route with {route.params}"
        scoped = hasattr(model_admin, "school_field")
        for variant, world in ((HOME, worlds[HOME]), (FOREIGN, worlds[FOREIGN])) if scoped else (
                ("deployment", None),):
            obj = _admin_object(model_admin, world)
            if obj is None:
                return f"no {model_admin.model.__name__} at {variant} to fill object_id with"
            variants.append((variant, {"object_id": obj.pk}))
        if model_admin.model._meta.label_lower in ADMIN_PICKS:
            guarded = ADMIN_PICKS[model_admin.model._meta.label_lower](worlds[HOME], True)
            variants.append(("guarded", {"object_id": guarded.pk}))
    elif route.name == "admin:app_list":
        labels = sorted({model._meta.app_label for model in admin_site._registry})
        variants = [(label, {"app_label": label}) for label in labels]
    elif route.name == "admin:auth_user_password_change":
        for variant in (HOME, FOREIGN):
            variants.append((variant, {"id": worlds[variant].people["teacher"].user.pk}))
        variants.append(("guarded", {"id": worlds[HOME].people["head"].user.pk}))
    elif route.name == "admin:view_on_site":
        person_type = ContentType.objects.get_for_model(worlds[HOME].people["teacher"])
        for variant in (HOME, FOREIGN):
            variants.append((variant, {"content_type_id": person_type.pk,
                                       "object_id": worlds[variant].people["teacher"].pk}))
    else:
        return "no filler: add the route to FILLERS (tests/web/test_route_matrix.py)"
    return [Url(route, variant, _path(route, values)) for variant, values in variants]


def _path(route: Route, values: dict[str, Any]) -> str:
    path = route.pattern
    for name, value in values.items():
        # <conv:name> or <name> (RoutePattern), or (?P<name>...) (a regex, admin's and allauth's)
        path, n2 = re.subn(rf"\(\?P<{name}>[^)]*\)", str(value), path)
        path, n1 = re.subn(rf"<(?:\w+:)?{name}>", str(value), path)
        assert n1 + n2 == 1, (route.pattern, name)
    return "/" + path.replace("^", "").replace("$", "")


# -- asking and classifying ----------------------------------------------------------------------


def outcome(response: Any) -> str:
    """What a response means for the matrix: 200, login, 2fa, 302 (elsewhere) or the status."""
    code = response.status_code
    if code in (301, 302, 303):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "login"
        if location.startswith("/safeguarding/second-factor/"):
            return "2fa"
        return "302"
    return str(code)


def body_of(response: Any) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:2] == b"PK":  # a zip (a transfer, a bundle, an export): what is inside it counts
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(n) for n in archive.namelist())
    return data.decode("utf-8", "replace")


CANARIES = ("report", "file", "allegation", "case", "action", "transfer", "post", "branding",
            "declaration", "version", "advisory", "finding", "log_scan", "pupil")


def leaks(session: Session, url: Url, text: str) -> list[str]:
    """Canaries this 200 shows that the session may not see, whatever the route: another
    school's records, and any school's for a superuser (who is a person of none); at its own
    school, a safeguarding record outside its need to know (oracle.SEES)."""
    found = []
    for slug in (HOME, FOREIGN):
        for what in CANARIES:
            if canary(slug, what) not in text:
                continue
            if what == "pupil" and session.superuser and url.path.startswith("/admin/"):
                continue  # the deployment's administrator manages every school's people there
            if session.school != slug or (what in oracle.SEES and not oracle.SEES[what](session)):
                found.append(f"{session.name:16} GET {url.path} [{url.variant}]: shows "
                             f"{canary(slug, what)}")
    return found


def test_route_matrix(capsys) -> None:
    started = time.monotonic()
    worlds = build_deployment()
    routes = list(walk())
    unfilled: list[str] = []
    urls: list[Url] = []
    for route in routes:
        filled = fill(route, worlds)
        if isinstance(filled, str):
            unfilled.append(f"{route.name} ({route.pattern}): {filled}")
        else:
            urls += filled
    assert not unfilled, "routes the matrix cannot fill:\n" + "\n".join(unfilled)
    unknown = [r.name for r in routes if oracle.group_of(r.name, r.pattern) is None]
    assert not unknown, "routes the oracle says nothing about:\n" + "\n".join(unknown)

    everyone = sessions()
    if os.environ.get("MATRIX_SESSIONS"):  # to profile a few
        everyone = [s for s in everyone if s.name in os.environ["MATRIX_SESSIONS"].split(",")]
    wrong: list[str] = []
    tally: Counter[str] = Counter()
    posts = 0
    dump = os.environ.get("MATRIX_DUMP")
    dumped: list[str] = []
    for session in everyone:
        client: Client = client_for(session, worlds)
        for url in urls:
            case = oracle.Case(url.route.name, url.route.pattern, url.variant, session)
            expected = oracle.expected(case)
            began = time.monotonic()
            try:
                response = client.get(url.path)
            except Exception as error:  # a crash is one more wrong answer
                wrong.append(f"{session.name:16} GET {url.path}: raised {error!r}")
                continue
            got = outcome(response)
            tally[got] += 1
            if dump:
                dumped.append(f"{url.route.name}\t{url.variant}\t{session.name}\t{got}\t"
                              f"{1000 * (time.monotonic() - began):.0f}")
            if got != expected:
                wrong.append(f"{session.name:16} GET {url.path} [{url.variant}]: "
                             f"expected {expected}, got {got}")
            elif got == "200":
                wrong += leaks(session, url, body_of(response))
            expected_post = oracle.expected_post(case)
            if expected_post is not None:
                posts += 1
                got_post = outcome(client.post(url.path, {}))
                if got_post != expected_post:
                    wrong.append(f"{session.name:16} POST {url.path} [{url.variant}]: "
                                 f"expected {expected_post}, got {got_post}")
    if dump:
        with open(dump, "w") as out:
            out.write("\n".join(dumped) + "\n")
    pairs = len(urls) * len(everyone)
    with capsys.disabled():
        print(
            f"\nroute matrix: {len(routes)} routes ({sum(r.pattern.startswith('admin/') for r in routes)}"
            f" of the admin), {len(urls)} URLs, {len(everyone)} sessions, {pairs} GET pairs and "
            f"{posts} refused POSTs asserted in {time.monotonic() - started:.0f} s; answers: "
            + ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
        )
    assert not wrong, f"{len(wrong)} wrong answers:\n" + "\n".join(wrong)


def _kept_out_of_the_admin() -> list[Any]:
    """Every model the admin must not have: all of safeguarding's (records, evidence, cases,
    the audit log, second factors, recovery codes, access changes, the evidence register), the
    policy versions, subject access requests, and the registers' histories."""
    from django.apps import apps

    from smpolicy.posting.models import RegisterEvent

    models = list(apps.get_app_config("safeguarding").get_models())
    models += [apps.get_model("registers", "PolicyVersion"),
               apps.get_model("registers", "SubjectAccessRequest")]
    models += [m for m in apps.get_models() if issubclass(m, RegisterEvent)]
    return models


def test_the_admin_index_lists_no_safeguarding_model(client) -> None:
    from django.contrib.auth import get_user_model

    from smpolicy.safeguarding.testing import pass_second_factor

    names = {m.__name__ for m in _kept_out_of_the_admin()}
    assert {"Report", "Evidence", "Case", "SecondFactor", "RecoveryCode", "AccessChange",
            "RegisterEntry", "PolicyVersion", "SubjectAccessRequest"} <= names
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x-1-y-2-z")
    client.force_login(root)
    pass_second_factor(client, root)
    index = client.get("/admin/")
    assert index.status_code == 200
    body = index.content.decode()
    assert "/admin/schools/person/" in body  # the index does list what it has
    for model in _kept_out_of_the_admin():
        meta = model._meta
        assert not admin_site.is_registered(model), meta.label
        assert f"/admin/{meta.app_label}/{meta.model_name}/" not in body, meta.label
        assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/").status_code == 404
    assert "/admin/safeguarding/" not in body
    assert client.get("/admin/safeguarding/").status_code == 404
