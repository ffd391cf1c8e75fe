"""Run Odoo modules' own tests on an existing database and record each test's outcome.

    python3 tests/peer_suites/runner.py DB stock,sale_stock OUTCOMES.json \
        [--test-tags=/stock:TestClass.test_method,...] [other odoo-bin options]

The tests of the named modules (at_install and post_install alike) run once the
database's whole registry is loaded, so every installed addon's overrides are
in place while they run: on a database with vmi_management installed they show
what the addon changes in those modules' behaviour. Odoo's own log goes on as
usual; OUTCOMES.json receives ``{test id: "passed" | "failed" | "skipped"}``,
where a test id is a method's dotted path, or ``setUpClass (<class path>)`` /
``setUpModule (<module path>)`` when a class or module failed to set up.
Run by ``run-tests --peer-suites``, which compares two such runs.
"""

import atexit
import json
import sys

import odoo
from odoo.tests import case, loader, result

database, targets, outcomes_path, extra = (
    sys.argv[1],
    sys.argv[2].split(","),
    sys.argv[3],
    sys.argv[4:],
)
outcomes = {}


def record(test, outcome):
    """Keep the worst outcome of a test: a failed subtest fails its test."""
    test_id = test.test_case.id() if isinstance(test, case._SubTest) else test.id()
    if outcomes.get(test_id) != "failed":
        outcomes[test_id] = outcome


def recording(method, outcome):
    def wrapper(self, test, *args):
        record(test, outcome)
        return method(self, test, *args)

    return wrapper


result.OdooTestResult.addSuccess = recording(result.OdooTestResult.addSuccess, "passed")
result.OdooTestResult.addSkip = recording(result.OdooTestResult.addSkip, "skipped")
result.OdooTestResult.addFailure = recording(result.OdooTestResult.addFailure, "failed")
result.OdooTestResult.addError = recording(result.OdooTestResult.addError, "failed")

make_suite = loader.make_suite


def make_peer_suite(module_names, position="at_install"):
    """The post-install suite of the loaded registry: every test of the target
    modules."""
    if position != "post_install":
        return make_suite(module_names, position)
    suite = make_suite(targets, "at_install")
    suite.addTests(make_suite(targets, "post_install"))
    return suite


def write_outcomes():
    with open(outcomes_path, "w") as file:
        json.dump(outcomes, file, indent=1, sort_keys=True)


loader.make_suite = make_peer_suite
atexit.register(write_outcomes)
if not any(arg.startswith("--test-tags") for arg in extra):
    extra.append("--test-tags=" + ",".join(f"/{module}" for module in targets))
sys.argv = [
    "odoo-bin",
    "server",
    "-d",
    database,
    "--test-enable",
    "--stop-after-init",
    *extra,
]
odoo.cli.main()
