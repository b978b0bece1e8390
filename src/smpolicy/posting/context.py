"""The post checker's view of a school, built from the database.

``smpolicy.content`` is plain Python and knows nothing of Django; this is the one place that turns
a School, its people and its posting settings into the ``SchoolContext`` it reads. Everyone on the
school's records is in the roster (pupils, staff, governors, parents...), with the database id, so
a finding can name the person.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path

from smpolicy.content.school import Person as RosterPerson
from smpolicy.content.school import SchoolContext
from smpolicy.posting.models import PostingSettings
from smpolicy.schools.models import Person, School


def posting_settings(school: School) -> PostingSettings:
    """The school's posting settings, made with the defaults the first time they are asked for."""
    found, _ = PostingSettings.objects.get_or_create(school=school)
    return found


def logo_path(school: School) -> Path | None:
    found = PostingSettings.objects.for_school(school).first()
    if found is None or not found.logo:
        return None
    try:
        path = Path(found.logo.path)
    except (NotImplementedError, ValueError):  # a storage with no local files (e.g. S3)
        return None
    return path if path.is_file() else None


# Built contexts, by a digest of everything they are built from: the checker's name index and logo
# features are made once per roster, and any change to a name, a setting or the logo makes a new
# one. Bounded, since a trust's deployment serves many schools.
_BUILT: OrderedDict[tuple[int, str], SchoolContext] = OrderedDict()
_KEEP = 16
_LOCK = threading.Lock()


def school_context(school: School) -> SchoolContext:
    """Everything the checker needs to know about ``school``: its names, domains, numbers, logo and
    the people on its records."""
    rows = list(
        Person.objects.for_school(school)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "preferred_name", "role", "date_of_birth")
    )
    logo = logo_path(school)
    fields = [
        school.name,
        list(school.short_names or []),
        list(school.email_domains or []),
        list(school.phone_numbers or []),
        str(logo) if logo else None,
        logo.stat().st_mtime_ns if logo else None,
        [
            [pk, first, last, preferred, role, str(born)]
            for pk, first, last, preferred, role, born in rows
        ],
    ]
    digest = hashlib.sha256(json.dumps(fields, default=str).encode("utf-8")).hexdigest()
    key = (school.pk, digest)
    with _LOCK:
        found = _BUILT.get(key)
        if found is not None:
            _BUILT.move_to_end(key)
            return found
    people = [
        RosterPerson(
            first_name=first,
            last_name=last,
            role=role,
            preferred_name=preferred or None,
            date_of_birth=born,
            id=pk,
        )
        for pk, first, last, preferred, role, born in rows
        if first and last
    ]
    context = SchoolContext(
        name=school.name,
        short_names=list(school.short_names or []),
        email_domains=list(school.email_domains or []),
        phone_numbers=list(school.phone_numbers or []),
        people=people,
        logo=logo,
    )
    with _LOCK:
        for old in [k for k in _BUILT if k[0] == school.pk]:
            del _BUILT[old]  # a school's older roster is never asked for again
        _BUILT[key] = context
        while len(_BUILT) > _KEEP:
            _BUILT.popitem(last=False)
    return context

