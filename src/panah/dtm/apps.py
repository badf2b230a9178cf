from django.apps import AppConfig


class DtmConfig(AppConfig):
    name = "panah.dtm"
    label = "dtm"
    verbose_name = "Displacement tracking"

    def ready(self) -> None:
        from panah.dtm import policy

        policy.register_rules()
        from panah.dtm.importers import register_importers

        register_importers()
        from panah.dtm.importers_survey import register_survey_importer

        register_survey_importer()
