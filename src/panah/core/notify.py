"""E-mail notifications, sent once the transaction that caused them commits (a rolled-back change notifies nobody).

Messages name a record by its reference and link to it; they never carry what a person said: mail is read on shared
phones and passes through servers the mission does not run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def email(*, recipients: Iterable[str], subject: str, body: str) -> None:
    """Queue one message to each address (each sees only their own address) for after the commit."""
    addresses = sorted({a for a in recipients if a})
    if not addresses:
        return

    def send() -> None:
        for address in addresses:
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
            except OSError:
                # A mail server that is down must not undo the change; the log says a message was lost (not to whom).
                logger.warning("notification e-mail not sent", extra={"subject": subject})

    transaction.on_commit(send)
