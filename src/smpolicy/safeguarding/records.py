"""Append-only records: what the ORM does to refuse a change or a deletion.

The database refuses them too (``dbguard``); this layer gives a clear Python error at the point of
the mistake instead of a database error later, and covers querysets and the admin.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from smpolicy.schools.appendonly import AppendOnlyError, AppendOnlyQuerySet
from smpolicy.schools.models import SchoolOwned, SchoolOwnedQuerySet

__all__ = [
    "AppendOnly",
    "AppendOnlyError",
    "AppendOnlyQuerySet",
    "Kept",
    "KeptQuerySet",
    "frozen_fields_changed",
]


class AppendOnly(SchoolOwned):
    """Abstract base: written once, never changed, never deleted through the ORM.

    A correction is a new record that points at the one it corrects.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"this {self._meta.verbose_name} was recorded and cannot be changed; "
                "add a correction instead"
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"this {self._meta.verbose_name} cannot be deleted")


def frozen_fields_changed(instance: models.Model, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` differ from the row in the database (for partly frozen records)."""
    if instance._state.adding or instance.pk is None:
        return []
    stored = type(instance)._base_manager.filter(pk=instance.pk).values(*names).first()
    if stored is None:
        return []
    changed = []
    for name in names:
        field = instance._meta.get_field(name)
        if stored[name] != getattr(instance, field.attname):
            changed.append(name)
    return changed


def _empty(value: Any) -> bool:
    return value is None or value == ""


class KeptQuerySet(SchoolOwnedQuerySet):
    """A queryset over records of which only some columns may move on, and only forward
    (``Kept.ONCE``, ``Kept.RISING``); what was recorded (``Kept.FROZEN``) never changes."""

    def update(self, **kwargs: Any) -> int:
        model = self.model
        frozen = set(kwargs) & set(model.FROZEN)
        if frozen:
            raise AppendOnlyError(
                f"what was recorded in {model._meta.verbose_name_plural} cannot be changed "
                f"({', '.join(sorted(frozen))})"
            )
        for name, value in kwargs.items():
            if isinstance(value, models.expressions.Combinable):
                continue  # an expression: the database's guard judges it
            if name in model.ONCE and self.filter(**{f"{name}__isnull": False}).exclude(
                **{name: value}
            ).exists():
                raise AppendOnlyError(f"{name} is recorded once and cannot be changed")
            if name in model.RISING and (
                self.filter(**{f"{name}__isnull": False}).exists()
                if value is None
                else self.filter(**{f"{name}__gt": value}).exists()
            ):
                raise AppendOnlyError(f"{name} only moves forward")
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError(
            f"{self.model._meta.verbose_name_plural} are changed one at a time, by their rules"
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(
            f"{self.model._meta.verbose_name_plural} are destroyed only with their report, from "
            "the review list"
        )


class Kept(SchoolOwned):
    """Abstract base: a record of what happened in which a few columns move on as the work goes
    forward (a status, when it was done) while what was recorded never changes.

    - ``FROZEN``: never changed once written;
    - ``ONCE``: set once from empty, then fixed (when an alert was first seen);
    - ``RISING``: only ever later or larger (an escalation level, a retention date);
    - ``refused_changes``: a model's own rule over the stored row and the new one.

    The database holds the same rules (``dbguard``); this layer says so where the mistake is made.
    Rows are never deleted through the ORM: a report and what belongs to it are destroyed only by
    ``destruction.destroy``.
    """

    FROZEN: ClassVar[tuple[str, ...]] = ()
    ONCE: ClassVar[tuple[str, ...]] = ()
    RISING: ClassVar[tuple[str, ...]] = ()

    objects = KeptQuerySet.as_manager()

    class Meta:
        abstract = True

    def refused_changes(self, stored: dict[str, Any]) -> list[str]:
        """Words for each change the model's own rule refuses (``stored``: the row as it is)."""
        return []

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            problems = self._check_changes(kwargs.get("update_fields"))
            if problems:
                raise AppendOnlyError(
                    f"what was recorded in this {self._meta.verbose_name} cannot be changed so: "
                    f"{'; '.join(problems)}; add a note, evidence or a correction instead"
                )
        super().save(*args, **kwargs)

    def _check_changes(self, update_fields: Any) -> list[str]:
        names = [f.name for f in self._meta.concrete_fields if not f.primary_key]
        if update_fields is not None:
            wanted = set(update_fields)
            names = [n for n in names if n in wanted]
        stored = type(self)._base_manager.filter(pk=self.pk).values(*self._rule_fields()).first()
        if stored is None:
            return []
        problems = []
        for name in names:
            field = self._meta.get_field(name)
            new, old = getattr(self, field.attname), stored.get(name)
            if name not in stored or new == old:
                continue
            if name in self.FROZEN:
                problems.append(f"{name} was recorded and never changes")
            elif name in self.ONCE and not _empty(old):
                problems.append(f"{name} is recorded once")
            elif name in self.RISING and old is not None and (new is None or new < old):
                problems.append(f"{name} only moves forward")
        return problems + self.refused_changes(stored)

    def _rule_fields(self) -> list[str]:
        return [f.name for f in self._meta.concrete_fields if not f.primary_key]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(
            f"this {self._meta.verbose_name} is destroyed only with its report, from the review "
            "list"
        )
