"""Forms for the posting pages. Images are validated by uploads.py, not by the form's fields,
so the page, the API and the draft all refuse the same files with the same words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone

from smpolicy.asking import labels
from smpolicy.content.checker import DECLARABLE
from smpolicy.platforms.catalogue import default_catalogue
from smpolicy.policy.vocabulary import ACCOUNTS
from smpolicy.posting.models import (
    MAX_APPROVAL_STEPS,
    WEBSITE,
    BrandingUse,
    ConsentStatus,
    ConsentUse,
    PostingSettings,
)
from smpolicy.posting.uploads import UploadError, read_upload, validate_image
from smpolicy.schools.models import Person, School
from smpolicy.schools.picker import PeoplePicker, bind_pickers

MAX_TEXT = 20_000


def platform_choices(blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(WEBSITE, "School website")]
    choices += sorted(((p.id, p.name) for p in default_catalogue()), key=lambda c: c[1].lower())
    return ([("", blank)] if blank is not None else []) + choices


def platform_ids() -> set[str]:
    return {WEBSITE, *default_catalogue().ids()}

# What the file picker offers; the bytes are checked whatever the picker let through.
ACCEPTED_IMAGES = "image/jpeg,image/png,image/gif,image/webp,image/heic,image/heif,.heic,.heif"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImagesField(forms.FileField):
    """Any number of files; uploads.validate_uploads judges them."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": ACCEPTED_IMAGES})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CheckForm(forms.Form):
    text = forms.CharField(
        label="The post's text",
        required=False,
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "true"}),
    )
    images = MultipleImagesField(
        label="Images (optional)",
        help_text="JPEG, PNG, GIF, WebP or HEIC, up to 15 MB each, up to 10. They are not kept "
        "unless you save the post as a draft.",
    )
    account = forms.ChoiceField(
        label="Where will it go?",
        choices=[(a, labels.ACCOUNT[a]) for a in ACCOUNTS],
        widget=forms.RadioSelect,
        initial="personal",
    )
    platform = forms.ChoiceField(label="Platform", required=False)
    # What a member of staff is asked before posting: the answers become facts of the situation
    # the engine decides; "not sure" leaves the fact unknown, which is not "no".
    school_activity = forms.TypedChoiceField(
        label="Is it about a school activity (a trip, an event, a lesson, a club)?",
        choices=[("yes", "Yes"), ("no", "No"), ("", "Not sure")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    shown = forms.MultipleChoiceField(
        label="Who is in the pictures?",
        choices=[
            ("pupils", "Pupils"),
            ("staff", "Staff"),
            ("governors", "Governors"),
            ("community", "Parents or other people"),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    declared = forms.MultipleChoiceField(
        label="Does it do any of these?",
        help_text="The checker looks for them, but cannot catch every way of saying them: tick "
        "what is true, and the answer counts as if it had found it.",
        choices=[(flag, labels.FLAGS[flag]) for flag in DECLARABLE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tagged = PeoplePicker(
        kind="pupil",
        label="Which pupils are shown?",
        help_text="Choose each pupil in the pictures, so their photo consent is checked. Their "
        "names are not added to the post.",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        school: School | None = None,
        searched: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = platform_choices("Not sure / not relevant")
        bind_pickers(self, school, searched)

    def images_of(self) -> list[str] | None:
        """``content.images_of`` from the answers: a tagged pupil is a pupil shown."""
        shown = list(self.cleaned_data.get("shown") or [])
        if self.cleaned_data.get("tagged") and "pupils" not in shown:
            shown.insert(0, "pupils")
        return shown or None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("text") or "").strip() and not self.files.getlist("images"):
            raise forms.ValidationError("Paste the post's text or add an image to check.")
        return data


class PostForm(forms.Form):
    """An official post's text, account and time."""

    text = forms.CharField(
        label="The post's text",
        required=False,
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    platform = forms.ChoiceField(label="Official account")
    scheduled_for = forms.DateTimeField(
        label="To go out at",
        required=False,
        widget=DateTimeInput(),
        help_text="The approval lapses if it is not published by then.",
    )
    images = MultipleImagesField(label="Add images")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = platform_choices()

    def clean_scheduled_for(self) -> dt.datetime | None:
        value = self.cleaned_data.get("scheduled_for")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label="Note to the author",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PupilSearchForm(forms.Form):
    q = forms.CharField(label="Find a pupil by name", required=False, max_length=100)


class SpokespersonForm(forms.Form):
    person = forms.ModelChoiceField(label="Who", queryset=Person.objects.none())
    platforms = forms.MultipleChoiceField(
        label="On which official accounts (none ticked: all of them)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    training = forms.CharField(label="Training required or done", required=False, max_length=200)
    training_completed_on = forms.DateField(
        label="Training completed on", required=False, widget=DateInput()
    )
    expires_on = forms.DateField(label="Approval ends on", required=False, widget=DateInput())
    restrictions = forms.CharField(
        label="Requirements and restrictions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, school: School, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        representatives = [r for r in Person.Role.values if r not in ("pupil", "parent")]
        self.fields["person"].queryset = Person.objects.for_school(school).filter(
            role__in=representatives
        )
        self.fields["platforms"].choices = platform_choices()


class TrainingForm(forms.Form):
    training_completed_on = forms.DateField(
        label="Training completed on",
        widget=DateInput(),
        error_messages={"required": "Give the date the training was completed."},
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why", max_length=300, error_messages={"required": "Say why it is revoked."}
    )


class RestrictForm(forms.Form):
    platforms = forms.MultipleChoiceField(
        label="On which official accounts (none ticked: all of them)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    restrictions = forms.CharField(
        label="Requirements and restrictions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label="Why (for the history)", required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platforms"].choices = platform_choices()


class RenewForm(forms.Form):
    expires_on = forms.DateField(
        label="Approval now ends on",
        required=False,
        widget=DateInput(),
        help_text="Blank: until revoked.",
    )
    note = forms.CharField(label="Why (for the history)", required=False, max_length=2000)


class ConsentForm(forms.Form):
    use = forms.ChoiceField(label="For", choices=ConsentUse.choices, widget=forms.RadioSelect)
    status = forms.ChoiceField(
        label="Answer", choices=ConsentStatus.choices, widget=forms.RadioSelect
    )
    given_by = forms.ModelChoiceField(
        label="Given by (parent or carer)", queryset=Person.objects.none(), required=False
    )
    given_on = forms.DateField(label="Given on", required=False, widget=DateInput())
    valid_until = forms.DateField(label="Valid until", required=False, widget=DateInput())
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, pupil: Person, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = pupil.parents()


class ConsentImportForm(forms.Form):
    file = forms.FileField(
        label="The CSV file from the MIS",
        help_text="Columns: pupil (MIS id or UPN), use, status, given_by, given_on, valid_until.",
    )
    dry_run = forms.BooleanField(
        label="Check the file only: save nothing", required=False, initial=True
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is over 5 MB: is it the right export?")
        return upload


class BrandingRequestForm(forms.Form):
    uses = forms.MultipleChoiceField(
        label="What you want to use",
        choices=BrandingUse.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label="What for",
        help_text="Where it will appear, what it is, and for how long.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    platforms = forms.MultipleChoiceField(
        label="Where (none ticked: anywhere the purpose covers)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platforms"].choices = platform_choices()


class BrandingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your answer",
        choices=[("grant", "Grant, in writing"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
    )
    written_permission = forms.CharField(
        label="The written permission (with any conditions)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    valid_from = forms.DateField(label="From", required=False, widget=DateInput())
    expires_on = forms.DateField(label="Until", required=False, widget=DateInput())
    note = forms.CharField(
        label="Why it is refused", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "grant":
            if not (data.get("written_permission") or "").strip():
                self.add_error("written_permission", "Write the permission.")
            if not data.get("expires_on"):
                self.add_error("expires_on", "Give the date it ends.")
        elif data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why, so they know what to change.")
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PostingSettings
        fields = ["logo", "approval_steps"]
        widgets = {"approval_steps": forms.NumberInput(attrs={"min": 1, "max": MAX_APPROVAL_STEPS})}

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "read") and getattr(logo, "content_type", None) is not None:
            try:
                logo.seek(0)
                validate_image(read_upload(logo, logo.name), logo.name)
                logo.seek(0)
            except UploadError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return logo
