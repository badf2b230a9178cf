"""Server-side charts as inline SVG: light on slow connections, readable without JavaScript, reusable in the PDF.

Each chart is an <svg role="img"> with a <title> and <desc>, axis labels and grouped numbers. On right-to-left pages
the category axis runs from the right and the value axis sits on the right, as Urdu readers expect; a map is never
mirrored. Texts arrive already translated; every piece of data is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
# ColorBrewer YlOrRd, 5 classes: more displaced people, darker.
CLASS_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NO_DATA_COLOUR = "#e9ecef"
FONT = "system-ui, 'Noto Sans', 'Noto Naskh Arabic', sans-serif"
MAX_X_LABELS = 8
_ids = count(1)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | None]
    colour: str = ""


@dataclass(frozen=True)
class Text:
    """What a chart says about itself, already translated."""

    title: str
    desc: str
    x_label: str = ""
    y_label: str = ""


@dataclass(frozen=True)
class ChartClass:
    """One class of a choropleth: lower and upper bound (inclusive) and its colour."""

    low: int
    high: int
    colour: str

    @property
    def label(self) -> str:
        return f"{fmt(self.low)}–{fmt(self.high)}"


def fmt(value: float | None) -> str:
    """A whole number with thousands grouped; a dash for unknown."""
    return "–" if value is None else f"{round(value):,}"


def nice_max(value: float) -> tuple[int, int]:
    """An axis maximum at or above `value` on a round step, and that step (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1, 1
    raw = max(value / 4, 1)  # counts are whole: no step below one
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return int(step * math.ceil(value / step)), int(step)


def classes(values: Sequence[int], n: int = len(CLASS_COLOURS)) -> list[ChartClass]:
    """Quantile classes of the positive values (at most `n`), so that every colour of the legend is used."""
    data = sorted(v for v in values if v > 0)
    if not data:
        return []
    cuts = sorted({data[min(len(data) - 1, math.ceil(len(data) * (i + 1) / n) - 1)] for i in range(n)})
    bounds, low = [], data[0]
    for high in cuts:
        bounds.append((low, high))
        low = high + 1
    colours = CLASS_COLOURS[len(CLASS_COLOURS) - len(bounds) :] if len(bounds) < n else CLASS_COLOURS
    return [ChartClass(lo, hi, colour) for (lo, hi), colour in zip(bounds, colours, strict=True)]


def colour_for(value: int | None, chart_classes: Sequence[ChartClass]) -> str:
    for chart_class in chart_classes:
        if value is not None and chart_class.low <= value <= chart_class.high:
            return chart_class.colour
    return NO_DATA_COLOUR


class _Frame:
    """The plot area of a category chart and its two scales, mirrored on right-to-left pages."""

    def __init__(self, *, width: int, height: int, n: int, top: float, rtl: bool) -> None:
        self.width, self.height, self.n, self.rtl = width, height, n, rtl
        self.left, self.right = (24.0, width - 64.0) if rtl else (64.0, width - 24.0)
        self.top, self.bottom = 28.0 + top, height - 48.0
        self.vmax, self.step = 1, 1

    def scale_to(self, vmax: float) -> None:
        self.vmax, self.step = nice_max(vmax)

    @property
    def band(self) -> float:
        return (self.right - self.left) / max(self.n, 1)

    def x(self, i: int) -> float:
        """The centre of category `i`: from the left, or from the right on right-to-left pages."""
        offset = (i + 0.5) * self.band
        return self.right - offset if self.rtl else self.left + offset

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * (value / self.vmax)


def _svg(frame: _Frame, text: Text, body: list[str], kind: str) -> SafeString:
    uid = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" direction="ltr" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}" height="{frame.height}" '
        f'aria-labelledby="chart{uid}-t chart{uid}-d" font-family={quoteattr(FONT)} font-size="11">'
        f'<title id="chart{uid}-t">{escape(text.title)}</title><desc id="chart{uid}-d">{escape(text.desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")


def _label(x: float, y: float, value: str, anchor: str = "middle", **extra: Any) -> str:
    attrs = "".join(f" {k.replace('_', '-')}={quoteattr(str(v))}" for k, v in extra.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{attrs}>{escape(value)}</text>'


def _axes(frame: _Frame, text: Text, categories: Sequence[str]) -> list[str]:
    out = []
    axis_x = frame.right if frame.rtl else frame.left
    out.append(
        f'<line class="axis" x1="{axis_x:.1f}" y1="{frame.top:.1f}" x2="{axis_x:.1f}" y2="{frame.bottom:.1f}" '
        'stroke="#5b6673"/>'
    )
    out.append(
        f'<line class="axis" x1="{frame.left:.1f}" y1="{frame.bottom:.1f}" x2="{frame.right:.1f}" '
        f'y2="{frame.bottom:.1f}" stroke="#5b6673"/>'
    )
    tick_anchor, tick_x = ("start", frame.right + 4) if frame.rtl else ("end", frame.left - 4)
    for value in range(0, frame.vmax + 1, frame.step):
        y = frame.y(value)
        if value:
            out.append(
                f'<line class="grid" x1="{frame.left:.1f}" y1="{y:.1f}" x2="{frame.right:.1f}" y2="{y:.1f}" '
                'stroke="#d8dde3"/>'
            )
        out.append(_label(tick_x, y + 4, fmt(value), tick_anchor, fill="#1d2733"))
    every = max(1, math.ceil(len(categories) / MAX_X_LABELS))
    for i, category in enumerate(categories):
        if i % every == 0:
            out.append(_label(frame.x(i), frame.bottom + 14, category, fill="#1d2733"))
    if text.x_label:
        out.append(_label((frame.left + frame.right) / 2, frame.height - 8, text.x_label, font_weight="600"))
    if text.y_label:
        out.append(_label(tick_x, frame.top - 10, text.y_label, tick_anchor, font_weight="600"))
    return out


def _legend(frame: _Frame, series: Sequence[Series]) -> list[str]:
    out, x = [], (frame.width - 24.0) if frame.rtl else 24.0
    for s in series:
        width = 22 + 7 * len(s.label)
        box_x = x - 10 if frame.rtl else x
        out.append(f'<rect class="key" x="{box_x:.1f}" y="6" width="10" height="10" fill="{s.colour}"/>')
        out.append(_label(x - 14 if frame.rtl else x + 14, 15, s.label, "end" if frame.rtl else "start"))
        x = x - width if frame.rtl else x + width
    return out


def _coloured(series: Sequence[Series]) -> list[Series]:
    return [Series(s.label, s.values, s.colour or PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]


def bar_chart(
    *, text: Text, categories: Sequence[str], values: Sequence[int | None], rtl: bool = False, width: int = 640,
    height: int = 280, colour: str = PALETTE[0],
) -> SafeString:  # fmt: skip
    """One bar per category; a missing value leaves a gap, never a zero."""
    frame = _Frame(width=width, height=height, n=len(categories), top=0, rtl=rtl)
    frame.scale_to(max((v for v in values if v is not None), default=0))
    body = _axes(frame, text, categories)
    bar = frame.band * 0.7
    for i, (category, value) in enumerate(zip(categories, values, strict=True)):
        if value is None:
            continue
        y = frame.y(value)
        body.append(
            f'<rect class="bar" x="{frame.x(i) - bar / 2:.1f}" y="{y:.1f}" width="{bar:.1f}" '
            f'height="{frame.bottom - y:.1f}" fill="{colour}"><title>{escape(category)}: {fmt(value)}</title></rect>'
        )
    return _svg(frame, text, body, "bar")


def stacked_bar_chart(
    *, text: Text, categories: Sequence[str], series: Sequence[Series], rtl: bool = False, width: int = 640,
    height: int = 300,
) -> SafeString:  # fmt: skip
    """One bar per category made of one segment per series (zero segments are not drawn)."""
    series = _coloured(series)
    frame = _Frame(width=width, height=height, n=len(categories), top=14, rtl=rtl)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    frame.scale_to(max(totals, default=0))
    body = _axes(frame, text, categories) + _legend(frame, series)
    bar = max(frame.band * 0.8, 1.0)
    for i, category in enumerate(categories):
        base = 0
        for s in series:
            value = s.values[i] or 0
            if value <= 0:
                continue
            y0, y1 = frame.y(base), frame.y(base + value)
            body.append(
                f'<rect class="bar" x="{frame.x(i) - bar / 2:.2f}" y="{y1:.1f}" width="{bar:.2f}" '
                f'height="{y0 - y1:.1f}" fill="{s.colour}"><title>{escape(category)} · {escape(s.label)}: '
                f"{fmt(value)}</title></rect>"
            )
            base += value
    return _svg(frame, text, body, "stacked")


def line_chart(
    *, text: Text, categories: Sequence[str], series: Sequence[Series], rtl: bool = False, width: int = 640,
    height: int = 300,
) -> SafeString:  # fmt: skip
    """One line per series across the categories, with a marked point per known value; unknown values break it."""
    series = _coloured(series)
    frame = _Frame(width=width, height=height, n=len(categories), top=14, rtl=rtl)
    frame.scale_to(max((v for s in series for v in s.values if v is not None), default=0))
    body = _axes(frame, text, categories) + _legend(frame, series)
    for s in series:
        runs: list[list[str]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x, y = frame.x(i), frame.y(value)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            body.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{s.colour}">'
                f"<title>{escape(s.label)} · {escape(categories[i])}: {fmt(value)}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                body.insert(
                    0, f'<polyline class="line" points="{" ".join(run)}" fill="none" stroke="{s.colour}" '
                    'stroke-width="2"/>'
                )  # fmt: skip
    return _svg(frame, text, body, "line")


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


class _Projection:
    """Equirectangular, with longitudes shrunk by the cosine of the middle latitude so that Pakistan keeps its shape."""

    def __init__(self, features: Sequence[dict[str, Any]], width: int, pad: float = 8) -> None:
        points = [p for f in features for ring in _rings(f["geometry"]) for p in ring]
        lons, lats = [p[0] for p in points] or [60.0, 78.0], [p[1] for p in points] or [23.0, 37.0]
        self.west, self.north = min(lons), max(lats)
        self.kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.scale = (width - 2 * pad) / max((max(lons) - self.west) * self.kx, 1e-9)
        self.pad = pad
        self.width, self.height = width, round((self.north - min(lats)) * self.scale + 2 * pad)

    def x(self, lon: float) -> float:
        return self.pad + (lon - self.west) * self.kx * self.scale

    def y(self, lat: float) -> float:
        return self.pad + (self.north - lat) * self.scale

    def path(self, geometry: dict[str, Any]) -> str:
        parts = []
        for ring in _rings(geometry):
            xy = [f"{self.x(lon):.1f} {self.y(lat):.1f}" for lon, lat, *_ in ring]
            parts.append("M" + "L".join(xy) + "Z")
        return "".join(parts)


def choropleth_map(
    *, text: Text, districts: Sequence[dict[str, Any]], values: dict[str, int], chart_classes: Sequence[ChartClass],
    provinces: Sequence[dict[str, Any]] = (), width: int = 600, legend_title: str = "", no_data_label: str = "",
) -> SafeString:  # fmt: skip
    """District GeoJSON features shaded by their value's class, province outlines on top and a legend of classes."""
    drawn = [f for f in districts if f.get("geometry")]
    projection = _Projection(drawn, width)
    frame = _Frame(width=width, height=projection.height + 20 * (len(chart_classes) + 2), n=0, top=0, rtl=False)
    body = []
    for feature in drawn:
        pcode, name = feature["properties"]["pcode"], feature["properties"]["name"]
        value = values.get(pcode)
        body.append(
            f'<path class="district" data-pcode={quoteattr(pcode)} d="{projection.path(feature["geometry"])}" '
            f'fill="{colour_for(value, chart_classes)}" stroke="#ffffff" stroke-width="0.4">'
            f"<title>{escape(name)} ({escape(pcode)}): {fmt(value)}</title></path>"
        )
    for feature in provinces:
        if feature.get("geometry"):
            body.append(
                f'<path class="province" d="{projection.path(feature["geometry"])}" fill="none" stroke="#0b2f52" '
                'stroke-width="1"/>'
            )
    y = projection.height + 14
    body.append(_label(8, y, legend_title, "start", font_weight="600"))
    keys = [(c.colour, c.label) for c in chart_classes] + [(NO_DATA_COLOUR, no_data_label)]
    for i, (colour, label) in enumerate(keys, start=1):
        body.append(f'<rect class="key" x="8" y="{y + 20 * i - 11:.0f}" width="18" height="12" fill="{colour}" '
                    'stroke="#5b6673" stroke-width="0.5"/>')  # fmt: skip
        body.append(_label(32, y + 20 * i, label, "start"))
    return _svg(frame, text, body, "map")
