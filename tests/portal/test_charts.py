"""Charts read at a glance: round gridlines above the largest figure, bars in proportion, and a
description that says the figures for whoever cannot see the picture."""

import pytest

from portal import charts


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [(0, [0, 1]), (7, [0, 2, 4, 6, 8]), (40, [0, 10, 20, 30, 40]), (237, [0, 100, 200, 300])],
)
def test_gridlines_are_round_and_reach_the_largest_figure(largest, ticks):
    assert charts.nice_ticks(largest) == ticks


def test_bars_are_in_proportion_and_described():
    chart = charts.horizontal_bars(
        "f", "Funnel", [("Purchased", 40), ("Emailed", 10)], unit="seats"
    )
    purchased, emailed = chart.rects
    assert purchased.width == pytest.approx(emailed.width * 4)
    assert chart.description == "Purchased: 40 seats, Emailed: 10 seats"


def test_stacked_columns_stack_each_series_in_order():
    chart = charts.stacked_columns(
        "s",
        "Statuses",
        [("1 Dec", {"a": 3, "b": 1})],
        [("a", "Available"), ("b", "Assigned")],
        unit="seats",
    )
    available, assigned = chart.rects
    assert available.y == pytest.approx(assigned.y + assigned.height)
    assert available.height == pytest.approx(assigned.height * 3)
    assert [label for _, label in chart.legend] == ["Available", "Assigned"]
    assert "week of 1 Dec: Available 3, Assigned 1" in chart.description
