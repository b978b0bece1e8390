"""Photo consent comes in from the school's MIS as a CSV: pupils found by the MIS id or UPN the
roster import recorded, all or nothing, every error named by row and column, and importing the
same file twice changes nothing. The headteacher, the DSL team and the site's administrators
import it, on the consent page or with `smpolicy import-consent`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from smpolicy.posting.consent_import import import_consent
from smpolicy.posting.models import PhotoConsent
from smpolicy.posting.registers import consent_state
from smpolicy.schools import testing
from smpolicy.schools.models import today

GIVEN = (today() - dt.timedelta(days=20)).isoformat()
UNTIL = (today() + dt.timedelta(days=200)).isoformat()


@pytest.fixture
def oliver(school, parent_of):
    pupil = testing.make_person(school, "pupil", "Oliver", "Smith", external_id="A100")
    parent_of(pupil, "Pat")
    return pupil


@pytest.fixture
def amira(school, parent_of):
    pupil = testing.make_person(school, "pupil", "Amira", "Khan", external_id="A200")
    mother = parent_of(pupil, "Nadia")
    mother.external_id = "C200"
    mother.save(update_fields=["external_id"])
    return pupil


def csv(*rows, header="pupil,use,status,given_by,given_on,valid_until"):
    return "\n".join([header, *rows]) + "\n"


GOOD = csv(
    f"A100,social_media,granted,Pat Smith,{GIVEN},{UNTIL}",
    f"A100,Website,Not granted,Pat Smith,{GIVEN},",
    f"A200,social media,Granted,C200,{GIVEN},{UNTIL}",
    "A200,website,requested,,,",
)


def test_the_mis_export_is_recorded(school, oliver, amira):
    report = import_consent(school, GOOD)
    assert report.ok and report.recorded == 4
    assert consent_state(oliver, "social_media").valid
    assert consent_state(oliver, "website").entry.status == "not_granted"
    assert consent_state(amira, "social_media").entry.given_by.first_name == "Nadia"
    assert consent_state(amira, "website").label == "Requested"
    assert set(PhotoConsent.objects.values_list("note", flat=True)) == {"Imported from the MIS"}


def test_importing_the_same_file_twice_changes_nothing(school, oliver, amira):
    import_consent(school, GOOD)
    again = import_consent(school, GOOD)
    assert (again.recorded, again.unchanged) == (0, 4)
    assert PhotoConsent.objects.count() == 4


def test_a_changed_answer_is_a_new_entry_and_the_old_one_is_kept(school, oliver, amira):
    import_consent(school, GOOD)
    withdrawn = GOOD.replace(
        f"A100,social_media,granted,Pat Smith,{GIVEN},{UNTIL}",
        f"A100,social_media,not granted,Pat Smith,{today().isoformat()},",
    )
    report = import_consent(school, withdrawn)
    assert (report.recorded, report.unchanged) == (1, 3)
    history = PhotoConsent.objects.filter(pupil=oliver, use="social_media").order_by("pk")
    assert [e.status for e in history] == ["granted", "not_granted"]
    assert not consent_state(oliver, "social_media").valid


def test_a_file_with_an_error_imports_nothing_and_names_each_row_and_column(school, oliver, amira):
    bad = csv(
        f"A100,social_media,granted,Pat Smith,{GIVEN},{UNTIL}",  # fine, but not written
        f"A999,website,granted,Pat Smith,{GIVEN},",
        f"A200,photos,granted,C200,{GIVEN},",
        f"A200,website,maybe,C200,{GIVEN},",
        f"A200,social_media,granted,Pat Smith,{GIVEN},",
        "A100,website,granted,Pat Smith,2026/9/5,",  # 5/9/2026 is a UK date, read
        f"A100,social_media,granted,Pat Smith,{UNTIL},{GIVEN}",
    )
    report = import_consent(school, bad)
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "pupil"),
        (4, "use"),
        (5, "status"),
        (6, "given_by"),
        (7, "given_on"),
        (8, "pupil"),  # the same pupil and use twice in one file
    }
    messages = [str(e) for e in report.errors]
    assert "row 3, pupil: 'A999': no pupil at the school has this id" in messages
    assert any(
        "row 6, given_by" in m and "not a parent or carer linked to Amira" in m for m in messages
    )
    assert PhotoConsent.objects.count() == 0
    assert "Nothing was imported" in report.summary()


def test_the_entrys_own_rules_are_row_errors(school, oliver):
    report = import_consent(school, csv(f"A100,social_media,granted,Pat Smith,{UNTIL},{GIVEN}"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "valid_until")]
    report = import_consent(school, csv("A100,social_media,granted,,,"))
    assert {(e.row, e.column) for e in report.errors} == {(2, "given_by"), (2, "given_on")}
    assert not PhotoConsent.objects.exists()


def test_missing_columns_are_named(school, oliver):
    report = import_consent(school, "upn,use\nA100,website\n")
    assert [(e.row, e.column) for e in report.errors] == [(1, "status")]
    report = import_consent(school, "")
    assert report.errors[0].row == 1


def test_a_upn_column_and_a_semicolon_file_from_excel_are_read(school, oliver):
    text = f"UPN;Use;Status;Given by;Given on\nA100;social_media;granted;Pat Smith;{GIVEN}\n"
    report = import_consent(school, text.encode("cp1252"))
    assert report.ok and report.recorded == 1


def test_a_dry_run_saves_nothing(school, oliver, amira):
    report = import_consent(school, GOOD, dry_run=True)
    assert report.ok and report.recorded == 4
    assert "Checked only" in report.summary()
    assert not PhotoConsent.objects.exists()


def test_another_schools_pupils_are_not_found(school, other_school, oliver):
    report = import_consent(other_school, csv(f"A100,website,granted,Pat Smith,{GIVEN},"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "pupil")]


def test_the_command_imports_and_exits_2_on_errors(school, oliver, amira, tmp_path, capsys):
    good = tmp_path / "consent.csv"
    good.write_text(GOOD)
    call_command("import_consent", str(good), school="straits")
    assert "Imported: 4 answers recorded" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(csv(f"A999,website,granted,,{GIVEN},"))
    with pytest.raises(CommandError) as error:
        call_command("import_consent", str(bad), school="straits")
    assert error.value.returncode == 2
    assert "row 2, pupil" in capsys.readouterr().out


def upload(text):
    return SimpleUploadedFile("consent.csv", text.encode(), "text/csv")


def test_the_headteacher_imports_on_the_consent_page(client, head, oliver, amira):
    client.force_login(head.user)
    url = reverse("posting:consent_import")
    assert url in client.get(reverse("posting:consent")).content.decode()
    checked = client.post(url, {"file": upload(GOOD), "dry_run": "on"})
    assert checked.status_code == 200 and "The file is ready to import" in checked.content.decode()
    assert not PhotoConsent.objects.exists()
    done = client.post(url, {"file": upload(GOOD)})
    assert done.status_code == 200 and PhotoConsent.objects.count() == 4
    assert PhotoConsent.objects.filter(recorded_by=head).count() == 4


def test_the_page_shows_each_error_by_row_and_column(client, head, oliver):
    client.force_login(head.user)
    response = client.post(
        reverse("posting:consent_import"), {"file": upload(csv(f"A100,photos,granted,,{GIVEN},"))}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-label="Row">2<' in html and 'data-label="Column">use<' in html
    assert not PhotoConsent.objects.exists()


def test_the_dsl_team_may_import_and_a_teacher_may_not(client, school, teacher, oliver):
    client.force_login(teacher.user)
    assert client.get(reverse("posting:consent_import")).status_code == 403
    assert (
        reverse("posting:consent_import")
        not in client.get(reverse("posting:consent")).content.decode()
    )
    deputy = testing.make_person(school, "staff", "Dee", "Puty", positions=["deputy_dsl"])
    testing.make_user(deputy)
    client.force_login(deputy.user)
    assert client.get(reverse("posting:consent_import")).status_code == 200
