"""HXL downloads, mounted at /dtm/exports/ (see exports.py). Public paths need no sign-in."""

from django.urls import URLPattern, path

from panah.dtm import exports

app_name = "dtm_exports"


def _patterns(fmt: str) -> list[URLPattern]:
    kw = {"fmt": fmt}
    return [
        # flows.<fmt> comes before <level>.<fmt>, which would otherwise take "flows" for a level.
        path(f"public/rounds/<int:round_id>/flows.{fmt}", exports.public_flows, kw, name=f"public_flows_{fmt}"),
        path(f"public/rounds/<int:round_id>/<str:level>.{fmt}", exports.public_figures, kw, name=f"public_{fmt}"),
        path(f"rounds/<int:round_id>/sites.{fmt}", exports.round_sites, kw, name=f"sites_{fmt}"),
        path(f"rounds/<int:round_id>/flows.{fmt}", exports.round_flows, kw, name=f"flows_{fmt}"),
        path(f"rounds/<int:round_id>/<str:level>.{fmt}", exports.round_figures, kw, name=f"figures_{fmt}"),
    ]


urlpatterns = [*_patterns("csv"), *_patterns("xlsx")]
