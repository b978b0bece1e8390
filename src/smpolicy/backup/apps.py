from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "smpolicy.backup"
    label = "backup"
    verbose_name = "Backup and restore"
