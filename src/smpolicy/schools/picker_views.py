"""The picker's search: a few names of the signed-in person's own school, as JSON."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from smpolicy.schools import picker
from smpolicy.schools.access import requires


# Everyone who may use a form with a picker may search: Check a post and the report form are
# for the same people as Ask the policy (schools.access: _REPRESENTATIVE is in _WORKFORCE), and a
# governor, who logs concerns, asks too. Pupils, parents and a superuser of no school may not.
@requires("ask_policy")
@require_GET
def people_search(request: HttpRequest) -> JsonResponse:
    school = request.school  # type: ignore[attr-defined]
    kind = request.GET.get("kind", "pupil")
    if kind not in picker.KINDS:
        return JsonResponse({"error": f"kind is one of {', '.join(picker.KINDS)}"}, status=400)
    found = picker.search(school, kind, request.GET.get("q", ""))
    response = JsonResponse({"results": [picker.describe(p) for p in found]})
    # Names of children: never kept by a browser's or a proxy's cache.
    response["Cache-Control"] = "no-store, private"
    return response
