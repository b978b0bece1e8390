"""Forms for Posts and access: asking for a change, deciding it, and a recovery code."""

from __future__ import annotations

from typing import Any

from django import forms

from smpolicy.safeguarding.access_changes import POST_NAMES, What
from smpolicy.schools.models import Person, School


class ChangeRequestForm(forms.Form):
    what = forms.ChoiceField(
        label="What should change", choices=What.choices, widget=forms.RadioSelect
    )
    person = forms.ModelChoiceField(
        label="Who", queryset=Person.objects.none(), empty_label="Choose a person"
    )
    post = forms.ChoiceField(
        label="Which post",
        required=False,
        help_text="For giving or ending a post.",
        choices=[("", "Choose a post"), *POST_NAMES.items()],
    )
    starts_on = forms.DateField(
        label="From",
        required=False,
        help_text="For a new post; blank means from today.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the request and read by whoever confirms it.",
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.for_school(school)
            .filter(role__in=["staff", "governor"])
            .order_by("last_name", "first_name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("what") in (What.GRANT_POST, What.END_POST) and not data.get("post"):
            self.add_error("post", "Choose the post to give or end.")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", "Confirm"), ("refuse", "Refuse"), ("withdraw", "Withdraw")]
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="One of your recovery codes",
        max_length=40,
        help_text="16 letters and digits, as printed; dashes and spaces do not matter.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
