"""Pytest configuration for integration tests.

Changed for oxido-sim (see ../../README.md): the clients talk to the emulator the
`oxido_sim_session` fixture starts, and the invoice and Spaces fixtures return a value.
"""

from os import environ

import pytest

from cryptography.hazmat.backends import default_backend as crypto_default_backend
from cryptography.hazmat.primitives import serialization as crypto_serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pydo import Client
from pydo.aio import Client as aioClient


@pytest.fixture(scope="session")
def integration_client(oxido_sim_session) -> Client:
    """Instantiates a pydo Client for use with integration tests.

    The client requires the environment variable DIGITALOCEAN_TOKEN with a valid API
    token.

    *IMPORTANT*: Use of this client will create real resources on the
    account.
    """

    sim = oxido_sim_session
    return Client(sim.token, endpoint=sim.url, connection_verify=sim.ca_path)


@pytest.fixture(scope="session")
def async_integration_client(oxido_sim_session) -> aioClient:
    """Instantiates a pydo Client for use with integration tests.

    The client requires the environment variable DIGITALOCEAN_TOKEN with a valid API
    token.

    *IMPORTANT*: Use of this client will create real resources on the
    account.
    """

    sim = oxido_sim_session
    return aioClient(sim.token, endpoint=sim.url, connection_verify=sim.ca_path)


@pytest.fixture(scope="session")
def public_key() -> bytes:
    """Create SSH public key material."""
    key = rsa.generate_private_key(
        backend=crypto_default_backend(), public_exponent=65537, key_size=2048
    )

    public_key_material = key.public_key().public_bytes(
        crypto_serialization.Encoding.OpenSSH, crypto_serialization.PublicFormat.OpenSSH
    )

    return public_key_material


@pytest.fixture(scope="module")
def invoice_uuid_param(integration_client):
    """Gets invoice UUID: the variable's, or the emulator's first invoice."""
    invoice_uuid = environ.get("INVOICE_UUID_PARAM", None)

    if invoice_uuid is None:
        invoice_uuid = integration_client.invoices.list()["invoices"][0]["invoice_uuid"]
    return invoice_uuid


@pytest.fixture(scope="session")
def spaces_endpoint() -> str:
    """Get the spaces endpoint"""
    spaces = environ.get("SPACES_ENDPOINT", "oxido-sim-cdn.nyc3.digitaloceanspaces.com")

    return spaces
