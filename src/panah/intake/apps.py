from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "panah.intake"
    label = "intake"
    verbose_name = "Data intake"

    def ready(self) -> None:
        from panah.intake import policy

        policy.register_rules()
