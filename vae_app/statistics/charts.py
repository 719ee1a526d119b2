"""The statistics' charts, drawn on the server as SVG geometry the template writes out (with the data table beside)."""
from __future__ import annotations

from dataclasses import dataclass

from .figures import Delays, Report

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 40, 30, 16
OUTCOMES = ("full", "partial", "refused")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # the colour
    title: str  # what a pointer shows


@dataclass(frozen=True)
class Chart:
    bars: list
    labels: list  # (x, year) under the axis
    totals: list  # (x, y, text) above a bar
    ticks: list  # (y, value) on the left axis
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = BOTTOM


def _ticks(maximum: float) -> list[float]:
    if maximum <= 0:
        return [0]
    step = 10 ** max(0, len(str(int(maximum))) - 1)
    while maximum / step > 5:
        step *= 2
    return [step * i for i in range(int(maximum // step) + 1)]


def _scale(maximum: float):
    usable = HEIGHT - BOTTOM - TOP
    return (lambda value: usable * value / maximum) if maximum else (lambda value: 0)


def outcomes(report: Report, names: dict[str, str]) -> Chart:
    """Jury decisions per year, stacked: total validations, partial validations, refusals."""
    years = report.years
    values = {key: report.line(key).values for key in OUTCOMES}
    totals = {y: sum(values[key][y] or 0 for key in OUTCOMES) for y in years}
    maximum = max(totals.values(), default=0)
    ticks = _ticks(maximum)
    scale = _scale(max(maximum, ticks[-1]))
    slot = (WIDTH - LEFT) / max(1, len(years))
    bars, labels, tops = [], [], []
    for index, year in enumerate(years):
        x = LEFT + index * slot + slot * 0.15
        base = HEIGHT - BOTTOM
        for series, key in enumerate(OUTCOMES):
            height = scale(values[key][year] or 0)
            if height:
                bars.append(Bar(round(x, 1), round(base - height, 1), round(slot * 0.7, 1), round(height, 1), series,
                                f"{year} — {names[key]} : {values[key][year]}"))
            base -= height
        labels.append((round(LEFT + index * slot + slot / 2, 1), year))
        if totals[year]:
            tops.append((round(LEFT + index * slot + slot / 2, 1), round(base - 4, 1), str(totals[year])))
    return Chart(bars, labels, tops, [(round(HEIGHT - BOTTOM - scale(t), 1), t) for t in ticks])


def delays(report: Report, key: str, names: dict[str, str]) -> Chart:
    """One delay per year: the 90th percentile (light) behind the median (dark), in days."""
    years = report.years
    values: dict[int, Delays] = report.line(key).values
    maximum = max((v.p90 or 0 for v in values.values()), default=0)
    ticks = _ticks(maximum)
    scale = _scale(max(maximum, ticks[-1]))
    slot = (WIDTH - LEFT) / max(1, len(years))
    bars, labels, tops = [], [], []
    for index, year in enumerate(years):
        value = values[year]
        x = LEFT + index * slot + slot * 0.15
        for series, (name, days) in enumerate(((names["p90"], value.p90), (names["median"], value.median))):
            if days:
                height = scale(days)
                inset = 0 if series == 0 else slot * 0.15
                bars.append(Bar(round(x + inset, 1), round(HEIGHT - BOTTOM - height, 1), round(slot * 0.7 - 2 * inset, 1),
                                round(height, 1), series, f"{year} — {name} : {days}"))
        labels.append((round(LEFT + index * slot + slot / 2, 1), year))
        if value.n:
            tops.append((round(LEFT + index * slot + slot / 2, 1), round(HEIGHT - BOTTOM - scale(value.p90 or 0) - 4, 1),
                         f"n={value.n}"))
    return Chart(bars, labels, tops, [(round(HEIGHT - BOTTOM - scale(t), 1), t) for t in ticks])
