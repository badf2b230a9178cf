from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "panah.accounts"
    label = "accounts"
    verbose_name = "Organisations, users and roles"

    def ready(self) -> None:
        from panah.accounts import policy

        policy.register_rules()
