"""The Ask the policy page: plain questions in, the verdict, its clauses and what to do next out."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smpolicy.asking import labels, records, words
from smpolicy.asking.engines import engine_for
from smpolicy.asking.forms import AskForm, WordsForm, field_for, initial_from
from smpolicy.asking.models import DecisionRecord, kept_days
from smpolicy.asking.present import present
from smpolicy.policy import SituationError
from smpolicy.schools.access import requires


@requires("ask_policy")
def ask(request: HttpRequest) -> HttpResponse:
    person = request.person  # type: ignore[attr-defined]
    school = request.school  # type: ignore[attr-defined]
    engine = engine_for(school)
    result: dict[str, Any] | None = None
    pick_from = _pickable(school, person)
    searched = request.GET if request.method == "GET" else None
    reading: dict[str, Any] | None = None
    words_form = WordsForm()
    asker_role = person.role if person is not None else "staff"
    if request.method == "POST" and "read_words" in request.POST:
        # POSTed, not a query string: what a person writes here stays out of addresses and logs.
        words_form = WordsForm(request.POST)
        initial: dict[str, Any] = {"role": asker_role}
        if words_form.is_valid():
            read = words.read_question(words_form.cleaned_data["words"], asker_role)
            initial.update(initial_from({p: a.value for p, a in read.answers.items()}))
            reading = _reading_view(read, AskForm(school=pick_from))
        form = AskForm(initial=initial, school=pick_from)
        status = 200 if words_form.is_valid() else 422
        context = {"form": form, "result": None, "words_form": words_form, "reading": reading,
                   "questions_kept_days": kept_days()}
        return render(request, "asking/ask.html", context, status=status)
    if request.method == "POST":
        form = AskForm(request.POST, school=pick_from)
        if form.is_valid():
            situation = form.situation()
            try:
                filled = records.complete(situation, person, form.picked())
                decision = engine.decide(situation)
            except records.RecordsConflict as exc:
                form.add_error("person", str(exc))
            except SituationError as exc:  # the form only offers the vocabulary; belt and braces
                form.add_error(None, str(exc))
            else:
                DecisionRecord.keep(
                    school=school,
                    user=request.user,
                    person=person,
                    source="page",
                    situation=situation,
                    decision=decision,
                )
                result = present(decision, engine.pack.clauses, situation, form.picked())
                result["filled"] = filled
    else:
        initial = {"role": person.role if person is not None else "staff"}
        form = AskForm(initial=initial, school=pick_from, searched=searched)
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    context = {"form": form, "result": result, "words_form": words_form, "reading": reading,
               "questions_kept_days": kept_days()}
    return render(request, "asking/ask.html", context, status=status)


def _reading_view(read: words.Reading, form: AskForm) -> dict[str, Any]:
    """What the sentence answered, in the form's words, and what it left for the person."""
    answered = []
    for path, answer in read.answers.items():
        name = field_for(path)
        if name is None or path == "actor.role":  # who is asking is the asker's own answer
            continue
        field = form.fields[name]
        value = answer.value
        if isinstance(value, bool) and name == "flags":
            shown = labels.FLAGS.get(path.removeprefix("content."), path)
        elif isinstance(value, bool):
            shown = "Yes" if value else "No"
        elif isinstance(value, list):
            shown = ", ".join(str(dict(field.choices).get(x, x)) for x in value)
        else:
            shown = str(dict(getattr(field, "choices", ())).get(value, value))
        answered.append({"question": field.label, "answer": shown, "words": answer.words})
    ages = read.hints.get("age_range") or read.hints.get("actor_age_range")
    left = [
        form.fields[name].label
        for name in ("action", "counterpart", "account", "platform")
        if name not in {field_for(p) for p in read.answers}
    ]
    return {
        "answered": answered,
        "age_hint": f"{ages[0]} or {ages[1]} years old" if ages else "",
        "left": left,
    }


def _pickable(school: Any, person: Any) -> Any | None:
    """The school whose pupils and parents the asker may pick: only those who work for it."""
    if school is None or person is None or not person.is_school_representative:
        return None
    return school
