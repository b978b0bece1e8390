"""Safeguarding records leave subject access requests' items: the DSL team decides on them live,
each decision an append-only SarRecordDecision (guarded in the database as the safeguarding
tables are). A withhold decided on an old item is kept as a decision; an old "release" meant
"the DSL provides the record", so the DSL decides it again."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

TABLE = "registers_sarrecorddecision"
SOURCE = "safeguarding.report"


def _guard() -> list:
    from smpolicy.safeguarding import dbguard

    return [dbguard.Guard(TABLE)]


def guard(apps, schema_editor):
    from smpolicy.safeguarding import dbguard

    dbguard.install(schema_editor.connection, _guard())


def unguard(apps, schema_editor):
    from smpolicy.safeguarding import dbguard

    dbguard.remove(schema_editor.connection, _guard())


def take_out_safeguarding_items(apps, schema_editor):
    requests = apps.get_model("registers", "SubjectAccessRequest")
    decisions = apps.get_model("registers", "SarRecordDecision")
    for request in requests._base_manager.all().iterator():
        kept, old = [], []
        for item in request.items or []:
            (old if item.get("source") == SOURCE else kept).append(item)
        if not old:
            continue
        for item in old:
            if item.get("decision") != "withhold":
                continue
            ident = str(item.get("id", "")).rpartition(":")[2]
            if not ident.isdigit():
                continue
            decisions._base_manager.create(
                school_id=request.school_id, access_request_id=request.pk,
                report_id_at_time=int(ident),
                reference=str((item.get("data") or {}).get("reference", ""))[:20],
                decision="withhold", reason=item.get("note") or "Withheld before 0003.",
                decided_by_name=(item.get("decided_by") or "before migration 0003")[:210],
            )
        request.items = kept
        request.save(update_fields=["items"])


class Migration(migrations.Migration):

    dependencies = [
        ('registers', '0002_frozen_versions'),
        ('schools', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SarRecordDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('report_id_at_time', models.BigIntegerField(db_index=True)),
                ('reference', models.CharField(max_length=20)),
                ('decision', models.CharField(choices=[('full', 'Include it in full'), ('redacted', 'Include it redacted'), ('withhold', 'Withhold it')], max_length=10)),
                ('exemption', models.CharField(blank=True, choices=[('serious_harm', 'Serious harm: disclosing it would be likely to cause serious harm to the physical or mental health of the subject or someone else (DPA 2018, Schedule 3)'), ('third_party', 'Third-party data: it identifies someone else who has not agreed, and disclosing it without them is not reasonable (DPA 2018, Schedule 2 Part 3)'), ('crime', 'Crime: disclosing it would be likely to prejudice the prevention or detection of crime, or a police or social care enquiry (DPA 2018, Schedule 2 Part 1)'), ('child_abuse', "Child abuse data: a parent asks for it and disclosing it is not in the child's best interests (DPA 2018, Schedule 3 Part 5)")], max_length=20)),
                ('reason', models.TextField(verbose_name='why')),
                ('released_text', models.TextField(blank=True, help_text='For a redacted record: its account with what may not be disclosed taken out.', verbose_name='the account as released')),
                ('decided_by_id_at_time', models.BigIntegerField(blank=True, null=True)),
                ('decided_by_name', models.CharField(max_length=210)),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('access_request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='record_decisions', to='registers.subjectaccessrequest')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='schools.school')),
            ],
            options={
                'verbose_name': 'subject access decision on a safeguarding record',
                'ordering': ['decided_at', 'id'],
            },
        ),
        migrations.RunPython(take_out_safeguarding_items, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
