"""The README's "For pydo users" example, verbatim (test_plugin.py checks they match)."""

import time

import pydo
import pytest


@pytest.mark.oxido_sim(action_duration="200ms")
def test_create_a_droplet_and_wait(oxido_sim):
    client = pydo.Client(oxido_sim.token, endpoint=oxido_sim.url, connection_verify=oxido_sim.ca_path)

    made = client.droplets.create(
        body={"name": "web-1", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}
    )
    action_id = made["links"]["actions"][0]["id"]
    deadline = time.monotonic() + 10
    while client.actions.get(action_id)["action"]["status"] == "in-progress":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert client.droplets.get(made["droplet"]["id"])["droplet"]["status"] == "active"

    sent = [(r["method"], r["path"]) for r in oxido_sim.requests()]
    assert ("POST", "/v2/droplets") in sent
    assert ("GET", "/v2/actions/%d" % action_id) in sent


def test_rate_limited(oxido_sim):
    client = pydo.Client(oxido_sim.token, endpoint=oxido_sim.url, connection_verify=oxido_sim.ca_path,
                         retry_total=0)
    oxido_sim.admin.fail_status(429, route="/v2/account", retry_after=1)
    with pytest.raises(pydo.exceptions.HttpResponseError) as limited:
        client.account.get()
    assert limited.value.status_code == 429
