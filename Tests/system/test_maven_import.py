"""The Maven CRM pipeline (8,800 real deals) imported through `clientele import deals` and through the API's importer
(upload, suggested mapping, run), and the reports' win rate, won revenue and mean engage→close days per agent, manager
and office checked against Python over the same file; undoing the API's import takes the figures back to nothing."""
import csv
import statistics
from datetime import date
from pathlib import Path

import pytest
import requests

from conftest import ROOT, BINARY, run  # noqa: F401

MAVEN = ROOT.parent / "shared" / "data" / "maven-crm"
PERIOD = {"from": "2016-01-01", "to": "2018-01-01"}
IMPORT = [
    "--pipeline", "Maven", "--loss-reason", "Not given",
    "--column", "title=opportunity_id", "--column", "owner=sales_agent", "--column", "company=account",
    "--column", "stage=deal_stage", "--column", "created=engage_date", "--column", "closed=close_date",
    "--column", "amount=close_value",
]

NEEDS_MAVEN = pytest.mark.skipif(not (MAVEN / "sales_pipeline.csv").exists(), reason=f"{MAVEN} is not on this machine")


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def expected(deals):
    """Win rate of closed deals, won revenue and mean days from engage to close of won deals."""
    won = [d for d in deals if d["deal_stage"] == "Won"]
    lost = [d for d in deals if d["deal_stage"] == "Lost"]
    days = [(date.fromisoformat(d["close_date"]) - date.fromisoformat(d["engage_date"])).days for d in won]
    return {
        "win_rate": 100 * len(won) / (len(won) + len(lost)) if won or lost else None,
        "revenue": sum(int(d["close_value"]) for d in won),
        "cycle": statistics.fmean(days) if days else None,
    }


def measured(base, token, pipeline, **scope):
    params = {"pipeline_id": pipeline, **PERIOD, **scope}
    kpis = {row["kpi"]: row["value"] for row in api(base, token, "GET", "/reports/velocity", params=params)["tables"][0]["rows"]}
    teams = next(t for t in api(base, token, "GET", "/reports/forecast", params=params)["tables"] if t["name"] == "teams")
    company = teams["rows"][-1]
    assert company["name"] == "Company"
    return {
        "win_rate": kpis["Win rate (won of closed)"],
        "revenue": float(company["closed_won"].get("USD", "0")),
        "cycle": next(value for kpi, value in kpis.items() if kpi.startswith("Average cycle")),
    }


