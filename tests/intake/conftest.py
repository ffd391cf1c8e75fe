from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "vmi_management" / "tests" / "samples"


@pytest.fixture
def sample():
    """The bytes of a sample document, as the Odoo tests use them."""
    return lambda name: (SAMPLES / name).read_bytes()
