import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0002_api_keys"),
        ("socialaccount", "0006_alter_socialaccount_extra_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="SchoolSignIn",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("entra", "Microsoft Entra ID (Microsoft 365)"), ("google", "Google Workspace"), ("oidc", "Another OpenID Connect provider")], max_length=10)),
                ("tenant", models.CharField(blank=True, help_text="Entra ID: the directory (tenant) id; its tokens must carry this tid.", max_length=100)),
                ("allowed_domains", models.JSONField(default=list, help_text='E-mail domains this tenant may sign in: ["straits.sch.uk"].')),
                ("enabled", models.BooleanField(default=True)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("app", models.OneToOneField(help_text="The client id, secret and issuer (settings.server_url) allauth signs in with.", on_delete=django.db.models.deletion.CASCADE, related_name="school_sign_in", to="socialaccount.socialapp")),
                ("school", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="schools.school")),
            ],
            options={
                "verbose_name": "school sign-in",
                "ordering": ["school__name", "kind"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("school", "kind"),
                        name="schoolsignin_one_per_kind",
                        violation_error_message="This school already has a sign-in of this kind.",
                    )
                ],
            },
        ),
    ]
