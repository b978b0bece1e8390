"""The one way a form picks pupils (or pupils and parents): a searchable picker.

A school's roll is hundreds of names, and a trust's thousands: listing them all made Check a post
66 KB and gave a phone a multi-select that says "hold Ctrl" (issue 13, issue 11 item 7). The
picker renders only the people already chosen, each with their year group and class, and a search
box. With scripts, the box asks ``schools:people_search`` for at most MAX_MATCHES of the signed-in
person's own school; without them, it sends a GET (a small form of its own, so nothing else typed
on the page goes into an address) and the page comes back with the matches as checkboxes.

Whatever the page offered, the field accepts only people of ``candidates(school, kind)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from smpolicy.schools.models import Person, School, class_label

MAX_MATCHES = 20
MIN_QUERY = 2  # one letter matches most of a school: say "type two letters" instead

# Who each kind of picker offers. "pupil": those on roll now (photos, reports); "pupil_or_parent":
# anyone a question on Ask the policy may be about, former pupils included.
KINDS: dict[str, tuple[str, ...]] = {
    "pupil": (Person.Role.PUPIL,),
    "pupil_or_parent": (Person.Role.PUPIL, Person.Role.PARENT),
}
NOUN = {"pupil": "pupil", "pupil_or_parent": "pupil or parent"}
NOUNS = {"pupil": "pupils", "pupil_or_parent": "pupils or parents"}

_SHOWN_FIELDS = ("id", "first_name", "last_name", "preferred_name", "role", "year_group",
                 "class_name", "school_id")


def candidates(school: School | None, kind: str) -> QuerySet[Person]:
    """Everyone a picker of ``kind`` may choose at ``school``; nobody without a school."""
    people = Person.objects.for_school(school).filter(role__in=KINDS[kind])
    if kind == "pupil":
        people = people.exclude(on_roll=Person.OnRoll.FORMER)
    return people.order_by("last_name", "first_name", "pk")


def search(school: School | None, kind: str, text: str) -> list[Person]:
    """At most MAX_MATCHES people of ``kind`` whose names hold every word of ``text``."""
    text = " ".join((text or "").split())[:100]
    if len(text) < MIN_QUERY or kind not in KINDS:
        return []
    found = candidates(school, kind).search(text).only(*_SHOWN_FIELDS)
    return list(found[:MAX_MATCHES])


def describe(person: Person) -> dict[str, Any]:
    """What a picker shows of a person, and all the search answers with: no more."""
    if not person.is_pupil:
        # A parent has no year or class: the name says what they are, so no field is added.
        name = f"{person.full_name} ({person.get_role_display().lower()})"
        return {"id": person.pk, "name": name, "year_group": "", "class": ""}
    return {
        "id": person.pk,
        "name": person.full_name,
        "year_group": person.year_group,
        "class": class_label(person.class_name),
    }


class PickerWidget(forms.Widget):
    """The chosen people (ticked checkboxes, or radios for one), matches, and a search box."""

    template_name = "schools/picker.html"

    def __init__(self, kind: str = "pupil", multiple: bool = True,
                 attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.multiple = multiple
        self.allow_multiple_selected = multiple
        self.queryset: QuerySet[Person] = Person.objects.none()
        self.query = ""
        self.matches: list[Person] = []

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an unticked box sends nothing, which means "nobody"

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def chosen(self, value: Any) -> list[Person]:
        """The people ``value`` names, of this picker's candidates only (a forged id is not
        shown back, named or not)."""
        ids = [v for v in self.format_value(value) if v.isdigit()]
        if not ids:
            return []
        return list(self.queryset.filter(pk__in=ids).only(*_SHOWN_FIELDS))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = self.chosen(value)
        chosen_ids = {p.pk for p in chosen}
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"].update(
            {
                "base_id": base_id,
                "kind": self.kind,
                "noun": NOUN[self.kind],
                "nouns": NOUNS[self.kind],
                "multiple": self.multiple,
                "input_type": "checkbox" if self.multiple else "radio",
                "chosen": [describe(p) for p in chosen],
                "matches": [describe(p) for p in self.matches if p.pk not in chosen_ids],
                "query": self.query,
                "searched": len(self.query) >= MIN_QUERY,
                "min_query": MIN_QUERY,
                "search_url": reverse("schools:people_search"),
            }
        )
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_q" if id_ else id_  # the search box is what its label names


class _Picking:
    """What both picker fields share: the kind, and binding to a school and a search."""

    widget: PickerWidget
    kind: str

    def bind(self, school: School | None, searched: Mapping[str, Any] | None, name: str) -> None:
        self.queryset = candidates(school, self.kind)  # type: ignore[attr-defined]
        self.widget.queryset = self.queryset  # type: ignore[attr-defined]
        query = " ".join(str((searched or {}).get(f"{name}_q", "")).split())[:100]
        self.widget.query = query
        self.widget.matches = search(school, self.kind, query) if school is not None else []

    def label_from_instance(self, obj: Person) -> str:
        return obj.label


_REFUSED = (
    "%(value)s is not someone you can choose here: choose from your own school's roll, "
    "using the search box."
)


class PeoplePicker(_Picking, forms.ModelMultipleChoiceField):
    """Any number of people of ``kind`` of the form's school."""

    def __init__(self, *, kind: str = "pupil", **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault("widget", PickerWidget(kind=kind, multiple=True))
        kwargs.setdefault("error_messages", {"invalid_choice": _REFUSED,
                                             "invalid_pk_value": _REFUSED})
        super().__init__(**kwargs)
        self.kind = kind
        self.widget.kind = kind


class PersonPicker(_Picking, forms.ModelChoiceField):
    """At most one person of ``kind`` of the form's school."""

    def __init__(self, *, kind: str = "pupil_or_parent", **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault("widget", PickerWidget(kind=kind, multiple=False))
        kwargs.setdefault("error_messages", {
            "invalid_choice": _REFUSED.replace("%(value)s", "That person")})
        super().__init__(**kwargs)
        self.kind = kind
        self.widget.kind = kind


def bind_pickers(form: forms.BaseForm, school: School | None,
                 searched: Mapping[str, Any] | None) -> None:
    """Bind ``form``'s pickers to ``school``; ``searched`` is the page's GET, where a picker's
    search box sends its words when scripts do not run."""
    for name, field in form.fields.items():
        if not isinstance(field, _Picking):
            continue
        field.bind(school, searched, name)
        if not form.is_bound and searched is not None and name not in form.initial:
            # The choices carried over a search without scripts (see picker.html).
            carried = _getlist(searched, name)
            if carried:
                form.initial[name] = carried if isinstance(field, PeoplePicker) else carried[0]


def _getlist(data: Mapping[str, Any], name: str) -> list[str]:
    values: Iterable[Any] = data.getlist(name) if hasattr(data, "getlist") else (
        data.get(name) or [])
    if isinstance(values, str):
        values = [values]
    return [str(v) for v in values if str(v).isdigit()]
