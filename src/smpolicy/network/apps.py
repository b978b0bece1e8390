from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Network monitoring in the app: findings, uploads, block lists, annual reviews (issue 5)."""

    name = "smpolicy.network"
    label = "network"
    verbose_name = "Network monitoring"
