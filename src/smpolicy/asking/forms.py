"""The Ask the policy form: a few plain questions, read into a situation for the engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from smpolicy.asking import labels
from smpolicy.platforms import default_catalogue
from smpolicy.policy import vocabulary as v
from smpolicy.schools.models import Person, School
from smpolicy.schools.picker import PersonPicker, bind_pickers

UNSURE = ""
TRI_STATE = [("yes", "Yes"), ("no", "No"), (UNSURE, "Not sure")]


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


def _platform_choices() -> list[tuple[str, str]]:
    platforms = sorted(default_catalogue(), key=lambda p: p.name.lower())
    return [(UNSURE, "Not sure / not relevant")] + [(p.id, p.name) for p in platforms]


class AskForm(forms.Form):
    role = forms.ChoiceField(
        label="Who are you?",
        choices=[(r, labels.ROLE[r]) for r in v.ROLES],
        widget=forms.RadioSelect,
    )
    actor_age = forms.IntegerField(
        label="If you are asking about a pupil: the pupil's age", min_value=0, max_value=130,
        required=False,
    )
    new_starter = forms.ChoiceField(
        label="Did you join the school recently?",
        choices=TRI_STATE,
        required=False,
        widget=forms.RadioSelect,
    )
    action = forms.ChoiceField(
        label="What do you want to do, or what has happened?",
        choices=_choices(labels.ACTION),
        widget=forms.RadioSelect,
    )
    counterpart = forms.ChoiceField(
        label="Who else is involved?",
        choices=_choices(labels.COUNTERPART),
        required=False,
        widget=forms.RadioSelect,
    )
    counterpart_age = forms.IntegerField(
        label="Their age, if you know it", min_value=0, max_value=130, required=False
    )
    on_roll = forms.ChoiceField(
        label="If a pupil: are they at the school?",
        choices=_choices(labels.ON_ROLL),
        required=False,
        widget=forms.RadioSelect,
    )
    account = forms.ChoiceField(
        label="Which account or channel?",
        choices=_choices(labels.ACCOUNT),
        required=False,
        widget=forms.RadioSelect,
    )
    platform = forms.ChoiceField(label="Which platform?", choices=(), required=False)
    network = forms.ChoiceField(
        label="Which network?", choices=_choices(labels.NETWORK), required=False
    )
    device = forms.ChoiceField(
        label="Which device?", choices=_choices(labels.DEVICE), required=False
    )
    on_premises = forms.ChoiceField(
        label="Is this on the school's premises?",
        choices=TRI_STATE,
        required=False,
        widget=forms.RadioSelect,
    )
    about = forms.MultipleChoiceField(
        label="Is it about any of these?",
        choices=_choices(labels.ABOUT),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    images_of = forms.MultipleChoiceField(
        label="Does it have pictures of any of these?",
        choices=_choices(labels.IMAGES_OF),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.MultipleChoiceField(
        label="Tick anything that is true of it",
        choices=_choices(labels.FLAGS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    speak_for_school = forms.ChoiceField(
        label=labels.PERMISSIONS["speak_for_school"],
        choices=TRI_STATE,
        required=False,
        widget=forms.RadioSelect,
    )
    training_complete = forms.ChoiceField(
        label=labels.PERMISSIONS["training_complete"],
        choices=TRI_STATE,
        required=False,
        widget=forms.RadioSelect,
    )
    branding_written_permission = forms.ChoiceField(
        label=labels.PERMISSIONS["branding_written_permission"],
        choices=TRI_STATE,
        required=False,
        widget=forms.RadioSelect,
    )
    social_contact_declared = forms.ChoiceField(
        label=labels.PERMISSIONS["social_contact_declared"],
        choices=TRI_STATE,
        required=False,
        widget=forms.RadioSelect,
    )

    person = PersonPicker(
        kind="pupil_or_parent",
        label="If it is about a pupil or a parent here: who? (optional)",
        help_text="The school's records then answer what they know: their age, whether they "
        "are on roll, and whether you have declared a social contact with the family.",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        school: School | None = None,
        searched: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """``school``: whose pupils and parents the asker may name; None for an asker who does
        not work for a school, who is not offered the picker at all."""
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = _platform_choices()
        if school is None:
            del self.fields["person"]
            return
        bind_pickers(self, school, searched)

    def picked(self) -> Person | None:
        """The pupil or parent picked, if any (one of the school's: the picker accepts no other)."""
        return self.cleaned_data.get("person") if "person" in self.fields else None

    def situation(self) -> dict[str, Any]:
        """The contract's situation from the answers; 'Not sure' leaves a field out."""
        data = self.cleaned_data
        situation: dict[str, Any] = {
            "actor": {"role": data["role"]},
            "action": data["action"],
        }
        if data.get("actor_age") is not None:
            situation["actor"]["age"] = data["actor_age"]
        _tri(situation["actor"], "new_starter", data.get("new_starter"))
        if data.get("counterpart"):
            counterpart: dict[str, Any] = {"role": data["counterpart"]}
            if data.get("counterpart_age") is not None:
                counterpart["age"] = data["counterpart_age"]
            if data.get("on_roll") and data["counterpart"] == "pupil":
                counterpart["on_roll"] = data["on_roll"]
            situation["counterpart"] = counterpart
        channel = {
            k: data[f] for k, f in (("account", "account"), ("platform", "platform")) if data.get(f)
        }
        if channel:
            situation["channel"] = channel
        for name in ("network", "device"):
            if data.get(name):
                situation[name] = data[name]
        _tri(situation, "on_premises", data.get("on_premises"))
        # What the content holds is a checklist: what is not ticked is not there.
        content: dict[str, Any] = {
            "about": list(data.get("about") or []),
            "images_of": list(data.get("images_of") or []),
        }
        ticked = set(data.get("flags") or [])
        content.update({flag: flag in ticked for flag in v.CONTENT_FLAGS})
        situation["content"] = content
        permissions: dict[str, Any] = {}
        for name in v.PERMISSIONS:
            _tri(permissions, name, data.get(name))
        if permissions:
            situation["permissions"] = permissions
        return situation


class WordsForm(forms.Form):
    words = forms.CharField(
        label="Ask in your own words",
        help_text="For example: “a Year 5 girl sent me a friend request on Instagram”. The "
        "questions below are filled in from it, for you to check before you ask.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# Where each of the contract's paths is answered on the form.
_FORM_FIELD = {
    "actor.role": "role",
    "actor.age": "actor_age",
    "action": "action",
    "counterpart.role": "counterpart",
    "counterpart.age": "counterpart_age",
    "counterpart.on_roll": "on_roll",
    "channel.account": "account",
    "channel.platform": "platform",
    "network": "network",
    "device": "device",
    "on_premises": "on_premises",
    "content.about": "about",
    "content.images_of": "images_of",
}


def initial_from(situation_answers: dict[str, Any]) -> dict[str, Any]:
    """The form's initial answers from contract paths and values (smpolicy.asking.words)."""
    initial: dict[str, Any] = {}
    flags: list[str] = []
    for path, value in situation_answers.items():
        if path.startswith("content.") and path.removeprefix("content.") in v.CONTENT_FLAGS:
            if value is True:
                flags.append(path.removeprefix("content."))
            continue
        name = _FORM_FIELD.get(path)
        if name is None:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        initial[name] = value
    if flags:
        initial["flags"] = flags
    return initial


def field_for(path: str) -> str | None:
    if path.startswith("content.") and path.removeprefix("content.") in v.CONTENT_FLAGS:
        return "flags"
    return _FORM_FIELD.get(path)


def _tri(target: dict[str, Any], key: str, answer: str | None) -> None:
    if answer == "yes":
        target[key] = True
    elif answer == "no":
        target[key] = False
