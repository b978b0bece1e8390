from django.contrib import admin

from smpolicy.asking.models import DecisionRecord
from smpolicy.schools.admin import SchoolScopedAdmin


@admin.register(DecisionRecord)
class DecisionRecordAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ("created", "verdict", "source", "pack_version", "asked_by")
    list_filter = ("verdict", "source")
    readonly_fields = [f.name for f in DecisionRecord._meta.fields]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201 - Django's signature
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
