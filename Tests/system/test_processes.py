"""Durable processes with real servers: instances waiting on timers and tasks survive SIGKILL and finish exactly
once, and two nodes over one PostgreSQL database never fire a timer twice."""
import os
import sqlite3
import time
from pathlib import Path

import requests

from conftest import PASSWORD, Server, run

RENEWAL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
  <bpmn:process id="renewal" name="Renewal" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:userTask id="call" name="Call the customer"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="offer"/>
    <bpmn:serviceTask id="offer" name="Send the offer" camunda:type="crm.create_activity">
      <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="subject">Send the offer</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="offer" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT2S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}, timeout=30, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def start_instances(base, token, count):
    """Each instance is bound to its own deal; its service task adds one activity to that deal."""
    api(base, token, "POST", "/processes", data=RENEWAL.encode(), headers={"Content-Type": "application/xml"})
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Odnowienia", "currency": "PLN", "stages": [{"name": "Kontakt", "probability": 10}]})
    deals = [api(base, token, "POST", "/deals", json={"title": f"Umowa {i}", "pipeline_id": pipeline["id"], "stage_id": pipeline["stages"][0]["id"], "amount": "100.00"})["id"] for i in range(count)]
    ids = [api(base, token, "POST", "/processes/renewal/instances", json={"record": {"type": "deal", "id": deal}})["id"] for deal in deals]
    # Half wait on their timer, half still on their task, when the server dies.
    for instance in ids[: count // 2]:
        task = api(base, token, "GET", f"/process-instances/{instance}")["open_tasks"][0]["token"]
        api(base, token, "POST", f"/process-instances/{instance}/tasks/{task}/complete", json={})
    return ids


def wait_until_done(base, token, ids, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        states = [api(base, token, "GET", f"/process-instances/{i}") for i in ids]
        if all(s["status"] == "completed" for s in states):
            return states
        time.sleep(0.3)
    raise AssertionError([(s["id"], s["status"], s["trail"]) for s in states])


def check_exactly_once(states):
    for state in states:
        assert state["trail"] == ["start", "call", "offer", "wait", "end"], state
        assert state["steps"] == 4, state  # start, task, service action, timer


def test_instances_survive_sigkill_and_finish_once(data_dir):
    run("migrate", "--data-dir", data_dir)
    run("user", "add", "--data-dir", data_dir, "--email", "admin@example.com", "--name", "Ada", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    server = Server("--data-dir", data_dir)
    ids = start_instances(server.url, token, 10)
    server.kill()
    server = Server("--data-dir", data_dir)
    try:
        for instance in ids[5:]:
            task = api(server.url, token, "GET", f"/process-instances/{instance}")["open_tasks"][0]["token"]
            api(server.url, token, "POST", f"/process-instances/{instance}/tasks/{task}/complete", json={})
        check_exactly_once(wait_until_done(server.url, token, ids))
    finally:
        server.stop()
    with sqlite3.connect(Path(data_dir) / "clientele.sqlite") as database:
        effects = dict(database.execute("SELECT instance_id, COUNT(*) FROM process_effects WHERE status = 'done' GROUP BY instance_id").fetchall())
        activities = database.execute("SELECT COUNT(*), COUNT(DISTINCT deal_id) FROM activities").fetchone()
    assert effects == {i: 1 for i in ids}, effects
    assert activities == (10, 10), activities


def test_two_nodes_never_fire_a_timer_twice(postgres_url):
    env = {**os.environ, "CLIENTELE_DATABASE_URL": postgres_url}
    run("migrate", env=env)
    run("user", "add", "--email", "admin@example.com", "--name", "Ada", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n", env=env)
    token = run("token", "create", "--user", "admin@example.com", env=env).strip()
    node_a, node_b = Server(env=env), Server(env=env)
    try:
        ids = start_instances(node_a.url, token, 20)
        for instance in ids[10:]:
            task = api(node_b.url, token, "GET", f"/process-instances/{instance}")["open_tasks"][0]["token"]
            api(node_b.url, token, "POST", f"/process-instances/{instance}/tasks/{task}/complete", json={})
        check_exactly_once(wait_until_done(node_b.url, token, ids))
        activities = api(node_a.url, token, "GET", "/activities?limit=200")["items"]
        assert len(activities) == 20 and len({a["deal_id"] for a in activities}) == 20, activities
    finally:
        node_a.stop()
        node_b.stop()

