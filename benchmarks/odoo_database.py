"""A throw-away database with vmi_management installed, for the benchmarks that need a
real Odoo.

Needs Odoo 18 importable and a local PostgreSQL, as ./run-tests does.
"""

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def addons_path():
    """Odoo's addons and this repository, or exit with a clear message when Odoo is
    missing."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import odoo, os; print(os.path.dirname(odoo.__file__))",
        ],
        capture_output=True,
        text=True,
    )
    if probe.returncode:
        sys.exit(
            "Odoo 18 is not importable: this benchmark needs a real Odoo and "
            "PostgreSQL."
        )
    odoo_root = Path(probe.stdout.strip())
    return ",".join(
        str(path)
        for path in (REPO, odoo_root / "addons", odoo_root.parent / "addons")
        if path.is_dir()
    )


def configure(database):
    """Point Odoo's configuration at ``database``; returns the addons path."""
    import odoo

    path = addons_path()
    odoo.tools.config.parse_config(
        ["-d", database, f"--addons-path={path}", "--log-level=warn"]
    )
    return path


def install(database, path):
    subprocess.run(["dropdb", "--if-exists", database], check=True)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import odoo.cli; odoo.cli.main()",
            "-d",
            database,
            f"--addons-path={path}",
            "-i",
            "vmi_management",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
        cwd=REPO,
    )


@contextmanager
def fresh_database(database, path):
    """A registry on a new database with the module installed, dropped afterwards."""
    import odoo
    from odoo.modules.registry import Registry

    install(database, path)
    try:
        yield Registry(database)
    finally:
        Registry.delete(database)
        odoo.sql_db.close_db(database)
        subprocess.run(["dropdb", "--if-exists", database], check=True)
