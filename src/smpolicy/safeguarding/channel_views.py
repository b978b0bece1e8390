"""Where alerts go besides e-mail: the school's Microsoft Teams channel (a Workflows webhook),
set, tried and cleared by the DSL or the headteacher. The address lets anyone who holds it post
to the channel, so the page never shows it again once saved (only its host), it is sealed at
rest, and each change is written to the audit log (that it changed, never the address)."""

from __future__ import annotations

import urllib.parse

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from smpolicy.safeguarding import access, audit, delivery
from smpolicy.safeguarding.models import AlertChannel
from smpolicy.schools.access import SchoolRequest, forbidden


class TeamsForm(forms.Form):
    url = forms.CharField(
        label="The channel's webhook address",
        max_length=2000,
        help_text="In Teams: the channel's ··· menu → Workflows → \"Post to a channel when a "
        "webhook request is received\", then copy the address it gives (https://...).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "inputmode": "url"}),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if problem := delivery.webhook_problem(url):
            raise forms.ValidationError(f"That address is wrong: {problem}.")
        return url


def _may_change(request: SchoolRequest) -> bool:
    return access.is_dsl_team(request.user) or access.is_headteacher(request.person)


@access.case_handler_view
def teams_channel(request: SchoolRequest) -> HttpResponse:
    if not _may_change(request):
        return forbidden(request, "The alert channel is set by the DSL team or the headteacher.")
    school = request.school
    assert school is not None
    channel, _ = AlertChannel.objects.get_or_create(school=school)
    form = TeamsForm()
    status = 200
    if request.method == "POST":
        what = request.POST.get("do", "save")
        if what == "clear":
            channel.teams_webhook_url = ""
            channel.save()
            audit.record("change", channel, school=school, request=request,
                         note="Teams alert channel cleared")
            messages.success(request, "Alerts are no longer posted to Teams.")
            return HttpResponseRedirect(reverse("safeguarding:teams_channel"))
        if what == "test" and channel.teams_webhook_url:
            try:
                answered = delivery.post_json(channel.teams_webhook_url,
                                              delivery.trial_message(school.name))
            except Exception as exc:  # whatever the network or Teams answers, said in words
                messages.error(request, "The test message did not arrive: "
                               f"{delivery.describe_problem(exc)}. Check the address in Teams.")
            else:
                messages.success(request, f"Teams accepted the test message (HTTP {answered}): "
                                 "look for it in the channel.")
            audit.record("change", channel, school=school, request=request,
                         note="Teams alert channel tried with a test message")
            return HttpResponseRedirect(reverse("safeguarding:teams_channel"))
        form = TeamsForm(request.POST)
        if form.is_valid():
            channel.teams_webhook_url = form.cleaned_data["url"]
            channel.save()
            audit.record("change", channel, school=school, request=request,
                         note="Teams alert channel set")
            messages.success(request, "Saved: alerts are also posted to Teams. Send a test "
                             "message to check it.")
            return HttpResponseRedirect(reverse("safeguarding:teams_channel"))
        status = 422
    url = channel.teams_webhook_url
    return render(request, "safeguarding/teams_channel.html", {
        "form": form, "is_set": bool(url), "host": urllib.parse.urlsplit(url).hostname or "",
        "can_handle": True,
    }, status=status)