@NEEDS_MAVEN
@pytest.mark.parametrize("via", ["command", "api"])
def test_maven_pipeline_reports_match_python(sqlite_server, data_dir, via):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    teams = list(csv.DictReader(open(MAVEN / "sales_teams.csv", encoding="utf-8")))
    deals = list(csv.DictReader(open(MAVEN / "sales_pipeline.csv", encoding="utf-8")))

    users = {}
    managers = sorted({t["manager"] for t in teams})
    for i, name in enumerate(managers):
        users[name] = api(base, token, "POST", "/users", json={"email": f"manager{i}@maven.test", "name": name, "role": "sales_manager", "password": "maven password"})["id"]
    for i, row in enumerate(teams):
        users[row["sales_agent"]] = api(base, token, "POST", "/users", json={"email": f"agent{i}@maven.test", "name": row["sales_agent"], "role": "sales_rep", "password": "maven password"})["id"]
    team_ids = {}
    for manager in managers:
        members = [users[t["sales_agent"]] for t in teams if t["manager"] == manager]
        team_ids[manager] = api(base, token, "POST", "/teams", json={"name": manager, "manager_id": users[manager], "member_ids": members})["id"]
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Maven", "currency": "USD", "stages": [
        {"name": "Prospecting", "probability": 10}, {"name": "Engaging", "probability": 40}]})["id"]
    api(base, token, "POST", "/loss-reasons", json={"name": "Not given"})

    if via == "command":
        output = run("import", "deals", "--data-dir", data_dir, "--file", str(MAVEN / "sales_pipeline.csv"), *IMPORT)
        assert "Imported 8800 deals" in output, output
    else:
        upload = requests.post(f"{base}/api/v1/imports", params={"type": "deals", "name": "sales_pipeline.csv"},
                               data=(MAVEN / "sales_pipeline.csv").read_bytes(),
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
        assert upload.status_code == 201, upload.text
        draft = upload.json()
        # The file's own headers are enough: no hand-made mapping.
        assert draft["mapping"]["deal_stage"] == "stage" and draft["mapping"]["sales_agent"] == "owner" and draft["mapping"]["close_value"] == "amount"
        options = {"pipeline_id": pipeline, "default_loss_reason": "Not given", "time_zone": "UTC"}
        dry = api(base, token, "POST", f"/imports/{draft['id']}/run", json={"mode": "dry_run", "options": options})
        assert dry["valid"] == len(deals) and dry["errors"] == [], dry["errors"][:5]
        report = api(base, token, "POST", f"/imports/{draft['id']}/run", json={"mode": "all", "options": options})
        assert report["created"] == len(deals) and report["companies_created"] == len({d["account"] for d in deals if d["account"]}), report

    groups = []
    for row in teams:
        agent = row["sales_agent"]
        groups.append((f"agent {agent}", {"owner_id": users[agent]}, [d for d in deals if d["sales_agent"] == agent]))
    for manager in managers:
        agents = {t["sales_agent"] for t in teams if t["manager"] == manager}
        groups.append((f"manager {manager}", {"team_id": team_ids[manager]}, [d for d in deals if d["sales_agent"] in agents]))
    for office in sorted({t["regional_office"] for t in teams}):
        agents = [t["sales_agent"] for t in teams if t["regional_office"] == office]
        owner_ids = ",".join(str(users[a]) for a in agents)
        groups.append((f"office {office}", {"owner_id": owner_ids}, [d for d in deals if d["sales_agent"] in agents]))
    groups.append(("company", {}, deals))

    for name, scope, rows in groups:
        want, got = expected(rows), measured(base, token, pipeline, **scope)
        for figure in ("win_rate", "cycle"):
            if want[figure] is None:  # agents in the team list without a closed deal
                assert got[figure] is None, (name, figure, got, want)
            else:  # the API rounds shares and days to one decimal
                assert abs(got[figure] - want[figure]) <= 0.05 + 1e-9, (name, figure, got, want)
        assert got["revenue"] == want["revenue"], (name, got, want)
    assert sum(1 for _, _, rows in groups[:35] if not rows) < 35
    assert len(groups) == 35 + 6 + 3 + 1

    if via == "api":
        undone = api(base, token, "POST", f"/imports/{draft['id']}/undo")
        assert undone["binned"] == len(deals) + report["companies_created"], undone
        assert measured(base, token, pipeline)["revenue"] == 0


def test_a_bad_file_is_refused_whole_with_its_lines(sqlite_server, data_dir, tmp_path):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    api(base, token, "POST", "/pipelines", json={"name": "Maven", "currency": "USD", "stages": [{"name": "Prospecting", "probability": 10}]})
    api(base, token, "POST", "/loss-reasons", json={"name": "Not given"})
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
        "A1,Ada Admin,GTX,Łódź Trading,Won,2017-01-02,2017-02-03,100\n"
        "A2,Nobody Known,GTX,Cancity,Won,2017-01-02,2017-02-03,100\n"
        "A3,Ada Admin,GTX,Cancity,Won,2017-03-02,2017-02-03,12x\n",
        encoding="utf-8")
    import subprocess
    result = subprocess.run([str(BINARY), "import", "deals", "--data-dir", data_dir, "--file", str(bad), *IMPORT], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "line 4" in result.stderr and "closed before it was created" in result.stderr and "not a number" in result.stderr, result.stderr
    # Row checks come first; once they pass, owners are tied to users and line 3's unknown agent is named.
    bad.write_text(bad.read_text(encoding="utf-8").replace("A3,Ada Admin,GTX,Cancity,Won,2017-03-02,2017-02-03,12x\n", ""), encoding="utf-8")
    result = subprocess.run([str(BINARY), "import", "deals", "--data-dir", data_dir, "--file", str(bad), *IMPORT], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "line 3" in result.stderr and "Nobody Known" in result.stderr, result.stderr
    assert api(base, token, "GET", "/deals")["items"] == []
    assert api(base, token, "GET", "/companies")["items"] == []


def test_a_legacy_windows_file_is_read_in_its_code_page(sqlite_server, data_dir, tmp_path):
    """Excel on a Polish Windows saves CSV in windows-1250 with semicolons."""
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    api(base, token, "POST", "/users", json={"email": "lukasz@example.com", "name": "Łukasz Wiśniewski", "role": "sales_rep", "password": "maven password"})
    api(base, token, "POST", "/pipelines", json={"name": "Sprzedaż", "currency": "PLN", "stages": [{"name": "Pierwszy kontakt", "probability": 10}]})
    file = tmp_path / "szanse.csv"
    file.write_bytes("Tytuł;Handlowiec;Firma;Etap;Kwota\nDostawa;Łukasz Wiśniewski;Zakład Łódź;Pierwszy kontakt;1 200,50\n".encode("cp1250"))
    output = run("import", "deals", "--data-dir", data_dir, "--file", str(file), "--pipeline", "Sprzedaż",
                 "--column", "title=Tytuł", "--column", "owner=Handlowiec", "--column", "company=Firma", "--column", "stage=Etap", "--column", "amount=Kwota")
    assert "Imported 1 deals" in output and "windows-1250" in output, output
    deal = api(base, token, "GET", "/deals")["items"][0]
    assert deal["title"] == "Dostawa" and deal["amount"] == "1200.50", deal
    assert api(base, token, "GET", "/companies")["items"][0]["name"] == "Zakład Łódź"

