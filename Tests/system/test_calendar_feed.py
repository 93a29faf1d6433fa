"""The calendar feed as a calendar app reads it: parsed by Python's icalendar, expanded by recurring-ical-events,
times as Clientele holds them, changes raising SEQUENCE, removals cancelled, a replaced link 404."""
import datetime

import pytest
import requests

from conftest import PASSWORD, run

icalendar = pytest.importorskip("icalendar")
recurring_ical_events = pytest.importorskip("recurring_ical_events")


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def test_the_feed_reads_in_icalendar_and_follows_changes(sqlite_server, data_dir):
    base = sqlite_server.url
    admin = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    run("user", "add", "--data-dir", data_dir, "--email", "rep@example.com", "--name", "Łukasz Wiśniewski", "--role", "sales_rep",
        "--password-stdin", stdin=PASSWORD + "\n")
    rep = run("token", "create", "--data-dir", data_dir, "--user", "rep@example.com").strip()
    soon = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=3)
    iso = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    meeting = api(base, rep, "POST", "/activities", json={
        "kind": "meeting", "subject": "Prezentacja, Łódź; sala 2", "notes": "Wziąć próbki\nI cennik", "place": "ul. Piotrkowska 1",
        "starts_at": iso(soon), "ends_at": iso(soon + datetime.timedelta(minutes=90))})
    task = api(base, rep, "POST", "/activities", json={"kind": "task", "subject": "Отправить договор", "due_at": iso(soon + datetime.timedelta(days=1)),
                                                       "priority": "high"})
    cancelled = api(base, rep, "POST", "/activities", json={"kind": "call", "subject": "Rozmowa odwołana", "starts_at": iso(soon + datetime.timedelta(hours=4))})
    api(base, rep, "DELETE", f"/activities/{cancelled['id']}")
    # Someone else's meeting never appears in the rep's feed.
    api(base, admin, "POST", "/activities", json={"kind": "meeting", "subject": "Zarząd", "starts_at": iso(soon)})

    url = api(base, rep, "POST", "/calendar-feed")["url"]
    assert url.startswith(base + "/calendar/cal_") and url.endswith(".ics")
    response = requests.get(url)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    todos = {str(todo["UID"]): todo for todo in calendar.walk("VTODO")}
    assert set(events) == {f"activity-{meeting['id']}@clientele", f"activity-{cancelled['id']}@clientele"}
    first = events[f"activity-{meeting['id']}@clientele"]
    assert str(first["SUMMARY"]) == "Prezentacja, Łódź; sala 2"
    assert str(first["DESCRIPTION"]) == "Wziąć próbki\nI cennik"
    assert str(first["LOCATION"]) == "ul. Piotrkowska 1"
    assert first.decoded("DTSTART") == soon and first.decoded("DTEND") == soon + datetime.timedelta(minutes=90)
    assert str(events[f"activity-{cancelled['id']}@clientele"]["STATUS"]) == "CANCELLED"
    todo = todos[f"activity-{task['id']}@clientele"]
    assert str(todo["SUMMARY"]) == "Отправить договор" and int(todo["PRIORITY"]) == 1
    assert todo.decoded("DUE") == soon + datetime.timedelta(days=1)

    # The occurrences a calendar app would show are exactly the meetings and calls held.
    window = recurring_ical_events.of(calendar).between(soon - datetime.timedelta(days=1), soon + datetime.timedelta(days=2))
    shown = sorted((str(item["SUMMARY"]), item.decoded("DTSTART")) for item in window if item.name == "VEVENT")
    assert shown == sorted([("Prezentacja, Łódź; sala 2", soon), ("Rozmowa odwołana", soon + datetime.timedelta(hours=4))])

    # A change keeps the UID and raises SEQUENCE.
    later = soon + datetime.timedelta(hours=2)
    current = api(base, rep, "GET", f"/activities/{meeting['id']}")
    moved = requests.patch(f"{base}/api/v1/activities/{meeting['id']}", json={"starts_at": iso(later), "ends_at": iso(later + datetime.timedelta(hours=1))},
                           headers={"Authorization": f"Bearer {rep}", "If-Match": f"\"{current['version']}\""})
    assert moved.status_code == 200, moved.text
    again = icalendar.Calendar.from_ical(requests.get(url).content)
    changed = next(event for event in again.walk("VEVENT") if str(event["UID"]) == f"activity-{meeting['id']}@clientele")
    assert int(changed["SEQUENCE"]) > int(first["SEQUENCE"]) and changed.decoded("DTSTART") == later

    # A new link replaces the old; turning it off leaves none.
    newer = api(base, rep, "POST", "/calendar-feed")["url"]
    assert requests.get(url).status_code == 404 and requests.get(newer).status_code == 200
    api(base, rep, "DELETE", "/calendar-feed")
    assert requests.get(newer).status_code == 404
    assert requests.get(f"{base}/calendar/cal_guess.ics").status_code == 404
