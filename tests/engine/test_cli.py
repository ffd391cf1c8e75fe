import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEADER = (
    "product,location,on_hand,on_order,committed,policy,min_qty,max_qty,reorder_point,order_qty,"
    "target_days,lead_time_days,lead_time_std_days,safety_stock,service_level,moq,multiple,capacity\n"
)


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "vmi_management.engine", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def files(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_demo_prints_a_plan_for_the_embedded_sample():
    result = run()
    assert result.returncode == 0, result.stderr
    assert "VMI replenishment plan for the embedded sample: 12 lines" in result.stdout
    assert (
        "position 38 < min 40: order up to max 120 = 82; rounded up to pack of 10 = 90"
        in result.stdout
    )
    assert "Suggested thresholds" in result.stdout


def test_plan_csv_contract(files):
    lines = files(
        "lines.csv",
        HEADER
        + "A,S1,5,3,1,min_max,10,50,,,,,,,,,,\n"
        + "B,S1,40,,,reorder_point,,,30,12,,,,,,,,\n"
        + "C,S2,2,,,days_of_supply,,,,,5,2,,,,,,\n",
    )
    demand = files(
        "demand.csv",
        "product,location,date,quantity\n"
        "C,S2,2026-11-01,3\nC,S2,2026-11-03,3\nC,S2,2026-11-04,3\nC,S2,2026-11-05,9\n",
    )
    result = run("plan", lines, "--demand", demand, "--as-of", "2026-11-05")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:5] == [
        "product",
        "location",
        "position",
        "order_qty",
        "reason",
    ]
    by_product = {row["product"]: row for row in rows}
    assert (by_product["A"]["position"], by_product["A"]["order_qty"]) == ("7", "43")
    assert by_product["B"]["order_qty"] == "0"
    # as of 5 Nov, history is 1–4 Nov with the 2nd at zero: 9 over 4 days
    assert by_product["C"]["demand_rate"] == "2.25"
    assert by_product["C"]["order_qty"] == str(round(2.25 * 7 - 2, 4)).rstrip(
        "0"
    ).rstrip(".")


def test_suggest_and_simulate(files):
    lines = files("lines.csv", HEADER + "A,S1,20,,,min_max,10,40,,,,2,,,0.95,,,\n")
    demand = files(
        "demand.csv",
        "product,location,date,quantity\n"
        + "".join(f"A,S1,2026-10-{day:02d},{4 + day % 3}\n" for day in range(1, 31)),
    )
    suggested = run("suggest", lines, "--demand", demand)
    assert suggested.returncode == 0, suggested.stderr
    row = next(csv.DictReader(io.StringIO(suggested.stdout)))
    assert float(row["min_qty"]) > 0 and float(row["max_qty"]) > float(row["min_qty"])
    assert "reorder point" in row["reasoning"]
    simulated = run(
        "simulate",
        lines,
        "--demand",
        demand,
        "--compare-suggested",
        "--warmup-days",
        "10",
    )
    assert simulated.returncode == 0, simulated.stderr
    rows = list(csv.DictReader(io.StringIO(simulated.stdout)))
    assert [row["scenario"] for row in rows] == ["current", "suggested"]
    assert all(row["days"] == "20" for row in rows)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "product,location,policy\nA,S1,min_max\n",
            "lines.csv:1: missing column 'on_hand'",
        ),
        (
            HEADER + "A,S1,abc,,,min_max,10,50,,,,,,,,,,\n",
            "lines.csv:2: column 'on_hand': 'abc' is not a number",
        ),
        (
            HEADER
            + "A,S1,5,,,min_max,10,50,,,,,,,,,,\nB,S1,-3,,,min_max,10,50,,,,,,,,,,\n",
            "lines.csv:3: column 'on_hand': -3 is negative",
        ),
        (
            HEADER + "A,S1,5,,,magic,10,50,,,,,,,,,,\n",
            "lines.csv:2: column 'policy': unknown policy 'magic'",
        ),
        (
            HEADER
            + "A,S1,5,,,min_max,10,50,,,,,,,,,,\nA,S1,6,,,min_max,10,50,,,,,,,,,,\n",
            "lines.csv:3: product 'A' at location 'S1' is already on line 2",
        ),
        (
            HEADER + "A,S1,5,,,min_max,60,50,,,,,,,,,,\n",
            "lines.csv:2: column 'max_qty': max 50 is below min 60",
        ),
    ],
)
def test_bad_lines_name_file_line_and_column(files, content, message):
    result = run("plan", files("lines.csv", content))
    assert result.returncode == 2
    assert result.stdout == "", "nothing half-written"
    assert message in result.stderr


def test_bad_demand_is_refused_whole(files):
    lines = files("lines.csv", HEADER + "A,S1,5,,,min_max,10,50,,,,,,,,,,\n")
    demand = files(
        "demand.csv",
        "product,location,date,quantity\nA,S1,2026-13-01,3\nA,S1,2026-11-02,x\n",
    )
    result = run("plan", lines, "--demand", demand)
    assert result.returncode == 2 and result.stdout == ""
    assert (
        "demand.csv:2: column 'date': '2026-13-01' is not a date (YYYY-MM-DD)"
        in result.stderr
    )
    assert "demand.csv:3: column 'quantity': 'x' is not a number" in result.stderr


def test_missing_file_is_a_clear_error(tmp_path):
    result = run("plan", tmp_path / "nope.csv")
    assert result.returncode == 2 and result.stdout == ""
    assert "nope.csv: No such file or directory" in result.stderr


def test_engine_and_intake_never_import_odoo():
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, vmi_management.engine, vmi_management.engine.cli, "
            "vmi_management.intake; "
            "print(sorted(name for name in sys.modules "
            "if name == 'odoo' or name.startswith('odoo.')))",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "[]"
