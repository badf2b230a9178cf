"""Reads of KoboToolbox sources, for IM officers and administrators only, with what their last pull did.

A pull's outcome is the audit event it wrote (fetched, new, batches, error), as the audit chain's own verification
is read from its event: there is no second copy to drift. Imported and held rows come from the batches, which
are final by the time the pull has returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext_lazy as _

from panah.core import audit
from panah.core.errors import not_found
from panah.core.models import AuditEvent
from panah.core.permissions import Perm, can, get_visible, visible_to
from panah.intake.models import ImportBatch, KoboSource, Submission, SubmissionStatus

SHOWN_CHARACTERS = 4


@dataclass(frozen=True)
class LastPull:
    at: datetime
    fetched: int
    new: int
    error: str
    batches: list[ImportBatch] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Records the server sent that were already here."""
        return max(self.fetched - self.new, 0)

    @property
    def imported(self) -> int:
        return sum(b.imported_rows for b in self.batches)

    @property
    def held(self) -> int:
        return sum(b.held_rows for b in self.batches)


@dataclass(frozen=True)
class SourceRow:
    source: KoboSource
    token_hint: str
    imported: int
    last_pull: LastPull | None

    @property
    def round_id(self) -> Any:
        return self.source.context.get("round_id")


def token_hint(token: str) -> str:
    """The last characters of a token, enough to tell two keys apart and useless to anyone else."""
    return "…" + token[-SHOWN_CHARACTERS:] if len(token) > SHOWN_CHARACTERS * 2 else "…"


def _sources(actor: Any, action: str) -> QuerySet[KoboSource]:
    return visible_to(actor, KoboSource.objects.select_related("created_by"), action)


def kobo_source_list(*, actor: Any) -> list[SourceRow]:
    """Every source, with its last pull, for IM officers and administrators; not found for anyone else."""
    if not can(actor, Perm.VIEW, KoboSource):
        raise not_found(str(_("page")))
    return _rows(list(_sources(actor, Perm.VIEW)))


def kobo_source_get(*, actor: Any, source_id: int, action: str = Perm.VIEW) -> KoboSource:
    """One source the actor may see or change; not found otherwise."""
    return get_visible(actor, _sources(actor, action), action, pk=source_id)


def kobo_source_row(*, actor: Any, source_id: int) -> SourceRow:
    """One source as a row of the sources page."""
    return _rows([kobo_source_get(actor=actor, source_id=source_id)])[0]


def _rows(sources: list[KoboSource]) -> list[SourceRow]:
    pulls = _last_pulls(s.pk for s in sources)
    imported = dict(
        Submission.objects.filter(kobo_source__in=sources, status=SubmissionStatus.IMPORTED)
        .values_list("kobo_source").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    return [SourceRow(s, token_hint(s.token), imported.get(s.pk, 0), pulls.get(s.pk)) for s in sources]


def _last_pulls(source_ids: Iterable[int]) -> dict[int, LastPull]:
    # Pulls write TRANSITION events; a source's settings changes are CREATE/UPDATE and pull requests their own action.
    events_of_sources = AuditEvent.objects.filter(
        action=audit.Action.TRANSITION, object_type=audit.object_type_of(KoboSource),
        object_id__in=[str(pk) for pk in source_ids],
    )  # fmt: skip
    last_ids = events_of_sources.values("object_id").annotate(last=Max("id")).values_list("last", flat=True)
    events = list(AuditEvent.objects.filter(pk__in=list(last_ids)).only("object_id", "occurred_at", "metadata"))
    batch_ids = {b for e in events for b in e.metadata.get("batches", [])}
    batches = {b.pk: b for b in ImportBatch.objects.filter(pk__in=batch_ids).defer("content")}
    return {
        int(e.object_id): LastPull(
            at=e.occurred_at, fetched=int(e.metadata.get("fetched", 0)), new=int(e.metadata.get("new", 0)),
            error=str(e.metadata.get("error", "")),
            batches=[batches[b] for b in e.metadata.get("batches", []) if b in batches],
        )
        for e in events
    }  # fmt: skip
