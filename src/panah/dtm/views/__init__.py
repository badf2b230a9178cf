"""Pages of displacement tracking: the dashboard, rounds and their lifecycle, and the situation report."""

from panah.dtm.views.dashboard import dashboard
from panah.dtm.views.report import sitrep, sitrep_pdf
from panah.dtm.views.rounds import round_action, round_detail, rounds

__all__ = ["dashboard", "round_action", "round_detail", "rounds", "sitrep", "sitrep_pdf"]
