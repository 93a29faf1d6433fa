"""The rep's workspace in a real browser: files dropped onto a deal, listed, downloaded, removed and brought back,
and out of reach of a rep from another team; a colleague mentioned in a comment, whose bell rings live."""
import pytest
import requests

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from conftest import login  # noqa: E402
from test_browser import CHROMEDRIVER, browser, wait, sign_in  # noqa: E402,F401
from test_daily_loop_browser import api, notice, world  # noqa: E402,F401

# A drop as the browser delivers it after the user lets go of a file from the desktop: a DataTransfer holding File
# objects, dispatched as dragover and drop on the zone. WebDriver cannot drag from outside the page.
DROP = """
const [zone, files] = arguments;
const transfer = new DataTransfer();
for (const [name, text] of files) transfer.items.add(new File([text], name, {type: "text/plain"}));
for (const type of ["dragenter", "dragover", "drop"]) {
  zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
}
"""


def file_names(driver):
    return [item.find_element(By.CSS_SELECTOR, "a").text for item in driver.find_elements(By.CSS_SELECTOR, "[data-testid=file]")]


def test_files_dropped_on_a_deal_are_listed_downloaded_removed_and_restored(browser, world):
    base, deal = world["base"], world["deal"]
    sign_in(browser, base, "lukasz@example.com")
    browser.get(f"{base}/deals/{deal['id']}")
    panel = browser.find_element(By.CSS_SELECTOR, "[data-testid=files]")
    assert panel.find_element(By.CSS_SELECTOR, "h2").text == "Pliki"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=files-none]").text == "Brak plików."
    zone = browser.find_element(By.CSS_SELECTOR, "[data-testid=file-drop]")
    browser.execute_script(DROP, zone, [["Oferta – Żerań.txt", "Cena: 48 200 zł"], ["Договор.txt", "Поставка форм"]])
    wait(browser, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid=file]")) == 2)
    assert sorted(file_names(browser)) == ["Oferta – Żerań.txt", "Договор.txt"]
    history = browser.find_element(By.CSS_SELECTOR, "main").text
    assert "dołączono plik" in history

    # The link downloads through the session, with the name as it was.
    link = browser.find_element(By.LINK_TEXT, "Oferta – Żerań.txt").get_attribute("href")
    cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    download = requests.get(link, cookies=cookies)
    assert download.status_code == 200 and download.content.decode() == "Cena: 48 200 zł"
    assert "filename*=UTF-8''Oferta%20%E2%80%93%20%C5%BBera%C5%84.txt" in download.headers["Content-Disposition"]

    # A rep of another team gets nothing by the same link.
    outsider = api(base, world["token"], "POST", "/users", json={"email": "obcy@example.com", "name": "Obcy", "role": "sales_rep",
                                                                   "password": "correct horse battery"})
    assert outsider["id"]
    session, _ = login(base, "obcy@example.com")
    assert session.get(link).status_code == 404
    assert session.get(f"{base}/deals/{deal['id']}").status_code == 404

    # Removing asks nothing and can be undone from the notice.
    item = next(item for item in browser.find_elements(By.CSS_SELECTOR, "[data-testid=file]") if "Договор" in item.text)
    item.find_element(By.CSS_SELECTOR, "[data-testid=file-remove]").click()
    shown = notice(browser, "Usunięto plik")
    assert "Договор.txt" in shown.text
    assert file_names(browser) == ["Oferta – Żerań.txt"]
    shown.find_element(By.CSS_SELECTOR, "[data-testid=notice-undo]").click()
    notice(browser, "Przywrócono plik")
    assert sorted(file_names(browser)) == ["Oferta – Żerań.txt", "Договор.txt"]


def test_a_file_too_large_is_refused_in_the_browser_before_it_is_sent(browser, world):
    base, deal = world["base"], world["deal"]
    sign_in(browser, base, "lukasz@example.com")
    browser.get(f"{base}/deals/{deal['id']}")
    zone = browser.find_element(By.CSS_SELECTOR, "[data-testid=file-drop]")
    browser.execute_script("arguments[0].dataset.maxBytes = '4';", zone)
    browser.execute_script(DROP, zone, [["duży.txt", "więcej niż cztery bajty"]])
    status = browser.find_element(By.CSS_SELECTOR, "[data-testid=file-status]")
    wait(browser, 5).until(lambda d: "Za duży" in status.text)
    assert "duży.txt" in status.text
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=files-none]")


def second_browser():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    return driver


def test_a_colleague_mentioned_in_a_comment_sees_the_bell_ring_live(browser, world):
    base, deal = world["base"], world["deal"]
    elena = second_browser()
    try:
        sign_in(elena, base, "elena@example.com")
        count = elena.find_element(By.CSS_SELECTOR, "[data-testid=unread]")
        assert count.text == ""
        # Wait until her page's stream is open, so what follows arrives live rather than with a page load.
        wait(elena, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=bell][data-live]"))

        sign_in(browser, base, "lukasz@example.com")
        browser.get(f"{base}/deals/{deal['id']}")
        assert browser.find_element(By.CSS_SELECTOR, "[data-testid=comments] h2").text == "Komentarze"
        area = browser.find_element(By.CSS_SELECTOR, "[data-testid=comment-body]")
        area.send_keys("@Еле")
        choice = wait(browser, 10).until(lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, "[data-testid=mention-choices] li")), None))
        assert choice.text.startswith("Елена Смирнова")
        ActionChains(browser).click(choice).perform()
        assert area.get_attribute("value") == "@Елена Смирнова "
        area.send_keys("czy możemy dać 12% rabatu?")
        browser.find_element(By.CSS_SELECTOR, "[data-testid=comment-post]").click()
        notice(browser, "Dodano komentarz")
        shown = browser.find_element(By.CSS_SELECTOR, "[data-testid=comment]").text
        assert "@Елена Смирнова czy możemy dać 12% rabatu?" in shown

        # Elena's page, untouched since it loaded, shows the count go up.
        wait(elena, 15).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=unread]").text == "1")
        elena.find_element(By.CSS_SELECTOR, "[data-testid=bell]").click()
        item = wait(elena, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=notification]"))
        assert "Łukasz Wiśniewski упоминает вас" in item.text and "Formy dla Żerania" in item.text
        item.find_element(By.CSS_SELECTOR, "a").click()
        wait(elena, 10).until(lambda d: f"/deals/{deal['id']}" in d.current_url)
        assert elena.find_element(By.CSS_SELECTOR, "[data-testid=unread]").text == ""
        assert "Елена Смирнова" in elena.find_element(By.CSS_SELECTOR, "[data-testid=comment-list]").text
    finally:
        elena.quit()
