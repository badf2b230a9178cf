from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "panah.core"
    label = "core"
    verbose_name = "Core"
