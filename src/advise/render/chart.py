"""The geometry of the HTML report's picture: weekly hours available against hours needed.

Two horizontal bars on one scale: the hours the owner can give each week, and the hours
the planned profiles need, one segment per network (the recommended ones in colour, the
others in grey), with a dashed line where the available time ends. This module only
computes positions; explanations/report.html.j2 draws the SVG, so a consultant can change
colours and words there.
"""

from __future__ import annotations

import math
from ..explain.model import TimeBudget
from ..records import Record

WIDTH = 680
LEFT = 130  # room for the row labels
RIGHT = 100  # room for the values after the bars
ROW_HEIGHT = 26
AVAILABLE_Y = 20
NEEDED_Y = 62
AXIS_Y = 100
LEGEND_Y = 140
HEIGHT = 168
CHAR_WIDTH = 7.2  # an estimate of one character at the chart's font size, to fit labels in segments
NICE_STEPS = (0.5, 1, 2, 5, 10, 20, 25, 50, 100)


# Records (advise.records), not dataclasses: defining these three as dataclasses cost
# every HTML report's process 1.7 ms.
class Segment(Record):
    def __init__(self, x: float, width: float, name: str, shown: str, kept: bool, label_x: float,
                 show_label: bool) -> None:  # show_label: the name fits inside the segment
        self.__dict__.update(x=x, width=width, name=name, shown=shown, kept=kept, label_x=label_x,
                             show_label=show_label)


class Tick(Record):
    def __init__(self, x: float, value: float) -> None:
        self.__dict__.update(x=x, value=value)


class Chart(Record):
    def __init__(self, width: int, height: int, left: int, row_height: int, available_y: int, needed_y: int,
                 axis_y: int, legend_y: int, available_width: float, available_shown: str, needed_width: float,
                 needed_shown: str,
                 line_x: float,  # where the available time ends
                 segments: tuple[Segment, ...], ticks: tuple[Tick, ...], axis_end: float,
                 has_other: bool,  # some planned network is not among the recommended ones
                 has_kept: bool) -> None:
        self.__dict__.update(width=width, height=height, left=left, row_height=row_height, available_y=available_y,
                             needed_y=needed_y, axis_y=axis_y, legend_y=legend_y, available_width=available_width,
                             available_shown=available_shown, needed_width=needed_width,
                             needed_shown=needed_shown, line_x=line_x, segments=segments, ticks=ticks,
                             axis_end=axis_end, has_other=has_other, has_kept=has_kept)


def _step(top: float) -> float:
    for step in NICE_STEPS:
        if top / step <= 8:
            return step
    return 10 ** math.ceil(math.log10(top / 8))


def time_chart(budget: TimeBudget) -> Chart:
    top = max(budget.available, budget.needed, sum(row.hours for row in budget.rows), 0.5)
    step = _step(top)
    axis_max = math.ceil(top / step - 1e-9) * step
    plot = WIDTH - LEFT - RIGHT
    scale = plot / axis_max
    segments = []
    x = float(LEFT)
    for row in budget.rows:
        width = row.hours * scale
        segments.append(Segment(round(x, 2), round(width, 2), row.name, row.shown, row.kept,
                                round(x + width / 2, 2), width >= len(row.name) * CHAR_WIDTH + 8))
        x += width
    ticks = tuple(Tick(round(LEFT + value * scale, 2), value)
                  for value in (i * step for i in range(int(round(axis_max / step)) + 1)))
    return Chart(
        width=WIDTH, height=HEIGHT, left=LEFT, row_height=ROW_HEIGHT, available_y=AVAILABLE_Y, needed_y=NEEDED_Y,
        axis_y=AXIS_Y, legend_y=LEGEND_Y,
        available_width=round(budget.available * scale, 2), available_shown=budget.available_shown,
        needed_width=round(budget.needed * scale, 2), needed_shown=budget.needed_shown,
        line_x=round(LEFT + budget.available * scale, 2), segments=tuple(segments), ticks=ticks,
        axis_end=round(LEFT + axis_max * scale, 2),
        has_other=any(not row.kept for row in budget.rows), has_kept=any(row.kept for row in budget.rows))
