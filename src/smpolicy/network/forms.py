"""Forms of the network monitoring pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from smpolicy.monitoring import BLOCKLIST_FORMATS, FORMATS
from smpolicy.network.models import NETWORK_LABELS, FilteringReview, Finding, NetworkSettings

MAX_LOG_BYTES = 512 * 1024 * 1024
MAX_PEOPLE_BYTES = 5 * 1024 * 1024
FORMAT_LABELS = {
    "auto": "Tell from the file",
    "squid": "Squid access.log (native)",
    "dnsmasq": "dnsmasq query log",
    "pihole": "Pi-hole (pihole.log or FTL query export)",
    "zeek": "Zeek dns.log or ssl.log (TSV or JSON)",
    "csv": "CSV with a header",
}


class UploadForm(forms.Form):
    log = forms.FileField(
        label="Log file",
        help_text="A web proxy, filter or DNS log; gzip files are read as they are. The log "
        "itself is not kept: only what it shows against the policy.",
    )
    format = forms.ChoiceField(
        label="Format", choices=[(k, FORMAT_LABELS[k]) for k in ("auto", *FORMATS)],
        initial="auto",
    )
    people = forms.FileField(
        label="People CSV (optional)",
        required=False,
        help_text="Columns login and/or address, role, and optionally age and name: who is "
        "behind addresses the school's records do not know.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_log(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["log"]
        if upload.size and upload.size > MAX_LOG_BYTES:
            raise ValidationError("The file is larger than 512 MB: scan it with smpolicy "
                                  "scan-logs --into-db on the server instead.")
        return upload

    def clean_people(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("people")
        if upload and upload.size and upload.size > MAX_PEOPLE_BYTES:
            raise ValidationError("The people CSV is larger than 5 MB; is it the right file?")
        return upload


class FindingFilterForm(forms.Form):
    date_from = forms.DateField(label="From", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    network = forms.ChoiceField(label="Network", required=False)
    clause = forms.ChoiceField(label="Clause", required=False)
    person = forms.CharField(label="Person, login or address", required=False, max_length=150)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *Finding.Status.choices]
    )

    def __init__(self, *args: Any, clauses: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [("", "Any"), *NETWORK_LABELS.items()]
        self.fields["clause"].choices = [("", "Any"), *((c, c) for c in clauses)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError("The 'to' date is before the 'from' date.")
        return data


class FindingStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Finding.Status.choices,
                               widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason or note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for a false positive: say why, so the next review can learn from it.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        false_positive = data.get("status") == Finding.Status.FALSE_POSITIVE
        if false_positive and not data.get("reason", "").strip():
            self.add_error("reason", "Say why this is a false positive.")
        return data


class BlocklistForm(forms.Form):
    format = forms.ChoiceField(label="For", choices=list(BLOCKLIST_FORMATS.items()))
    categories = forms.BooleanField(
        label="Add the categories chosen as inappropriate", required=False, initial=True
    )
    widgets = forms.BooleanField(
        label="Also block widget domains (Like buttons, embedded posts on other sites)",
        required=False,
    )
    guest_only = forms.BooleanField(
        label="AdGuard Home: limit the rules to the guest WiFi's addresses", required=False,
        initial=True,
    )


class ReviewForm(forms.ModelForm):
    """A review, new or corrected. Dates are ISO in the widget: a date input shows nothing of a
    value in any other format, so the defaults (today, a year on) would not show. One review a
    day: a second of the same day is a double submission or a correction, said so."""

    class Meta:
        model = FilteringReview
        fields = ["reviewed_on", "reviewers", "governor", "checked", "outcome", "next_review_due"]
        widgets = {
            "reviewed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "next_review_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "checked": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, due = data.get("reviewed_on"), data.get("next_review_due")
        if day and due and due <= day:
            self.add_error("next_review_due", "The next review is due after this one.")
        if day:
            same_day = FilteringReview.objects.for_school(self.instance.school_id).filter(
                reviewed_on=day).exclude(pk=self.instance.pk)
            if same_day.exists():
                self.add_error("reviewed_on", (
                    f"A review of {day.day} {day:%B %Y} is already recorded. To change it, "
                    "choose Correct beside it in the list above."))
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NetworkSettings
        fields = ["networks_yaml", "inappropriate", "lists_dir", "window_minutes",
                  "retention_days", "report_staff"]
        widgets = {"networks_yaml": forms.Textarea(attrs={"rows": 10, "spellcheck": "false"})}
