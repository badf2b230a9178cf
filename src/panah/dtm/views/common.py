"""What every DTM page shares: sign-in, selector refusals as 404/403 pages, and the filter form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from panah.core.errors import ApplicationError
from panah.dtm import selectors
from panah.dtm.models import Round
from panah.geo import selectors as geo_selectors

NAV = "dtm"


def rtl() -> bool:
    return bool(get_language_bidi())


def round_label(round: Round) -> str:
    label = _("Round %(number)s") % {"number": round.number}
    version = f" v{round.version}" if round.version > 1 else ""
    return f"{label}{version} · {round.period_start:%d %b} – {round.period_end:%d %b %Y} · {round.get_status_display()}"


class DashboardFilters(forms.Form):
    """Operation, round and province, each limited to what the user may see; unknown values are simply ignored."""

    operation = forms.TypedChoiceField(label=_("Operation"), required=False, coerce=int, empty_value=None)
    round = forms.TypedChoiceField(label=_("Round"), required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, data: Any, *, actor: Any) -> None:
        super().__init__(data)
        self.actor = actor
        self.operations = list(selectors.operations_with_rounds(actor=actor))
        fields: dict[str, Any] = self.fields
        fields["operation"].choices = [(o.pk, o.name) for o in self.operations]
        operation = self._chosen_operation()
        self.rounds = list(selectors.round_list(actor=actor, operation=operation)) if operation else []
        fields["round"].choices = [(r.pk, round_label(r)) for r in self.rounds]
        provinces = geo_selectors.area_search(actor=actor, level=1)
        fields["province"].choices = [("", _("All provinces")), *((a.pcode, a.name) for a in provinces)]

    def _chosen_operation(self) -> Any:
        wanted = str(self.data.get("operation", ""))
        if not wanted and str(self.data.get("round", "")).isdigit():
            # A link to one round (from the rounds list, an export, a message) names no operation: use the round's,
            # and show it as chosen so that pressing "Show" keeps the same round.
            wanted = str(self._operation_of_round(int(self.data["round"])) or "")
            if wanted:
                # items(), not {**data}: a QueryDict keeps lists underneath and unpacking would copy those.
                self.data = {**dict(self.data.items()), "operation": wanted}
        return next(
            (o for o in self.operations if str(o.pk) == wanted), self.operations[0] if self.operations else None
        )

    def _operation_of_round(self, round_id: int) -> int | None:
        try:
            return selectors.round_get(actor=self.actor, round_id=round_id).operation_id
        except ApplicationError:
            return None

    def chosen(self) -> tuple[Any, Round | None, str]:
        """The operation, round (the latest one by default) and province P-code to show."""
        operation = self._chosen_operation()
        wanted = str(self.data.get("round", ""))
        round_ = next((r for r in self.rounds if str(r.pk) == wanted), self.rounds[0] if self.rounds else None)
        province = str(self.data.get("province", ""))
        valid = {str(code) for code, _label in self.fields["province"].choices}  # type: ignore[attr-defined]
        return operation, round_, province if province in valid else ""
