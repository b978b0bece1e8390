"""Admin for schools and people, and the SchoolScopedAdmin mixin every school-owned model uses.

Reuse it in another app's admin.py::

    from smpolicy.schools.admin import SchoolScopedAdmin

    @admin.register(Concern)
    class ConcernAdmin(SchoolScopedAdmin, admin.ModelAdmin):
        list_display = ["pupil", "created"]
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from smpolicy.schools.access import attach
from smpolicy.schools.models import ParentLink, Person, Position, School, SchoolOwned


class SchoolScopedAdmin:
    """Mixin for a ModelAdmin or inline (put it first): a user who is not a superuser sees and
    picks only their own school's records. Superusers of a trust deployment see every school's,
    with a School column and filter.

    ``school_field`` is the lookup from the model to its School ("school" for a SchoolOwned model,
    "person__school" for the User model, "pk" for School itself).
    """

    school_field: str = "school"

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, ...]:
        """The delete page's list of what would go with the record names only the record
        itself: its related rows (evidence file names, a post's words) are records the admin
        never shows. The counts per kind stay, and what protects it is counted, not named."""
        _, counts, perms_needed, protected = super().get_deleted_objects(  # type: ignore[misc]
            objs, request)
        kept = [f"{len(protected)} kept records refer to it"] if protected else []
        return [str(obj) for obj in objs], counts, perms_needed, kept

    def user_school(self, request: HttpRequest) -> School | None:
        if not hasattr(request, "school"):
            attach(request)
        return request.school  # type: ignore[attr-defined]

    def _scoped(self, request: HttpRequest) -> bool:
        return not request.user.is_superuser

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if not self._scoped(request):
            return qs
        school = self.user_school(request)
        return qs.none() if school is None else qs.filter(**{self.school_field: school.pk})

    def _limit(self, related: Any, request: HttpRequest, kwargs: dict[str, Any]) -> None:
        if not self._scoped(request) or not isinstance(related, type):
            return
        school = self.user_school(request)
        if related is School:
            kwargs["queryset"] = School.objects.filter(pk=school.pk if school else None)
        elif issubclass(related, SchoolOwned):
            kwargs["queryset"] = related._default_manager.for_school(school)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        self._limit(db_field.related_model, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> Any:
        self._limit(db_field.related_model, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)  # type: ignore[misc]
        school = self.user_school(request)
        if self.school_field == "school" and school is not None:
            initial.setdefault("school", school.pk)
        return initial

    @admin.display(description="School")
    def school_of(self, obj: models.Model) -> Any:
        value: Any = obj
        for part in self.school_field.split("__"):
            value = getattr(value, part, None)
        return value if value is not None else "-"

    def get_list_display(self, request: HttpRequest) -> Any:
        columns = list(super().get_list_display(request))  # type: ignore[misc]
        if not self._scoped(request) and self.school_field != "pk":
            columns.append("school_of")
        return columns

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = list(super().get_list_filter(request))  # type: ignore[misc]
        if not self._scoped(request) and self.school_field != "pk":
            filters.insert(0, self.school_field)
        return filters


@admin.register(School)
class SchoolAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    school_field = "pk"
    list_display = ["name", "slug", "urn", "created"]
    search_fields = ["name", "slug", "urn"]
    prepopulated_fields = {"slug": ["name"]}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: School | None = None) -> bool:
        return request.user.is_superuser


class OrdinaryPostsOnly:
    """The posts that open safeguarding records (Position.GUARDED) are neither shown nor offered
    here: they are given and ended on Safeguarding → Posts and access, where a second person
    confirms, so the admin is no way round that."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).exclude(kind__in=Position.GUARDED)  # type: ignore[misc]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "kind":
            kwargs["choices"] = [
                (value, label)
                for value, label in Position.Kind.choices
                if value not in Position.GUARDED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)  # type: ignore[misc]


class PositionInline(OrdinaryPostsOnly, SchoolScopedAdmin, admin.TabularInline):
    model = Position
    fk_name = "person"
    exclude = ["school"]  # taken from the person
    extra = 0


class ParentsInline(SchoolScopedAdmin, admin.TabularInline):
    model = ParentLink
    fk_name = "child"
    exclude = ["school"]  # taken from the child
    autocomplete_fields = ["parent"]
    extra = 0
    verbose_name = "parent or carer"
    verbose_name_plural = "parents and carers"


@admin.register(Person)
class PersonAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["full_name", "role", "age_today", "on_roll_today", "external_id"]
    list_filter = ["role", "on_roll"]
    search_fields = ["first_name", "last_name", "preferred_name", "external_id", "email"]
    autocomplete_fields = ["line_manager", "user"]
    inlines = [PositionInline, ParentsInline]
    fieldsets = [
        (None, {"fields": ["school", "first_name", "last_name", "preferred_name", "role"]}),
        ("Details", {"fields": ["date_of_birth", "email", "external_id", "user"]}),
        ("Pupils", {"fields": ["on_roll", "on_roll_from", "on_roll_until"]}),
        ("Staff", {"fields": ["line_manager", "joined_on", "new_starter_until"]}),
    ]

    @admin.display(description="Age")
    def age_today(self, obj: Person) -> int | str:
        age = obj.age()
        return "-" if age is None else age

    @admin.display(description="On roll")
    def on_roll_today(self, obj: Person) -> str:
        return obj.roll_status() or "-"

    def get_inlines(self, request: HttpRequest, obj: Person | None) -> list[Any]:
        if obj is not None and obj.is_pupil:
            return [ParentsInline]
        return [PositionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and holds_guarded_post(obj):
            # Linking another account to the DSL's person would hand that account the DSL's
            # access: the link of anyone in a guarded post is changed nowhere in the admin.
            readonly += ["user", "school", "role"]
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        if obj is not None and holds_guarded_post(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ParentLink)
class ParentLinkAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["parent", "relationship", "child"]
    list_filter = ["relationship"]
    search_fields = [
        "parent__first_name",
        "parent__last_name",
        "child__first_name",
        "child__last_name",
    ]
    autocomplete_fields = ["parent", "child"]


@admin.register(Position)
class PositionAdmin(OrdinaryPostsOnly, SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["kind", "person", "starts_on", "ends_on"]
    search_fields = ["person__first_name", "person__last_name"]
    autocomplete_fields = ["person"]


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class SchoolUserAdmin(SchoolScopedAdmin, UserAdmin):
    """Sign-in accounts; one who is not a superuser sees only accounts linked to their school's
    people."""

    school_field = "person__school"

    def _guarded(self, obj: Any) -> bool:
        person = Person.objects.filter(user=obj).first() if obj is not None else None
        return person is not None and holds_guarded_post(person)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The account of anyone in a guarded post (its password, its flags) is theirs: a new
        # password comes by e-mail, through the site's reset page, never from an administrator.
        if self._guarded(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._guarded(obj):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        user = self.get_object(request, id)
        if self._guarded(user):
            raise PermissionDenied(
                "The password of someone in a post that opens safeguarding records is reset by "
                "e-mail only."
            )
        return super().user_change_password(request, id, form_url)


def holds_guarded_post(person: Person) -> bool:
    """Holds, or has held, a post that opens safeguarding records (one that ended is included:
    the account's history is theirs)."""
    return Position.objects.filter(person=person, kind__in=Position.GUARDED).exists()

# Appended (single sign-on), so the lines above stay as they were for other branches' merges.
from smpolicy.schools.models import SchoolSignIn  # noqa: E402


@admin.register(SchoolSignIn)
class SchoolSignInAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    """A school's single sign-on; `smpolicy sso add` sets the app up with its secret sealed."""

    list_display = ["school", "kind", "tenant", "enabled", "app"]
    list_filter = ["kind", "enabled"]
    raw_id_fields = ["app"]
