from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "panah.geo"
    label = "geo"
    verbose_name = "Geography"

    def ready(self) -> None:
        from panah.geo import policy

        policy.register_rules()
