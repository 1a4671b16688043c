"""Runs pydo's own integration suite, written against the real API, on oxido-sim.

Tests that cannot pass against the real API either are expected to fail, each with its
reason; `strict` makes one that starts passing fail the run, so this list cannot go stale.
"""

import pytest

KNOWN_TEST_DEFECTS = {
    "tests/integration/test_droplets.py::test_droplet_attach_volume": (
        "reads `volume` from a volume action's answer, which the API answers with `action` "
        "alone (the description's volumeActions_post response; godo's actionRoot)"
    ),
    "tests/integration/test_images.py::test_images": (
        "reads `tag_name` from an image, a member images do not have (the description's "
        "`image` schema; godo's Image struct)"
    ),
    "tests/integration/test_billing.py::test_billing_get_invoice_by_uuid": (
        "reads `billing_history` from an invoice, which answers `invoice_items` (the "
        "description's invoices_get_byUUID); upstream its fixture returns no uuid, so it never ran"
    ),
    "tests/integration/test_billing.py::test_billing_get_invoice_csv_by_uuid": (
        "pydo decodes the `text/csv` answer as JSON and raises JSONDecodeError"
    ),
}

# Tests left out of this run, each with why.
LEFT_OUT = {
    "tests/integration/test_app_deployment.py::test_app_deployment_lifecycle": (
        "sleeps 120 s so that a real build is still running when it cancels the deployment; "
        "the emulator's deployments end after the action duration"
    ),
}


def pytest_collection_modifyitems(items):
    for item in items:
        why = KNOWN_TEST_DEFECTS.get(item.nodeid)
        if why:
            item.add_marker(pytest.mark.xfail(reason=why, strict=True))
        why = LEFT_OUT.get(item.nodeid)
        if why:
            item.add_marker(pytest.mark.skip(reason=why))
