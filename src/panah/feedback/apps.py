from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "panah.feedback"
    label = "feedback"
    verbose_name = "Complaints and feedback"

    def ready(self) -> None:
        from panah.accounts import navigation
        from panah.core import audit
        from panah.feedback import policy, selectors

        policy.register_rules()
        audit.register_hidden(selectors.hidden_audit_events)
        navigation.register_badge("feedback", lambda user: selectors.ticket_waiting_count(actor=user))
