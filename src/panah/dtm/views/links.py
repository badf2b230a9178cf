"""Where a user can go from a round: its imports, its exports and its report, each shown only to those it serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from panah.core.errors import ApplicationError
from panah.core.permissions import Perm, can
from panah.dtm.choices import RoundKind, RoundStatus
from panah.dtm.models import LocationAssessment, Round
from panah.intake import registry

SPECS: dict[str, tuple[str, ...]] = {
    RoundKind.MOBILITY: ("dtm.location_assessment", "dtm.site_assessment"),
    RoundKind.FLOW: ("dtm.flow_count",),
}
LEVELS = (("admin0", _("Country")), ("admin1", _("Provinces")), ("admin2", _("Districts")))


@dataclass(frozen=True)
class Link:
    label: Any
    url: str
    xlsx: str = ""  # the same download as XLSX, beside the CSV


@dataclass
class RoundLinks:
    uploads: list[Link] = field(default_factory=list)
    batches: str = ""
    internal: list[Link] = field(default_factory=list)
    public: list[Link] = field(default_factory=list)


def _uploads(user: Any, round: Round) -> list[Link]:
    if round.status != RoundStatus.DRAFT:
        return []
    links = []
    for name in SPECS.get(str(round.kind), ()):
        spec = registry.get(name)
        try:
            # The spec's own check (role, round kind, round still editable): the link shows when the upload would work.
            spec.authorise(user, {"round_id": round.pk})
        except ApplicationError:
            continue
        links.append(Link(spec.label, reverse("intake:upload", args=[name, round.pk])))
    return links


def _pair(label: Promise | str, name: str, round: Round, **kwargs: str) -> Link:
    args = [round.pk, *kwargs.values()]
    return Link(label, reverse(f"dtm_exports:{name}_csv", args=args), reverse(f"dtm_exports:{name}_xlsx", args=args))


def _exports(user: Any, round: Round) -> tuple[list[Link], list[Link]]:
    internal: list[Link] = []
    if can(user, Perm.EXPORT, round):
        if round.kind == RoundKind.MOBILITY:
            internal = [_pair(label, "figures", round, level=level) for level, label in LEVELS]
            internal.append(_pair(_("Site gaps"), "sites", round))
        else:
            internal = [_pair(_("Flow counts"), "flows", round)]
    public: list[Link] = []
    if round.status == RoundStatus.PUBLISHED:
        if round.kind == RoundKind.MOBILITY:
            public = [_pair(label, "public", round, level=level) for level, label in LEVELS]
        else:
            public = [_pair(_("Flows"), "public_flows", round)]
    return internal, public


def round_links(*, user: Any, round: Round) -> RoundLinks:
    """The links of a round page for this user (the pages behind them still check every right)."""
    internal, public = _exports(user, round)
    # Those who enter data see batches (their own; IM officers and administrators all of them).
    batches = f"{reverse('intake:batches')}?round={round.pk}" if can(user, Perm.CREATE, LocationAssessment) else ""
    return RoundLinks(_uploads(user, round), batches, internal, public)
