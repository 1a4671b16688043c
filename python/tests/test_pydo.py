"""pydo, unchanged, against the oxido_sim fixture over HTTPS.

Run against the installed wheel: `pytest python/tests` (see .ci/run). Nothing here patches
pydo or azure-core; the fixture's URL and CA are all the client gets.
"""

import time

import pydo
import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

REGION = "nyc3"
SIZE = "s-1vcpu-1gb"
IMAGE = "ubuntu-22-04-x64"


def client_for(sim, **kwargs):
    # The only wiring a pydo user needs: the emulator's URL and its CA.
    return pydo.Client(sim.token, endpoint=sim.url, connection_verify=sim.ca_path, **kwargs)


@pytest.fixture
def client(oxido_sim):
    return client_for(oxido_sim)


def wait_for_action(client, action_id, timeout=20.0):
    """Polls an action until it leaves in-progress, as a pydo user would."""
    deadline = time.monotonic() + timeout
    while True:
        action = client.actions.get(action_id)["action"]
        if action["status"] != "in-progress" or time.monotonic() > deadline:
            return action
        time.sleep(0.05)


def with_status(call, *args, **kwargs):
    """(HTTP status, body) of a pydo call. pydo returns the body of a documented 404 instead
    of raising, and raises ResourceNotFoundError for the others; `cls` sees both."""
    try:
        return call(*args, cls=lambda response, body, headers: (response.http_response.status_code, body), **kwargs)
    except ResourceNotFoundError as error:
        return error.status_code, None


def wait_for(read, done, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_the_fixture_serves_https_with_its_own_ca(oxido_sim):
    assert oxido_sim.url.startswith("https://127.0.0.1:")
    with open(oxido_sim.ca_path) as handle:
        assert handle.read().startswith("-----BEGIN CERTIFICATE-----")


def test_a_client_that_does_not_trust_the_ca_is_refused(oxido_sim):
    from azure.core.exceptions import ServiceRequestError

    stranger = pydo.Client(oxido_sim.token, endpoint=oxido_sim.url, retry_total=0)
    with pytest.raises(ServiceRequestError) as refused:
        stranger.account.get()
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)
    assert oxido_sim.requests() == []


@pytest.mark.oxido_sim(action_duration="200ms")
def test_droplet_create_action_and_wait(oxido_sim, client):
    made = client.droplets.create(
        body={"name": "py-web-1", "region": REGION, "size": SIZE, "image": IMAGE, "tags": ["py"]}
    )
    droplet = made["droplet"]
    assert droplet["status"] == "new"
    create_action = made["links"]["actions"][0]
    assert wait_for_action(client, create_action["id"])["status"] == "completed"
    assert client.droplets.get(droplet["id"])["droplet"]["status"] == "active"

    posted = client.droplet_actions.post(droplet["id"], body={"type": "power_off"})["action"]
    assert posted["status"] == "in-progress"
    assert wait_for_action(client, posted["id"])["status"] == "completed"
    assert client.droplets.get(droplet["id"])["droplet"]["status"] == "off"
    listed = client.droplet_actions.list(droplet["id"])["actions"]
    assert {a["type"] for a in listed} >= {"create", "power_off"}

    sent = [(r["method"], r["path"]) for r in oxido_sim.requests()]
    assert ("POST", "/v2/droplets") in sent
    assert ("POST", "/v2/droplets/%d/actions" % droplet["id"]) in sent


@pytest.mark.oxido_sim(action_duration="100ms")
def test_volumes(client):
    volume = client.volumes.create(
        body={"name": "py-data", "size_gigabytes": 10, "region": REGION, "filesystem_type": "ext4"}
    )["volume"]
    assert volume["size_gigabytes"] == 10
    assert client.volumes.get(volume["id"])["volume"]["name"] == "py-data"
    names = [v["name"] for v in client.volumes.list()["volumes"]]
    assert "py-data" in names
    client.volumes.delete(volume["id"])
    status, body = with_status(client.volumes.get, volume["id"])
    assert status == 404 and body["id"] == "not_found"


def test_domains_and_records(client):
    client.domains.create(body={"name": "py-example.com"})
    record = client.domains.create_record(
        "py-example.com", body={"type": "A", "name": "www", "data": "203.0.113.10", "ttl": 1800}
    )["domain_record"]
    assert record["data"] == "203.0.113.10"
    records = client.domains.list_records("py-example.com")["domain_records"]
    assert record["id"] in [r["id"] for r in records]
    client.domains.delete_record("py-example.com", record["id"])
    records = client.domains.list_records("py-example.com")["domain_records"]
    assert record["id"] not in [r["id"] for r in records]


@pytest.mark.oxido_sim(action_duration="200ms")
def test_kubernetes(client):
    cluster = client.kubernetes.create_cluster(
        body={
            "name": "py-k8s",
            "region": REGION,
            "version": "latest",
            "node_pools": [{"size": "s-1vcpu-2gb", "count": 2, "name": "workers"}],
        }
    )["kubernetes_cluster"]
    running = wait_for(
        lambda: client.kubernetes.get_cluster(cluster["id"])["kubernetes_cluster"],
        lambda c: c["status"]["state"] == "running",
    )
    assert running["status"]["state"] == "running"
    pools = client.kubernetes.list_node_pools(cluster["id"])["node_pools"]
    assert [p["name"] for p in pools] == ["workers"]


@pytest.mark.oxido_sim(action_duration="200ms")
def test_databases(client):
    db = client.databases.create_cluster(
        body={"name": "py-db", "engine": "pg", "version": "16", "region": REGION, "size": "db-s-1vcpu-1gb", "num_nodes": 1}
    )["database"]
    online = wait_for(
        lambda: client.databases.get_cluster(db["id"])["database"],
        lambda d: d["status"] == "online",
    )
    assert online["status"] == "online"
    assert "py-db" in [d["name"] for d in client.databases.list_clusters()["databases"]]


