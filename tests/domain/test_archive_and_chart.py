from decimal import Decimal

import pytest

from portal.domain import archive, chart
from portal.domain.classification import BANDS, CLASSES, classify


def test_to_wan_rounds_half_up_to_two_decimals():
    assert archive.to_wan(Decimal("12345678.90")) == Decimal("1234.57")
    assert archive.to_wan(Decimal("50")) == Decimal("0.01")  # 0.005 万 rounds up
    assert archive.to_wan(Decimal("49.99")) == Decimal("0.00")
    assert archive.to_wan(0) == Decimal("0.00")
    assert archive.to_wan(None) is None
    with pytest.raises(TypeError):
        archive.to_wan(1.5)


def test_groups_are_a_to_z_then_hash_keeping_the_order_inside():
    names = [("Z", "曾一"), ("#", "123"), ("A", "安二"), ("S", "单三"), ("A", "艾四"), ("?", "x")]
    groups = archive.group_by_initial(names, lambda item: item[0])
    assert [letter for letter, _ in groups] == ["A", "S", "Z", "#"]
    assert [name for _, name in groups[0][1]] == ["安二", "艾四"]
    assert [name for _, name in groups[-1][1]] == ["123", "x"]  # unknown initials go to '#'
    assert archive.initial_rank("#") > archive.initial_rank("Z") > archive.initial_rank("A")


def test_annex3_labels_follow_the_paper_form():
    labels = archive.ANNEX3_LABELS
    assert labels["decision_style"]["Z"] == "高度自主型"
    assert labels["product_preference"]["J"] == "基金投资"
    assert labels["value_class"]["G"] == "黄金客户"
    assert list(labels["habit"]) == ["D", "B", "I"]


def test_chart_regions_are_the_eleven_classes_split_at_the_threshold():
    drawn = chart.build([], Decimal("3"))
    assert sorted(r.code for r in drawn.regions) == sorted(CLASSES)
    threshold_x = drawn.threshold_lines[0].x1
    assert drawn.threshold_lines[0].x2 == threshold_x  # a vertical line
    by_code = {r.code: r for r in drawn.regions}
    for band in BANDS:
        if band.low != band.high:
            assert by_code[band.low].x + by_code[band.low].width == pytest.approx(threshold_x)
            assert by_code[band.high].x == pytest.approx(threshold_x)
    # Band lines at 1万, 10万, 50万, 100万, 500万, bottom to top on a log scale.
    ys = sorted((line.y1 for line in drawn.band_lines), reverse=True)
    assert [line.label for line in sorted(drawn.band_lines, key=lambda b: -b.y1)] == [
        "1万",
        "10万",
        "50万",
        "100万",
        "500万",
    ]
    decade = ys[0] - ys[1]
    assert ys[2] - ys[4] == pytest.approx(decade)  # 50万 → 500万 is one decade too


def test_chart_follows_art_4_turnover_across_and_assets_up():
    """Art. 4: 横轴 资产周转率, 纵轴 资产量."""
    points = [
        chart.Point(Decimal(20000), Decimal("1"), "E"),
        chart.Point(Decimal(20000), Decimal("6"), "F"),  # more turnover
        chart.Point(Decimal(20_000_000), Decimal("1"), "A+"),  # more assets
    ]
    drawn = chart.build(points, Decimal("3"))
    base, busier, richer = drawn.dots
    assert busier.x > base.x and busier.y == base.y  # turnover: further right
    assert richer.y < base.y and richer.x == base.x  # assets: higher up
    x_ticks = [t.label for t in drawn.x_ticks]
    y_ticks = [t.label for t in sorted(drawn.y_ticks, key=lambda t: -t.at)]
    assert x_ticks[0] == "0" and x_ticks[-1] == f"{drawn.x_max.normalize():f}"
    assert y_ticks == ["0.1万", "1万", "10万", "100万", "1000万", "1亿"]
    assert [t.at for t in drawn.x_ticks] == sorted(t.at for t in drawn.x_ticks)
    # Every label has its room: the top tick (1亿) sits on the plot's top edge, inside the
    # picture, with the threshold's label above it and the band labels right of the plot.
    assert min(t.at for t in drawn.y_ticks) == pytest.approx(drawn.top) and drawn.top >= 20
    assert drawn.width - drawn.right >= 40 and drawn.left >= 60


@pytest.mark.parametrize(
    ("assets", "turnover"),
    [
        (Decimal("5000"), Decimal("1")),
        (Decimal("10000"), Decimal("3")),
        (Decimal("99999"), Decimal("2.99")),
        (Decimal("100000"), Decimal("7")),
        (Decimal("750000"), Decimal("0.5")),
        (Decimal("1000000"), Decimal("3.5")),
        (Decimal("4999999"), Decimal("0.1")),
        (Decimal("5000000"), Decimal("4")),
        (Decimal("20000000"), Decimal("1")),
    ],
)
def test_a_point_lies_in_the_region_of_its_class(assets, turnover):
    threshold = Decimal("3")
    drawn = chart.build([chart.Point(assets, turnover, None)], threshold)
    (dot,) = drawn.dots
    inside = [
        r.code
        for r in drawn.regions
        # dots are rounded to 0.1 px
        if r.x - 0.05 <= dot.x <= r.x + r.width + 0.05
        and r.y - 0.05 <= dot.y <= r.y + r.height + 0.05
    ]
    assert classify(assets, turnover, threshold) in inside


def test_large_books_are_drawn_as_a_density_grid():
    points = [
        chart.Point(Decimal(20000 + k * 37), Decimal(k % 9), "E")
        for k in range(chart.DOT_LIMIT + 1)
    ]
    drawn = chart.build(points, Decimal("3"))
    assert drawn.dots == [] and drawn.cells
    assert sum(c.count for c in drawn.cells) == len(points)
    assert all(0 < c.opacity <= 1 for c in drawn.cells)


def test_axis_top_leaves_room_above_the_threshold_and_clamps_outliers():
    points = [chart.Point(Decimal(50000), Decimal(k % 3), "E") for k in range(40)]
    points.append(chart.Point(Decimal(50000), Decimal(500), "F"))
    drawn = chart.build(points, Decimal("3"))
    assert drawn.x_max == Decimal("10")  # above 2.5 × 3 and the 95th percentile, round
    assert max(d.x for d in drawn.dots) == pytest.approx(drawn.right)  # 500 at the right edge
    assert chart.wan_label(Decimal(1000)) == "0.1万"
    assert chart.wan_label(Decimal(100_000_000)) == "1亿"
    assert chart.nice_ceiling(Decimal("8.1")) == Decimal(10)
