"""The first hour, per role and language: a rep, a manager, an admin and a service agent click through the main
pages of the demo company in each of our five languages. Every page must have the navigation, and no text the
product writes may be left in English, shown as a raw key or enum value, or as a bare "#17" where a name belongs."""
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import requests

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402

from conftest import ROOT, Server, run  # noqa: E402
from test_browser import browser, wait, fill  # noqa: E402,F401

LOCALES = ROOT / "Sources" / "CRMWeb" / "Resources" / "Locales"
PASSWORD = "clientele-demo"
ROLES = {
    "rep": "lukasz.wisniewski@clientele.test",
    "manager": "elena.smirnova@clientele.test",
    "admin": "admin@clientele.test",
    "agent": "emily.clarke@clientele.test",
}
LANGUAGES = ["en", "pl", "ru", "hu", "bg"]
# What the demo's English-speaking team writes; the Polish and Russian teams' customers must not read so.
ENGLISH_DEMO = ["Send the revised offer", "Call about the budget", "Prepare the demo", "Ask for the decision date", "Confirm delivery terms",
                "Follow-up call", "Meeting at the customer", "Licences 20", "Implementation 20", "Support plan 20"]
# Stored values that must never reach a reader as such.
RAW_VALUES = {
    "open", "won", "lost", "task", "call", "email", "meeting", "note", "inbound", "outbound", "new", "working", "qualified",
    "disqualified", "converted", "sales_manager", "sales_rep", "service_agent", "low", "normal", "high", "best_case", "commit",
    "omitted", "pipeline", "true", "false", "running", "completed", "failed", "form_filled", "email_answered",
}
# Words that read the same in English and a language of ours, or are names, so they prove nothing.
NEUTRAL = {"OK", "E-mail", "Email", "Excel", "CSV", "API", "ID", "Clientele", "Lead", "Leads", "Start", "Status", "Team", "Admin", "Online", "Web"}
# A text node the product writes: the visible text of elements, each node on its own.
TEXT_NODES = """
const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
const texts = [];
while (walker.nextNode()) {
  const node = walker.currentNode;
  const element = node.parentElement;
  if (!element || element.closest('script,style,code,[data-user-data],textarea,option')) continue;
  if (!element.offsetParent && getComputedStyle(element).position !== 'fixed') continue;
  const text = node.textContent.trim();
  if (text) texts.push(text);
}
return texts;
"""


@pytest.fixture(scope="module")
def demo():
    directory = tempfile.mkdtemp(prefix="clientele-first-hour-")
    run("demo", "--data-dir", directory)
    server = Server("--data-dir", directory)
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


def catalog(language):
    return json.loads((LOCALES / f"{language}.json").read_text())


def pages_for(base, session, role):
    """The main pages of a role, with one record of each kind it can see."""
    def first(collection):
        page = session.get(f"{base}/{collection}")
        match = re.search(rf'href="/{collection}/(\d+)"', page.text)
        return f"/{collection}/{match.group(1)}" if match else None

    pages = ["/", "/my-day", "/companies", "/contacts", "/leads", "/deals", "/activities", "/processes", "/search?q=a", "/settings"]
    pages += [p for p in (first("companies"), first("contacts"), first("leads"), first("deals"), first("activities")) if p]
    if role != "agent":
        pages += ["/board", "/reports", "/reports/funnel", "/reports/forecast", "/reports/losses", "/imports"]
    if role == "admin":
        pages += ["/admin/users", "/admin/teams", "/admin/roles", "/admin/pipelines", "/admin/leads", "/admin/fields"]
    return pages


def sign_in(driver, base, email):
    driver.delete_all_cookies()
    driver.get(f"{base}/login")
    fill(driver, "email", email)
    fill(driver, "password", PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, 10).until(lambda d: d.current_url.rstrip("/") == base)


@pytest.mark.parametrize("role", list(ROLES))
def test_the_first_hour_in_every_language(browser, demo, role):
    base = demo.url
    email = ROLES[role]
    admin = requests.Session()
    page = admin.get(f"{base}/login")
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    admin.post(f"{base}/login", data={"_csrf": token, "email": ROLES["admin"], "password": PASSWORD, "next": ""})
    csrf = re.search(r'name="_csrf" value="([^"]+)"', admin.get(f"{base}/").text).group(1)
    users = admin.get(f"{base}/api/v1/users").json()["items"]
    user = next(u for u in users if u["email"] == email)
    english = catalog("en")
    problems = []
    for language in LANGUAGES:
        response = admin.patch(f"{base}/api/v1/users/{user['id']}", json={"locale": language}, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 200, response.text
        own = catalog(language)
        # English sentences this language says otherwise: seeing one means a string was not translated.
        # (A word both languages write the same, such as "Region" or "Role" in Polish, proves nothing.)
        leaks = {text for key, text in english.items() if own.get(key, text) != text and len(text) > 3 and text not in NEUTRAL} - set(own.values())
        sign_in(browser, base, email)
        session = requests.Session()
        for cookie in browser.get_cookies():
            session.cookies.set(cookie["name"], cookie["value"])
        for path in pages_for(base, session, role):
            browser.get(base + path)
            where = f"{role} {language} {path}"
            if not browser.find_elements(By.CSS_SELECTOR, "nav#nav a[href='/my-day']"):
                problems.append(f"{where}: no navigation")
                continue
            if role in ("rep", "manager"):
                body = browser.find_element(By.TAG_NAME, "main").text
                problems += [f"{where}: demo data in English {phrase!r}" for phrase in ENGLISH_DEMO if phrase in body]
            for text in browser.execute_script(TEXT_NODES):
                if re.fullmatch(r"#\d+", text):
                    problems.append(f"{where}: a raw id {text!r}")
                elif text in RAW_VALUES or re.fullmatch(r"[a-z]+(_[a-z]+)+", text):
                    problems.append(f"{where}: a raw value {text!r}")
                elif language != "en" and text.rstrip(":") in leaks:
                    problems.append(f"{where}: English {text!r}")
    assert not problems, "\n".join(sorted(set(problems))[:80]) + f"\n({len(set(problems))} in all)"
