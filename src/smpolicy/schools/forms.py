from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from smpolicy.schools.apikeys import SCOPES
from smpolicy.schools.importing import EXPORT_KIND_LABELS, REQUIRED_COLUMNS
from smpolicy.schools.models import Person

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportPeopleForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text=(
            "An export from SIMS, Arbor or Bromcom as it comes (CSV or .xlsx), one person a row. "
            "Columns it names in its own way are matched once, below, and remembered. Ours are: "
            "first_name, last_name, role, and optionally preferred_name, date_of_birth "
            "(DD/MM/YYYY or YYYY-MM-DD), external_id, email, on_roll, on_roll_from, "
            "on_roll_until, parent_of, relationship, year_group, class."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,text/csv,.xlsx,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    kind = forms.ChoiceField(
        label="What the export lists",
        choices=list(EXPORT_KIND_LABELS.items()),
        initial="people",
        required=False,
        help_text="A pupils export makes every row a pupil, without a role column.",
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


class MisConnectionForm(forms.Form):
    """The school's Wonde connection. The token is written, never read back: a blank field keeps
    the one already stored."""

    mis_school_id = forms.CharField(
        label="Wonde school id",
        max_length=40,
        help_text="As Wonde shows it, e.g. A1930499544.",
    )
    token = forms.CharField(
        label="Wonde API token",
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="The school's own token from Wonde. Leave it blank to keep the one stored.",
    )
    nightly = forms.BooleanField(label="Sync every night", required=False, initial=True)

    def __init__(self, *args: Any, has_token: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_token = has_token

    def clean_mis_school_id(self) -> str:
        value: str = self.cleaned_data["mis_school_id"].strip()
        if not value.isalnum():
            raise ValidationError("A Wonde school id is letters and digits only, e.g. A1930499544.")
        return value

    def clean_token(self) -> str:
        value: str = self.cleaned_data["token"]
        if not value and not self.has_token:
            raise ValidationError("Enter the school's Wonde token.")
        if value and (len(value) < 12 or any(c.isspace() for c in value)):
            raise ValidationError("That does not look like a Wonde token (a long code, no spaces).")
        return value


COLUMN_LABELS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "role": "Role",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "external_id": "MIS id (or UPN)",
    "email": "E-mail address",
    "on_roll": "On roll (current or former)",
    "on_roll_from": "On roll from",
    "on_roll_until": "Left on",
    "parent_of": "Parent of (children's MIS ids)",
    "relationship": "Relationship",
    "year_group": "Year group",
    "class_name": "Class",
}


class ColumnMappingForm(forms.Form):
    """Which of our columns each of an export's headers is; chosen once per shape of export."""

    kind = ImportPeopleForm.base_fields["kind"]
    dry_run = ImportPeopleForm.base_fields["dry_run"]

    def __init__(
        self, *args: Any, headers: list[str], guessed: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", "Not imported"), *((c, COLUMN_LABELS[c]) for c in COLUMN_LABELS)]
        for number, header in enumerate(headers):
            self.fields[f"column_{number}"] = forms.ChoiceField(
                label=header or f"Column {number + 1} (no header)",
                choices=choices,
                required=False,
                initial=guessed.get(header, ""),
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{n}"] for n in range(len(self.headers))]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [data.get(f"column_{n}") or "" for n in range(len(self.headers))]
        for column in {c for c in chosen if c and chosen.count(c) > 1}:
            raise ValidationError(f"“{COLUMN_LABELS[column]}” is chosen for two columns.")
        needed = [c for c in REQUIRED_COLUMNS if c != "role" or data.get("kind") == "people"]
        for column in needed:
            if column not in chosen:
                what = COLUMN_LABELS[column]
                hint = " (or say what the export lists)" if column == "role" else ""
                raise ValidationError(f"Choose the column that holds the {what.lower()}{hint}.")
        data["mapping"] = dict(zip(self.headers, chosen, strict=True))
        return data

