"""Forms of the registers. Every choice of a person is limited to the school's own people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from smpolicy.platforms import default_catalogue
from smpolicy.policy import PackError
from smpolicy.registers.models import (
    COVERED_ROLES,
    FAMILY_ROLES,
    JudgementAdvisory,
    RegisterSettings,
    Responsibility,
    SarRecordDecision,
    SocialContactReview,
)
from smpolicy.schools.models import Person, School

# The platforms the policy names, and those staff most often share with families; the rest of
# the catalogue is one "other" box away.
COMMON_PLATFORMS = (
    "facebook",
    "instagram",
    "whatsapp",
    "messenger",
    "snapchat",
    "tiktok",
    "x",
    "youtube",
    "linkedin",
    "telegram",
    "netmums",
)
MAX_YAML_BYTES = 1_000_000


def platform_choices() -> list[tuple[str, str]]:
    catalogue = default_catalogue()
    return [(pid, found.name) for pid in COMMON_PLATFORMS if (found := catalogue.get(pid))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_future(day: dt.date | None, what: str) -> dt.date | None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(f"{what} cannot be in the future.")
    return day


class FamilyField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return describe_family_member(obj)


def describe_family_member(person: Person) -> str:
    if person.role == "pupil":
        parents = ", ".join(p.full_name for p in person.parents())
        status = "former pupil" if person.roll_status() == "former" else "pupil"
        where = f", {person.year_and_class}" if person.year_and_class and status == "pupil" else ""
        return f"{person.full_name} ({status}{where}{'; parents: ' + parents if parents else ''})"
    children = ", ".join(c.full_name for c in person.children())
    return f"{person.full_name} (parent or carer{' of ' + children if children else ''})"


class FamilySearchForm(forms.Form):
    q = forms.CharField(
        label="Find the family: a pupil's or parent's name",
        max_length=100,
        required=False,
        help_text="Type a first or last name, e.g. Smith.",
    )


def family_matches(school: School, text: str, limit: int = 30) -> list[Person]:
    words = [w for w in text.replace(",", " ").split() if len(w) >= 2]
    if not words:
        return []
    found = Person.objects.for_school(school).filter(role__in=FAMILY_ROLES)
    query = Q()
    for word in words:
        query |= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return list(found.filter(query).order_by("last_name", "role", "first_name")[:limit])


class DeclarationForm(forms.Form):
    family = FamilyField(
        label="Who: the pupils and parents or carers you know",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Find the family above and tick who you know."},
    )
    how_known = forms.CharField(
        label="How you know them",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="e.g. our children play football together; she is my cousin.",
    )
    platforms = forms.MultipleChoiceField(
        label="Where you are in touch online",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_platforms = forms.CharField(
        label="Other platforms or ways (optional)", max_length=300, required=False
    )

    def __init__(self, *args: Any, school: School, shown: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in shown]
        self.fields["family"].queryset = Person.objects.for_school(school).filter(
            role__in=FAMILY_ROLES, pk__in=ids
        )
        self.fields["platforms"].choices = platform_choices()


class AcknowledgeDeclarationForm(forms.Form):
    note = forms.CharField(
        label="Your note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="e.g. Discussed; keep school matters out of conversations with the family.",
    )


class ContactReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Does it still stand?",
        choices=SocialContactReview.Outcome.choices,
        widget=forms.RadioSelect,
    )
    how_known = forms.CharField(
        label="How you know them", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    platforms = forms.MultipleChoiceField(
        label="Where you are in touch online",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_platforms = forms.CharField(
        label="Other platforms or ways (optional)", max_length=300, required=False
    )
    note = forms.CharField(
        label="Anything to add (required when it has ended)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platforms"].choices = platform_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == SocialContactReview.Outcome.ENDED and not (
            data.get("note") or ""
        ).strip():
            self.add_error("note", "Say briefly why it has ended.")
        return data


class ProfileReviewForm(forms.Form):
    notes = forms.CharField(
        label="Anything you changed or want to mention (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args: Any, checklist: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = checklist
        for item in checklist:
            self.fields[f"item_{item['key']}"] = forms.BooleanField(
                label=item["prompt"],
                required=True,
                error_messages={"required": "Tick this once you have done it."},
            )

    def item_fields(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [(item, self[f"item_{item['key']}"]) for item in self.items]

    def answers(self) -> dict[str, bool]:
        return {item["key"]: bool(self.cleaned_data.get(f"item_{item['key']}"))
                for item in self.items}


class AskProfileReviewForm(forms.Form):
    person = forms.ModelChoiceField(label="Who", queryset=Person.objects.none())
    due_on = forms.DateField(label="Due by", widget=DateInput())

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.for_school(school).filter(
            role__in=COVERED_ROLES
        )
        self.fields["due_on"].initial = timezone.localdate() + dt.timedelta(days=14)

    def clean_due_on(self) -> dt.date:
        day = self.cleaned_data["due_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("The due date has passed.")
        return day


class AcknowledgePolicyForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read this version of the social media policy and I understand what it "
        "asks of me.",
        error_messages={"required": "Tick the box to say you have read it."},
    )


class NewVersionForm(forms.Form):
    changes = forms.CharField(
        label="What changed",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="For the governing body and for everyone asked to read it again.",
    )
    label = forms.CharField(
        label="Version (optional)",
        max_length=50,
        required=False,
        help_text="Blank: the pack's own version.",
    )
    pack_file = forms.FileField(
        label="The policy pack (YAML), if it changed (optional)",
        required=False,
        help_text="Blank: the pack the school's decisions use now.",
    )

    def clean_pack_file(self) -> str | None:
        upload = self.cleaned_data.get("pack_file")
        if not upload:
            return None
        if upload.size > MAX_YAML_BYTES:
            raise forms.ValidationError("The file is too large for a policy pack.")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        from smpolicy.registers.versions import read_pack_text

        try:
            read_pack_text(text, upload.name)
        except PackError as error:
            raise forms.ValidationError(str(error)) from None
        return text


class SignForm(forms.Form):
    signed_on = forms.DateField(label="Date signed", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()

    def clean_signed_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data["signed_on"], "The date signed")


class MeetingForm(forms.Form):
    meeting_on = forms.DateField(
        label="Agreed at the Full Governing Body meeting on", widget=DateInput()
    )

    def clean_meeting_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data["meeting_on"], "The meeting's date")


class InForceForm(forms.Form):
    in_force_from = forms.DateField(label="In force from", widget=DateInput())
    review_due_on = forms.DateField(
        label="Review by", widget=DateInput(), help_text="Usually a year on."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from smpolicy.registers.versions import add_months

        today = timezone.localdate()
        self.fields["in_force_from"].initial = today
        self.fields["review_due_on"].initial = add_months(today, 12)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, review = data.get("in_force_from"), data.get("review_due_on")
        if start and review and review <= start:
            self.add_error("review_due_on", "The review date must come after it is in force.")
        return data


class ReviewDateForm(forms.Form):
    review_due_on = forms.DateField(label="Review by", widget=DateInput())


class ResponsibilityForm(forms.ModelForm):
    class Meta:
        model = Responsibility
        fields = ["kind", "person", "starts_on", "note"]
        widgets = {"starts_on": DateInput(), "kind": forms.RadioSelect}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.fields["person"].queryset = Person.objects.for_school(school).filter(
            role__in=("staff", "governor")
        )


class AdvisoryForm(forms.ModelForm):
    class Meta:
        model = JudgementAdvisory
        fields = ["when", "occurred_on", "situation", "justification"]
        widgets = {
            "when": forms.RadioSelect,
            "occurred_on": DateInput(),
            "situation": forms.Textarea(attrs={"rows": 4}),
            "justification": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "when": "Has it been done, or is it proposed?",
            "occurred_on": "When (taken or planned)",
        }


class AdvisoryResponseForm(forms.ModelForm):
    close = forms.BooleanField(label="Nothing more to do: close it", required=False)

    class Meta:
        model = JudgementAdvisory
        fields = ["response", "la_advice", "la_adviser", "la_advised_on", "la_advice_text"]
        widgets = {
            "response": forms.Textarea(attrs={"rows": 3}),
            "la_advice": forms.RadioSelect,
            "la_advised_on": DateInput(),
            "la_advice_text": forms.Textarea(attrs={"rows": 3}),
        }


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RegisterSettings
        fields = [
            "profile_review_days",
            "task_reminder_days",
            "policy_review_reminder_days",
            "acknowledgement_reminder_days",
            "escalate_after_days",
            "declaration_review_days",
            "email_reminders",
        ]


class AccessRequestForm(forms.Form):
    person = forms.ModelChoiceField(label="Whose data", queryset=Person.objects.none())
    received_on = forms.DateField(label="Request received on", widget=DateInput())

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.for_school(school)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_received_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data["received_on"], "The date received")


class HeldBackDecisionForm(forms.Form):
    item = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("release", "Release it"), ("withhold", "Withhold it")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Reason (required to withhold)", max_length=1000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "withhold" and not (data.get("note") or "").strip():
            self.add_error("note", "Say which exemption applies, e.g. third-party data.")
        return data


class RecordDecisionForm(forms.Form):
    """The DSL team's decision on one safeguarding record in a subject access bundle."""

    report = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label="What the bundle holds of it",
        choices=SarRecordDecision.Decision.choices,
        widget=forms.RadioSelect,
    )
    exemption = forms.ChoiceField(
        label="The exemption relied on (to redact or withhold)",
        choices=[("", "Choose the exemption"), *SarRecordDecision.Exemption.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Why (kept with the decision, not sent to the subject)", max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "Say why."},
    )
    released_text = forms.CharField(
        label="The account as it will be released (to redact)", max_length=20000,
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Its words with other people's details, and anything the exemption covers, "
        "taken out.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        decision = data.get("decision")
        if decision in ("redacted", "withhold") and not data.get("exemption"):
            self.add_error("exemption", "Choose the exemption that applies, e.g. serious harm.")
        if decision == "redacted" and not (data.get("released_text") or "").strip():
            self.add_error("released_text", "Give the account as it will be released.")
        return data
