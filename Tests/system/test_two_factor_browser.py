"""Two-factor sign-in as users meet it: set up with a key typed into an authenticator app, sign in with its code, a
wrong or replayed code refused, recovery codes used once, sessions ended from another browser, and a role that
requires it. The authenticator is Python's standard library (HMAC-SHA1, RFC 6238), not code of ours."""
import base64
import hashlib
import hmac
import struct
import time

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402

from conftest import PASSWORD, login, run  # noqa: E402
from test_browser import browser, fill, sign_in, wait  # noqa: E402,F401


def totp(key, at=None, step=30, digits=6):
    """RFC 6238 as an authenticator app computes it."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** digits).zfill(digits)


def key_of(text):
    """The key as the page shows it for typing: base32 in groups of four."""
    compact = text.replace(" ", "")
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "[data-testid=user-menu]").click()
    driver.find_element(By.CSS_SELECTOR, "[data-testid=logout]").click()
    wait(driver, 10).until(lambda d: "/login" in d.current_url)


def password_step(driver, base, email="admin@example.com"):
    driver.get(f"{base}/login")
    fill(driver, "email", email)
    fill(driver, "password", PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, 10).until(lambda d: "/login/code" in d.current_url)


def enter_code(driver, code):
    field = driver.find_element(By.CSS_SELECTOR, "[data-testid=code]")
    field.clear()
    field.send_keys(code)
    driver.find_element(By.CSS_SELECTOR, "[data-testid=code-submit]").click()


def test_sign_in_with_a_code_from_an_authenticator_app(browser, sqlite_server, data_dir):
    base = sqlite_server.url
    sign_in(browser, base)
    browser.get(f"{base}/settings/two-factor")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=begin]").click()
    key = key_of(wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=totp-key]")).text)
    assert "otpauth://totp/" in browser.find_element(By.CSS_SELECTOR, "[data-testid=totp-link]").get_attribute("href")
    enrolled = totp(key)
    fill(browser, "code", enrolled)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=confirm]").click()
    codes = [item.text for item in wait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=recovery-codes] code"))]
    assert len(codes) == 10 and len(set(codes)) == 10

    # The password alone no longer opens anything: every page sends back to the code.
    sign_out(browser)
    password_step(browser, base)
    browser.get(f"{base}/companies")
    assert "/login" in browser.current_url
    browser.get(f"{base}/login/code")

    wrong = "000000" if enrolled != "000000" else "111111"
    enter_code(browser, wrong)
    assert "/login/code" in browser.current_url and browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    # The code that turned it on was used: seen over a shoulder, it opens nothing.
    enter_code(browser, enrolled)
    assert "/login/code" in browser.current_url and browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    # The app's next code (a step ahead is allowed for clocks that drift) signs in.
    enter_code(browser, totp(key, time.time() + 30))
    wait(browser, 10).until(expected_conditions.url_to_be(f"{base}/"))

    # A recovery code signs in once.
    sign_out(browser)
    password_step(browser, base)
    enter_code(browser, codes[0])
    wait(browser, 10).until(expected_conditions.url_to_be(f"{base}/"))
    sign_out(browser)
    password_step(browser, base)
    enter_code(browser, codes[0])
    assert "/login/code" in browser.current_url

    # A second browser (a script) is signed in elsewhere; the user sees it and ends it.
    enter_code(browser, codes[1])
    wait(browser, 10).until(expected_conditions.url_to_be(f"{base}/"))
    browser.get(f"{base}/settings/two-factor")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=codes-left]").text == "8"


def test_sessions_are_listed_and_ended(browser, sqlite_server):
    base = sqlite_server.url
    elsewhere, _ = login(base, "admin@example.com")
    assert elsewhere.get(f"{base}/companies", allow_redirects=False).status_code == 200
    sign_in(browser, base)
    browser.get(f"{base}/settings/sessions")
    rows = browser.find_elements(By.CSS_SELECTOR, "[data-testid=session]")
    assert len(rows) == 2 and browser.find_elements(By.CSS_SELECTOR, "[data-testid=current-session]")
    assert "python-requests" in browser.find_element(By.CSS_SELECTOR, "[data-testid=sessions]").text
    browser.find_element(By.CSS_SELECTOR, "[data-testid=end-session]").click()
    wait(browser, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid=session]")) == 1)
    assert elsewhere.get(f"{base}/companies", allow_redirects=False).status_code == 303, "the ended session still works"


def test_a_role_can_require_it(browser, sqlite_server, data_dir):
    base = sqlite_server.url
    run("user", "add", "--data-dir", data_dir, "--email", "jan@example.com", "--name", "Jan Kowalski", "--role", "sales_rep",
        "--locale", "pl", "--password-stdin", stdin=PASSWORD + "\n")
    sign_in(browser, base)
    browser.get(f"{base}/admin/roles")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=two-factor-sales_rep]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save-two-factor-roles]").click()
    wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=two-factor-sales_rep]").is_selected())
    sign_out(browser)

    browser.get(f"{base}/login")
    fill(browser, "email", "jan@example.com")
    fill(browser, "password", PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, 10).until(lambda d: "/settings/two-factor" in d.current_url)
    assert "logowania dwuetapowego" in browser.find_element(By.CSS_SELECTOR, "[data-testid=must-enroll]").text
    browser.get(f"{base}/deals")
    assert "/settings/two-factor" in browser.current_url, "a page opened before two-factor sign-in was set up"
    browser.find_element(By.CSS_SELECTOR, "[data-testid=begin]").click()
    key = key_of(wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=totp-key]")).text)
    fill(browser, "code", totp(key))
    browser.find_element(By.CSS_SELECTOR, "[data-testid=confirm]").click()
    wait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=recovery-codes]"))
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=disable]"), "a required second factor can be turned off"
    browser.get(f"{base}/deals")
    assert browser.current_url.startswith(f"{base}/deals")
