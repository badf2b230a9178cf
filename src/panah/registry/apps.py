from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "panah.registry"
    label = "registry"
    verbose_name = "Household registry"

    def ready(self) -> None:
        from panah.registry import policy

        policy.register_rules()
