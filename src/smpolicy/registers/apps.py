from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """Registers and governance: declarations, new-staff reviews, acknowledgements, the policy's
    own versions and sign-off, governors' reports, reminders (issue 6)."""

    name = "smpolicy.registers"
    label = "registers"
    verbose_name = "Registers and governance"
