"""Forms for reports, evidence, cases, retention, transfers, the second factor and parents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from smpolicy.platforms import default_catalogue
from smpolicy.safeguarding import evidence, intake
from smpolicy.safeguarding.models import (
    CATEGORIES,
    MAX_CATEGORIES,
    Advice,
    Outcome,
    Report,
)
from smpolicy.schools.models import Person, School
from smpolicy.schools.picker import PeoplePicker, bind_pickers
from smpolicy.schools.positions import dsl_team

ADULT_ROLES = ("staff", "volunteer", "trainee", "governor", "elected_member", "third_party")
STAFF_KINDS = [(k.value, k.label) for k in Report.Kind
               if k not in (Report.Kind.PARENT_CONCERN, Report.Kind.NETWORK_MONITORING)]
YES_NO = [("yes", "Yes"), ("no", "No")]


class Form(forms.Form):
    """Labels without Django's trailing colon: they read as questions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def platform_choices() -> list[tuple[str, str]]:
    platforms = sorted(default_catalogue(), key=lambda p: p.name.lower())
    return [("", "Not known / not relevant")] + [(p.id, p.name) for p in platforms]


class DateInput(forms.DateInput):
    """A browser date picker: its value must be ISO whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to MAX_FILES_PER_REPORT_FORM files in one field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > evidence.MAX_FILES_PER_REPORT_FORM:
            raise ValidationError(
                f"Add at most {evidence.MAX_FILES_PER_REPORT_FORM} files at a time."
            )
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def person_label(person: Person) -> str:
    if person.is_pupil:
        age = person.age()
        about = [person.year_and_class] if person.year_and_class else []
        about += [f"age {age}"] if age is not None else []
        name = f"{person.last_name}, {person.preferred_name or person.first_name}"
        return f"{name} ({'; '.join(about)})" if about else name
    return f"{person.last_name}, {person.preferred_name or person.first_name} ({person.role})"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return person_label(obj)


def _combine(day: dt.date, time: dt.time | None) -> dt.datetime:
    moment = dt.datetime.combine(day, time or dt.time(0, 0))
    return timezone.make_aware(moment, timezone.get_current_timezone())


class EvidenceFields(Form):
    """What every way of adding evidence asks: the files or a link, and where and when."""

    files = MultipleFileField(
        label="Screenshots, photos, saved e-mails or documents",
        required=False,
        help_text=f"Up to {evidence.MAX_FILES_PER_REPORT_FORM} files of at most "
        f"{evidence.MAX_FILE_BYTES // (1024 * 1024)} MB each. Do not delete the originals.",
    )
    link = forms.CharField(
        label="A link to what you saw (optional)", required=False, max_length=2000
    )
    captured_date = forms.DateField(
        label="Date the screenshot or photo was taken", required=False, widget=DateInput
    )
    captured_time = forms.TimeField(label="Time it was taken", required=False, widget=TimeInput)
    evidence_platform = forms.ChoiceField(
        label="Where it was captured: platform", required=False, choices=()
    )
    address = forms.CharField(
        label="Where it was captured: web address or account name",
        required=False,
        max_length=2000,
        help_text="For example the page's address, or the account's @name.",
    )
    evidence_description = forms.CharField(
        label="What the evidence shows (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence_platform"].choices = platform_choices()

    def clean_link(self) -> str:
        link = self.cleaned_data["link"].strip()
        if link:
            try:
                URLValidator(schemes=["http", "https"])(link)
            except ValidationError:
                raise ValidationError(
                    "Enter the full web address, starting with https:// or http://."
                ) from None
        return link

    def captured_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("captured_date")
        if day is None:
            return None
        return _combine(day, self.cleaned_data.get("captured_time"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day = data.get("captured_date")
        if day and data.get("captured_time") is None and "captured_time" not in self.errors:
            # The policy asks for the time, date and place to be recorded (keep-records).
            self.add_error(
                "captured_time", "Give the time it was taken too (your best guess if unsure)."
            )
        if day and _combine(day, data.get("captured_time")) > timezone.now() + dt.timedelta(
            minutes=5
        ):
            self.add_error("captured_date", "The date it was taken cannot be in the future.")
        return data


class EvidenceForm(EvidenceFields):
    """Adding evidence to a report later, or correcting an item."""

    correction_reason = forms.CharField(
        label="Why this corrects the earlier item",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.correcting = correcting
        if not correcting:
            del self.fields["correction_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("files") and not data.get("link") and not self.errors:
            raise ValidationError("Choose a file to add, or give a link.")
        if self.correcting and not (data.get("correction_reason") or "").strip():
            self.add_error("correction_reason", "Say why this corrects the earlier item.")
        return data


class ReportForm(EvidenceFields):
    """The report form for one kind (CPOMS's fields, and the kind's own questions)."""

    occurred_date = forms.DateField(label="Date it happened", widget=DateInput)
    occurred_time = forms.TimeField(
        label="Time it happened",
        required=False,
        widget=TimeInput,
        help_text="If you are not sure, give your best guess and say so below.",
    )
    pupils = PeoplePicker(
        kind="pupil",
        label="Pupils involved",
        required=False,
        help_text="Find each pupil on the school's roll by name, and choose as many as are "
        "involved.",
    )
    others_involved = forms.CharField(
        label="Anyone else involved who is not on the school's roll",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Their names and how they are involved, as far as you know.",
    )
    platform = forms.ChoiceField(label="Platform or app", required=False, choices=())
    channel_account = forms.ChoiceField(
        label="Which account or channel", required=False, choices=list(intake.ACCOUNTS.items())
    )
    account = forms.CharField(
        label="What happened, in the words used",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Write who said or wrote what, in their own words, and what you saw and did. "
        "Use full names, not initials. Start with “I (your name, your role)...”.",
    )
    dsl_told_in_person = forms.ChoiceField(
        label="Have you told a Designated Safeguarding Lead in person?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    dsl_told = PersonChoice(
        label="Which Designated Safeguarding Lead did you tell?",
        queryset=Person.objects.none(),
        required=False,
    )
    categories = forms.MultipleChoiceField(
        label=f"Categories (up to {MAX_CATEGORIES})",
        choices=list(CATEGORIES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    child_protection = forms.BooleanField(
        label="This is a child protection concern, or serious: the DSL must see it now",
        required=False,
    )
    early_help = forms.BooleanField(label="The family may need early help", required=False)

    # Questions for some kinds only (see KIND_FIELDS).
    contact_from = forms.ChoiceField(
        label="Who tried to make contact?",
        choices=list(intake.CONTACT_FROM.items()),
        widget=forms.RadioSelect,
    )
    contact_how = forms.ChoiceField(
        label="How?", choices=list(intake.CONTACT_HOW.items()), widget=forms.RadioSelect
    )
    reached_by = forms.ChoiceField(
        label="Who reached the content?",
        choices=list(intake.REACHED_BY.items()),
        widget=forms.RadioSelect,
    )
    bullied = PersonChoice(
        label="Who is being bullied?",
        queryset=Person.objects.none(),
        required=False,
        help_text="Leave it blank if it is you.",
    )
    bully = forms.ChoiceField(
        label="Who is it from?", choices=list(intake.BULLY.items()), required=False
    )
    subject = PersonChoice(
        label="Which member of staff or governor is it about?",
        queryset=Person.objects.none(),
        help_text="They will not be able to see this report.",
    )
    breach = forms.ChoiceField(
        label="What did they do?", choices=list(intake.BREACH.items()), widget=forms.RadioSelect
    )
    author = forms.ChoiceField(
        label="Who posted it?", choices=list(intake.AUTHOR.items()), widget=forms.RadioSelect
    )
    defamatory = forms.BooleanField(
        label="It makes an allegation against someone (it may be defamatory)", required=False
    )

    KIND_FIELDS: dict[str, tuple[str, ...]] = {
        Report.Kind.PUPIL_CONTACT: (),
        Report.Kind.COMMUNITY_CONTACT: ("contact_from", "contact_how"),
        Report.Kind.INAPPROPRIATE_CONTENT: ("reached_by",),
        Report.Kind.CYBERBULLYING: ("bullied", "bully"),
        Report.Kind.STAFF_BREACH: ("subject", "breach"),
        Report.Kind.DAMAGING_CONTENT: ("author", "defamatory"),
        Report.Kind.PROFESSIONAL_JUDGEMENT: (),
        Report.Kind.OTHER: (),
    }
    OPTIONAL: frozenset[str] = frozenset(
        {
            "contact_from",
            "contact_how",
            "reached_by",
            "bullied",
            "bully",
            "subject",
            "breach",
            "author",
            "defamatory",
        }
    )

    def __init__(
        self,
        *args: Any,
        school: School,
        reporter: Person,
        kind: str,
        searched: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.reporter = reporter
        self.kind = kind
        keep = set(self.KIND_FIELDS.get(kind, ()))
        for name in self.OPTIONAL - keep:
            del self.fields[name]
        people = Person.objects.for_school(school)
        bind_pickers(self, school, searched)
        adults = people.filter(role__in=ADULT_ROLES).exclude(pk=reporter.pk)
        if "subject" in self.fields:
            self.fields["subject"].queryset = adults
        if "bullied" in self.fields:
            self.fields["bullied"].queryset = people.filter(role__in=ADULT_ROLES)
        team_ids = [p.pk for p in dsl_team(school)]
        self.fields["dsl_told"].queryset = people.filter(pk__in=team_ids)
        self.fields["platform"].choices = platform_choices()
        if kind == Report.Kind.PUPIL_CONTACT:
            self.fields["pupils"].label = "Which pupil made contact? (and any others involved)"

    def clean_occurred_date(self) -> dt.date:
        day = self.cleaned_data["occurred_date"]
        if day > timezone.localdate():
            raise ValidationError("The date it happened cannot be in the future.")
        return day

    def clean_categories(self) -> list[str]:
        chosen = self.cleaned_data["categories"]
        if len(chosen) > MAX_CATEGORIES:
            raise ValidationError(f"Choose at most {MAX_CATEGORIES} categories.")
        return chosen

    def clean_account(self) -> str:
        text = self.cleaned_data["account"].strip()
        if len(text) < 10:
            raise ValidationError("Say what happened, in the words used.")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day = data.get("occurred_date")
        if day and _combine(day, data.get("occurred_time")) > timezone.now() + dt.timedelta(
            minutes=5
        ):
            self.add_error("occurred_time", "The time it happened cannot be in the future.")
        if self.kind == Report.Kind.PUPIL_CONTACT and not data.get("pupils"):
            self.add_error("pupils", "Choose the pupil who made contact.")
        if (
            data.get("dsl_told_in_person") == "yes"
            and not data.get("dsl_told")
            and dsl_team(self.school)
        ):
            self.add_error("dsl_told", "Say which Designated Safeguarding Lead you told.")
        return data

    def answers(self) -> intake.Answers:
        data = self.cleaned_data
        details = {
            name: data[name]
            for name in (
                "contact_from",
                "contact_how",
                "reached_by",
                "bully",
                "breach",
                "author",
                "defamatory",
            )
            if name in self.fields and data.get(name) not in (None, "")
        }
        return intake.Answers(
            kind=self.kind,
            reporter=self.reporter,
            occurred_at=_combine(data["occurred_date"], data.get("occurred_time")),
            account=data["account"],
            pupils=list(data.get("pupils") or []),
            subject=data.get("subject"),
            bullied=data.get("bullied"),
            platform=data.get("platform") or "",
            channel_account=data.get("channel_account") or "",
            on_premises=True if self.kind == Report.Kind.INAPPROPRIATE_CONTENT else None,
            others_involved=data.get("others_involved", ""),
            dsl_told_in_person=data["dsl_told_in_person"] == "yes",
            dsl_told=data.get("dsl_told"),
            categories=list(data.get("categories") or []),
            child_protection=bool(data.get("child_protection")),
            early_help=bool(data.get("early_help")),
            details={**details, "time_known": data.get("occurred_time") is not None},
        )


class KindForm(Form):
    kind = forms.ChoiceField(
        label="What are you reporting?", choices=STAFF_KINDS, widget=forms.RadioSelect
    )


# -- cases --------------------------------------------------------------------------------------


class TriageForm(Form):
    case = forms.ModelChoiceField(
        label="Add it to an open case",
        queryset=None,
        required=False,
        empty_label="No: open a new case",
    )
    title = forms.CharField(
        label="Title of the new case",
        required=False,
        max_length=200,
        help_text="Short and factual, e.g. “Snapchat contact, Year 5”.",
    )
    lead = PersonChoice(label="Who leads the case?", queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, cases: Any, leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["lead"].queryset = leads

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("case") and not (data.get("title") or "").strip():
            self.add_error("title", "Give the new case a title, or choose an open case.")
        return data


class ActionForm(Form):
    description = forms.CharField(label="What needs doing", max_length=500)
    owner = PersonChoice(label="Who will do it", queryset=Person.objects.none())
    due_on = forms.DateField(label="By when", widget=DateInput)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ActionDoneForm(Form):
    done_note = forms.CharField(
        label="What was done", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class OutcomeForm(Form):
    subject = PersonChoice(
        label="Whose outcome is it?",
        queryset=Person.objects.none(),
        required=False,
        empty_label="The case as a whole",
    )
    kind = forms.ChoiceField(
        label="Outcome", choices=Outcome.Kind.choices, widget=forms.RadioSelect
    )
    decided_by = PersonChoice(label="Who decided", queryset=Person.objects.none())
    decided_on = forms.DateField(label="When it was decided", widget=DateInput)
    reasons = forms.CharField(
        label="Why: the reasons for the decision", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, subjects: Any, deciders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects
        self.fields["decided_by"].queryset = deciders
        # Only the outcomes that fit are offered; any outcome is still read, so one that does
        # not fit its subject is refused saying why (clean), not as an unknown choice.
        self.fields["kind"].widget.choices = outcome_choices(subjects)

    def clean_decided_on(self) -> dt.date:
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise ValidationError("The decision cannot be dated in the future.")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        subject, kind = data.get("subject"), data.get("kind")
        if subject is not None and kind:
            allowed = Outcome.PUPIL_KINDS if subject.is_pupil else Outcome.STAFF_KINDS
            if kind not in allowed:
                label = dict(Outcome.Kind.choices)[kind]
                who = "a pupil" if subject.is_pupil else "an adult"
                self.add_error("kind", f"“{label}” is not an outcome for {who}.")
        return data


def outcome_choices(subjects: Any) -> list[tuple[str, Any]]:
    """The outcomes that fit the people of the case, grouped: those for anyone, those for a
    pupil (only if a pupil is involved) and those for an adult (only if an adult is)."""
    labels = dict(Outcome.Kind.choices)
    people = list(subjects)
    pupils = any(p.is_pupil for p in people)
    adults = any(not p.is_pupil for p in people)
    both = Outcome.PUPIL_KINDS & Outcome.STAFF_KINDS
    groups: list[tuple[str, Any]] = [
        ("For anyone, or the case as a whole",
         [(k, labels[k]) for k in labels if k in both]),
    ]
    if pupils:
        groups.append(("For a pupil", [(k, labels[k]) for k in labels
                                       if k in Outcome.PUPIL_KINDS - both]))
    if adults:
        groups.append(("For an adult (staff, volunteer, governor)",
                       [(k, labels[k]) for k in labels if k in Outcome.STAFF_KINDS - both]))
    return groups


class AdviceForm(Form):
    source = forms.ChoiceField(
        label="Who gave the advice", choices=Advice.Source.choices, widget=forms.RadioSelect
    )
    adviser = forms.CharField(label="Their name and role", max_length=200)
    advised_on = forms.DateField(label="Date of the advice", widget=DateInput)
    advice = forms.CharField(label="What was advised", widget=forms.Textarea(attrs={"rows": 4}))

    def clean_advised_on(self) -> dt.date:
        day = self.cleaned_data["advised_on"]
        if day > timezone.localdate():
            raise ValidationError("The date of the advice cannot be in the future.")
        return day


class PoliceReferralForm(Form):
    person_bullied = PersonChoice(label="The person bullied", queryset=Person.objects.none())
    their_choice = forms.BooleanField(
        label="They have decided themselves to report this to the police",
        help_text="The policy leaves this choice to the person being bullied: record a referral "
        "only when it is theirs.",
    )
    chosen_on = forms.DateField(label="When they decided", widget=DateInput)
    referred_on = forms.DateField(
        label="When it was reported to the police", required=False, widget=DateInput
    )
    police_reference = forms.CharField(label="Police reference", required=False, max_length=100)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, bullied: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_bullied"].queryset = bullied


class CloseCaseForm(Form):
    closing_summary = forms.CharField(
        label="Summary: how it was resolved", widget=forms.Textarea(attrs={"rows": 3})
    )


# -- retention and transfers ---------------------------------------------------------------


class DestroyForm(Form):
    confirm_reference = forms.CharField(label="Type the report's reference to confirm")
    reason = forms.CharField(
        label="Why it can be destroyed now", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, reference: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reference = reference

    def clean_confirm_reference(self) -> str:
        value = self.cleaned_data["confirm_reference"].strip().upper()
        if value != self.reference.upper():
            raise ValidationError(f"Type {self.reference} exactly to confirm.")
        return value


class RetentionForm(Form):
    """Keep a record longer: a legal hold placed or lifted, or a later date (with why)."""

    ACTIONS = ("hold", "release", "extend")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    until = forms.DateField(
        label="Keep it until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Later than the date it is kept until now.",
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. the inquiry's or the insurer's request and its reference. It is kept "
        "with the record.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "extend" and not data.get("until"):
            self.add_error("until", "Give the date to keep it until.")
        return data


class TransferForm(Form):
    to_school = forms.CharField(label="The pupil's new school", max_length=200)
    to_contact = forms.CharField(label="Sent to (the new school's DSL)", max_length=200)
    method = forms.CharField(
        label="How it is sent",
        max_length=200,
        help_text="A secure route, separately from the main pupil file: e.g. CPOMS transfer, "
        "secure e-mail, or by hand with a signed receipt.",
    )
    sent_on = forms.DateField(label="Date sent", widget=DateInput)


class ReceiptForm(Form):
    received_on = forms.DateField(label="Date the new school confirmed receipt", widget=DateInput)
    received_by = forms.CharField(label="Who confirmed it", max_length=200)


# -- second factor ---------------------------------------------------------------------------


class CodeForm(Form):
    code = forms.CharField(
        label="The 6-digit code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


# -- parents ---------------------------------------------------------------------------------


class ParentEmailForm(Form):
    email = forms.EmailField(
        label="Your e-mail address",
        help_text="We will send you a link to write your concern. It works for 24 hours.",
    )


class ParentConcernForm(Form):
    name = forms.CharField(label="Your name", max_length=200)
    child = forms.CharField(
        label="Your child's name and class (if it is about them)", max_length=200, required=False
    )
    concern = forms.CharField(
        label="Your concern",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What happened, and what you would like the school to do. Only the headteacher "
        "receives it.",
    )

    def clean_concern(self) -> str:
        text = self.cleaned_data["concern"].strip()
        if len(text) < 10:
            raise ValidationError("Tell us your concern.")
        return text
