from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    # Schools, people, posts (positions), sign-in and capabilities.
    name = "smpolicy.schools"
    label = "schools"
    verbose_name = "Schools and people"
