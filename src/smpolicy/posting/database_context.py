"""The post checker's school context from the database, for `smpolicy check-post` run without
--roster and --school. Kept apart from context.py, which needs Django set up before it imports."""

from __future__ import annotations

import os

from smpolicy.content.school import ContextError, SchoolContext


def school_context_for_slug(slug: str | None) -> SchoolContext:
    """The school by its slug, or the deployment's only school."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpolicy.web.settings")
    django.setup()
    from smpolicy.posting.context import school_context
    from smpolicy.schools.models import School

    schools = School.objects.all()
    if slug:
        found = schools.filter(slug=slug).first()
        if found is None:
            raise ContextError(f"no school with the slug {slug!r}")
        return school_context(found)
    first_two = list(schools[:2])
    if len(first_two) != 1:
        raise ContextError(
            "the database holds several schools: name one with --school-slug"
            if first_two
            else "the database holds no school"
        )
    return school_context(first_two[0])
