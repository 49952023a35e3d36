"""Report charts: names are never cut without the full name at hand (issue 17: provider names
were truncated to 13 characters), and the value axis has round ticks (whole ones for counts)."""

import re
from xml.etree import ElementTree

from hotline.reports.charts import bar_chart
from hotline.reports.tables import Chart, Column, Section

SVG = "{http://www.w3.org/2000/svg}"
LONG_NAMES = [
    "Plovdiv Appliance Repairs",
    "Бургаски сервиз за домакински уреди ЕООД",
    "北京家电维修服务有限公司",
    "Stara Zagora Cooling and Heating Specialists and Sons Ltd of the Thracian Plain",
]


def providers(names: list[str]) -> Section:
    return Section(
        "providers",
        "Orders per provider",
        "D13",
        [
            Column("provider", "Provider", "text"),
            Column("dispatched", "Dispatched"),
            Column("late", "Late (D6)"),
        ],
        rows=[{"provider": n, "dispatched": i + 1, "late": i % 2} for i, n in enumerate(names)],
        chart=Chart("provider", ("dispatched", "late")),
    )


def drawing(section: Section) -> ElementTree.Element:
    return ElementTree.fromstring(str(bar_chart(section)))


def label_texts(svg: ElementTree.Element) -> list[ElementTree.Element]:
    """The <text> elements that name a row (not a tick, not the legend)."""
    return [t for t in svg.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None]


def test_long_provider_names_stand_in_a_column_each_with_its_full_name():
    svg = drawing(providers(LONG_NAMES))
    labels = label_texts(svg)
    assert [t.findtext(f"{SVG}title") for t in labels] == LONG_NAMES
    for label, name in zip(labels, LONG_NAMES, strict=True):
        shown = " ".join(span.text or "" for span in label.iter(f"{SVG}tspan"))
        if shown.endswith("…"):  # only a name longer than two lines of the column is cut
            assert len(name) > 60
        else:
            assert shown.replace(" ", "") == name.replace(" ", "")
    # names wrap in the column: the Bulgarian one takes two lines, the short one one
    spans = [len(list(t.iter(f"{SVG}tspan"))) for t in labels]
    assert spans[1] == 2
    assert spans[0] == 1


def test_short_names_stay_under_upright_bars_uncut():
    svg = drawing(providers(["Ruse Fix", "Varna", "Sofia"]))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"Ruse Fix", "Varna", "Sofia"} <= set(texts)
    assert not any(text and text.endswith("…") for text in texts)


def test_counts_get_whole_ticks_and_an_axis_line():
    section = providers(["Ruse Fix"])  # highest count 1: ticks 0 and 1, never 0.25
    svg = str(bar_chart(section))
    ticks = re.findall(r'fill="#5b6776">([^<]+)</text>', svg)
    assert ticks == ["0", "1"]
    assert 'stroke="#5b6776"' in svg  # the value axis is drawn, not only the grid


def test_every_bar_names_its_row_and_value():
    svg = drawing(providers(LONG_NAMES))
    titles = [r.findtext(f"{SVG}title") for r in svg.iter(f"{SVG}rect")]
    assert f"{LONG_NAMES[2]} · Dispatched: 3" in titles


def test_a_chart_of_nothing_but_zeros_is_not_drawn():
    section = providers(["Ruse Fix", "Varna"])
    for row in section.rows:
        row.update(dispatched=0, late=0)
    assert str(bar_chart(section)) == ""
