"""A process in a real browser: started from the processes page, its diagram drawn from the modeler's BPMNDI with
the waiting task highlighted, and its task completed through the form the BPMN file declares."""
import pytest

pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")

from conftest import run  # noqa: E402
from test_browser import browser, wait, fill, sign_in  # noqa: E402,F401
from test_processes import api  # noqa: E402

QUOTE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="q">
  <bpmn:process id="quote" name="Oferta" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="price"/>
    <bpmn:userTask id="price" name="Wyceń ofertę">
      <bpmn:extensionElements><camunda:formData><camunda:formField id="amount" label="Kwota" type="long"/></camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="price" targetRef="end"/>
    <bpmn:endEvent id="end" name="Gotowe"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="quote">
    <bpmndi:BPMNShape id="s1" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s2" bpmnElement="price"><dc:Bounds x="190" y="78" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s3" bpmnElement="end"><dc:Bounds x="350" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e1" bpmnElement="f1"><di:waypoint x="136" y="118"/><di:waypoint x="190" y="118"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e2" bpmnElement="f2"><di:waypoint x="290" y="118"/><di:waypoint x="350" y="118"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def test_a_person_starts_a_process_and_completes_its_task_in_the_browser(browser, sqlite_server, data_dir):
    from selenium.webdriver.common.by import By

    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    api(base, token, "POST", "/processes", data=QUOTE.encode(), headers={"Content-Type": "application/xml"})
    sign_in(browser, base)

    browser.get(f"{base}/processes")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=start-quote]").click()
    wait(browser, 10).until(lambda b: "/processes/instances/" in b.current_url)
    task = browser.find_element(By.CSS_SELECTOR, "[data-testid=process-diagram] [data-node=price]")
    assert "current" in task.get_attribute("class")
    assert "done" in browser.find_element(By.CSS_SELECTOR, "[data-testid=process-diagram] [data-node=start]").get_attribute("class")

    fill(browser, "field_amount", "2500")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=task-form] button[type=submit]").click()
    # The old page's status element goes stale while the form's redirect loads the new one.
    wait(browser, 10).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "[data-testid=process-status]").text == "completed")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=task-form]")
    assert "done" in browser.find_element(By.CSS_SELECTOR, "[data-testid=process-diagram] [data-node=end]").get_attribute("class")
    assert "2500" in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=process-trail]").text.splitlines()[-1] == "Gotowe"
