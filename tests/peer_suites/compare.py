"""Compare two runs of Odoo's own test suites: with vmi_management installed and without
it.

Each run is a mapping ``{test id: "passed" | "failed" | "skipped"}``, as
``runner.py`` writes it. A test the addon breaks is one that fails with the
addon and did not fail without it; a class or module that fails to set up
only with the addon counts too (its id names it). Framework-free, so the rules
are tested everywhere.
"""

import re

_SET_UP = re.compile(
    r"^(?:setUpClass|tearDownClass|setUpModule|tearDownModule) \((?P<path>[\w.]+)\)$"
)
_ADDON_PATH = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests\.(?P<rest>[\w.]+)$")


def counts(outcomes):
    """``(tests, failed, skipped)`` of one run; set-up failures count as failed
    tests."""
    values = list(outcomes.values())
    return len(values), values.count("failed"), values.count("skipped")


def failing_only_with(with_addon, without_addon):
    """Ids of the tests that fail with the addon and did not fail without it, sorted."""
    return sorted(
        test
        for test, outcome in with_addon.items()
        if outcome == "failed" and without_addon.get(test) != "failed"
    )


def tag_for(test_id):
    """Odoo's ``--test-tags`` spec selecting just this test (or the class or module that
    failed to set up).

    >>> tag_for("odoo.addons.stock.tests.test_move.StockMove.test_in_1")
    '/stock:StockMove.test_in_1'
    >>> tag_for("setUpClass (odoo.addons.stock.tests.test_move.StockMove)")
    '/stock:StockMove'
    """
    set_up = _SET_UP.match(test_id)
    path = set_up["path"] if set_up else test_id
    match = _ADDON_PATH.match(path)
    if not match:
        raise ValueError(f"not a test of an Odoo addon: {test_id!r}")
    parts = match["rest"].split(".")
    if set_up and set_up.group(0).split(" ")[0].endswith("Module"):
        return f"/{match['module']}"
    if set_up:
        return f"/{match['module']}:{parts[-1]}"
    return f"/{match['module']}:{parts[-2]}.{parts[-1]}"


def confirmed_breakage(suspects, retry_with, retry_without):
    """Of the suspects, those that fail again with the addon and pass again without it.

    A suspect that passes when run again with the addon, or fails again
    without it, is flaky or depends on the order tests run in: it is reported
    but not held against the addon.
    """
    return [
        test
        for test in suspects
        if retry_with.get(test, "failed") == "failed"
        and retry_without.get(test) != "failed"
    ]
