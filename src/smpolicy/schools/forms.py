from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from smpolicy.schools.apikeys import SCOPES
from smpolicy.schools.models import Person

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportPeopleForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "One person a row. Required columns: first_name, last_name, role. Optional: "
            "preferred_name, date_of_birth (YYYY-MM-DD), external_id, email, on_roll, "
            "on_roll_from, on_roll_until, parent_of, relationship."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label="Check the file only, without saving anything", required=False, initial=True
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is larger than 5 MB; is it the right file?")
        return upload


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Name", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Everyone"), *Person.Role.choices]
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label="What will use this key",
        max_length=100,
        help_text="For example “MIS sync” or “School website post checker”, so you know which "
        "key to revoke later.",
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one thing the key may do."},
    )