def test_apps(client):
    app = client.apps.create(
        body={
            "spec": {
                "name": "py-app",
                "region": "nyc",
                "services": [
                    {
                        "name": "web",
                        "github": {"repo": "digitalocean/sample-golang", "branch": "main"},
                        "instance_count": 1,
                        "instance_size_slug": "apps-s-1vcpu-0.5gb",
                    }
                ],
            }
        }
    )["app"]
    assert app["spec"]["name"] == "py-app"
    assert client.apps.get(app["id"])["app"]["id"] == app["id"]
    deployments = client.apps.list_deployments(app["id"])["deployments"]
    assert len(deployments) >= 1


def test_projects(client):
    project = client.projects.create(
        body={"name": "py-project", "purpose": "Service or API", "environment": "Development"}
    )["project"]
    droplet = client.droplets.create(body={"name": "py-in-project", "region": REGION, "size": SIZE, "image": IMAGE})[
        "droplet"
    ]
    urn = "do:droplet:%d" % droplet["id"]
    client.projects.assign_resources(project["id"], body={"resources": [urn]})
    resources = client.projects.list_resources(project["id"])["resources"]
    assert urn in [r["urn"] for r in resources]


def test_tags(client):
    client.tags.create(body={"name": "py-tag"})
    droplet = client.droplets.create(body={"name": "py-tagged", "region": REGION, "size": SIZE, "image": IMAGE})[
        "droplet"
    ]
    client.tags.assign_resources(
        "py-tag", body={"resources": [{"resource_id": str(droplet["id"]), "resource_type": "droplet"}]}
    )
    tagged = client.droplets.list(tag_name="py-tag")["droplets"]
    assert [d["id"] for d in tagged] == [droplet["id"]]
    assert client.tags.get("py-tag")["tag"]["resources"]["droplets"]["count"] == 1


@pytest.mark.oxido_sim(seed="empty")
def test_pagination(client):
    names = ["py-page-%d" % i for i in range(5)]
    client.droplets.create(body={"names": names, "region": REGION, "size": SIZE, "image": IMAGE})
    seen, page = [], 1
    while page <= 10:
        answer = client.droplets.list(per_page=2, page=page)
        seen += [d["name"] for d in answer["droplets"]]
        assert answer["meta"]["total"] == 5
        if "next" not in answer["links"].get("pages", {}):
            break
        assert answer["links"]["pages"]["next"].startswith("https://")
        page += 1
    assert page == 3
    assert sorted(seen) == names


def test_a_404_from_fault_injection(oxido_sim, client):
    # The demo Droplet exists; the fault makes its read answer 404 once.
    assert client.droplets.get(3164444)["droplet"]["id"] == 3164444
    oxido_sim.admin.fail_status(404, route="/v2/droplets/{droplet_id}", method="GET", times=1)
    status, body = with_status(client.droplets.get, 3164444)
    assert status == 404 and body["id"] == "not_found", body
    assert client.droplets.get(3164444)["droplet"]["id"] == 3164444


def test_a_429_from_fault_injection(oxido_sim):
    client = client_for(oxido_sim, retry_total=0)
    oxido_sim.admin.fail_status(429, route="/v2/account", retry_after=1)
    with pytest.raises(HttpResponseError) as limited:
        client.account.get()
    assert limited.value.status_code == 429
    assert limited.value.response.headers["retry-after"] == "1"
    oxido_sim.admin.clear_faults()
    assert client.account.get()["account"]["status"] == "active"


@pytest.mark.oxido_sim(action_duration="100ms")
def test_admin_action_duration_and_failing_actions(oxido_sim, client):
    oxido_sim.admin.set_action_duration("1h")
    slow = client.droplet_actions.post(3164444, body={"type": "reboot"})["action"]
    time.sleep(0.2)
    assert client.actions.get(slow["id"])["action"]["status"] == "in-progress"
    oxido_sim.admin.set_action_duration("50ms")
    oxido_sim.admin.fail_actions("power_cycle")
    failed = client.droplet_actions.post(3164450, body={"type": "power_cycle"})["action"]
    assert wait_for_action(client, failed["id"])["status"] == "errored"


def test_plain_http_on_request(pytestconfig):
    # The marker's http=True gives a plain-HTTP emulator (no CA); started by hand here to
    # show the same options outside a fixture.
    from oxido_sim.pytest_plugin import start

    sim = start({"http": True, "seed": "empty"})
    try:
        assert sim.url.startswith("http://") and sim.ca_path is None
        assert sim.admin.requests() == []
    finally:
        sim.close()
    assert sim.process.poll() is not None


def test_reset(oxido_sim, client):
    client.tags.create(body={"name": "py-gone"})
    assert with_status(client.tags.get, "py-gone")[0] == 200
    oxido_sim.admin.reset()
    assert with_status(client.tags.get, "py-gone")[0] == 404


def test_export_and_import_state(oxido_sim, client):
    try:
        before = oxido_sim.admin.export_state()
    except Exception as error:  # noqa: BLE001 - the message decides
        if "answered 404" in str(error):
            pytest.skip("this emulator has no GET /_sim/state yet (admin contract, simstate)")
        raise
    assert before["format"] == "oxido-sim-state" and before["version"] == 1
    client.tags.create(body={"name": "py-after-export"})
    client.tags.get("py-after-export")
    oxido_sim.admin.import_state(before)
    assert with_status(client.tags.get, "py-after-export")[0] == 404
