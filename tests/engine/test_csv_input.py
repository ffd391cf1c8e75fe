import pytest

from vmi_management.engine.csv_io import InputError, read_demand, read_lines

HEADER = (
    "product,location,on_hand,policy,min_qty,max_qty,"
    "safety_stock,safety_stock_days,service_level\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_safety_stock_columns_and_service_level_as_percent(tmp_path):
    lines = read_lines(
        write(
            tmp_path,
            "l.csv",
            HEADER
            + "A,S,5,min_max,1,9,4,,\n"
            + "B,S,5,min_max,1,9,,2,\n"
            + "C,S,5,min_max,1,9,,,95\n"
            + "D,S,5,min_max,1,9,,,0.9\n"
            + "E,S,5,min_max,1,9,,,\n",
        )
    )
    assert [
        (line.safety_stock_mode, line.safety_stock_value, line.service_level)
        for line in lines
    ] == [
        ("fixed", 4.0, None),
        ("days", 2.0, None),
        ("service_level", None, 0.95),
        ("service_level", None, 0.9),
        (None, None, None),
    ]
    assert lines[0].on_order == 0 and lines[0].committed == 0


def test_all_problems_are_reported_together(tmp_path):
    with pytest.raises(InputError) as caught:
        read_lines(
            write(
                tmp_path, "l.csv", HEADER + "A,S,x,min_max,1,9,,,\nB,,5,min_max,1,,,,\n"
            )
        )
    assert caught.value.problems == [
        f"{tmp_path / 'l.csv'}:2: column 'on_hand': 'x' is not a number",
        f"{tmp_path / 'l.csv'}:3: column 'location' is empty",
    ]


def test_demand_fills_missing_days_and_stops_before_as_of(tmp_path):
    from datetime import date

    path = write(
        tmp_path,
        "d.csv",
        "product,location,date,quantity\n"
        "A,S,2026-01-01,1\nA,S,2026-01-04,4\nB,S,2026-01-02,2\nA,S,2026-01-09,9\n",
    )
    demand = read_demand(path, as_of=date(2026, 1, 5))
    assert demand[("A", "S")] == (1, 0, 0, 4)
    assert demand[("B", "S")] == (0, 2, 0, 0)
    assert read_demand(path)[("A", "S")][-1] == 9
