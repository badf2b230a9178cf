from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "panah.feedback"
    label = "feedback"
    verbose_name = "Complaints and feedback"

    def ready(self) -> None:
        from django.db.models import Q

        from panah.accounts import navigation
        from panah.core import audit
        from panah.feedback import policy, selectors

        policy.register_rules()
        audit.register_hidden(selectors.hidden_audit_events)
        # Work waiting: open tickets given to the user, or given to nobody yet, in the user's areas.
        navigation.register_badge(
            "feedback",
            lambda user: (
                selectors.ticket_list(actor=user, filters=selectors.TicketFilters(status="open"))
                .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
                .count()
            ),
        )
