from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "panah.registry"
    label = "registry"
    verbose_name = "Household registry"

    def ready(self) -> None:
        from panah.accounts import navigation
        from panah.registry import policy, selectors

        policy.register_rules()
        from panah.registry.importers import register_importers

        register_importers()
        navigation.register_badge("duplicates", lambda user: selectors.candidate_count(actor=user))
