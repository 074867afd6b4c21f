"""An archive import obeys the rules the services apply, and derives stages rather than copying them."""

from __future__ import annotations

import json

from sqlalchemy import select

from dhr_tracker.cli import main
from dhr_tracker.exchange.archive_rules import derive_stages
from dhr_tracker.model import Case
from dhr_tracker.storage.database import open_database
from dhr_tracker.vocabulary import Stage
from tests.conftest import PASSPHRASE
from tests.test_audit_tampering import demo, demo_template, one, shell  # noqa: F401 - fixtures


def exported(demo_path, tmp_path):
    archive = tmp_path / "all.json"
    assert main(["export", "--db", str(demo_path), "--format", "json", "--out", str(archive)]) == 0
    return archive, json.loads(archive.read_text())


def test_a_future_date_and_an_impossible_sequence_are_refused_with_a_report(demo, tmp_path, capsys):  # noqa: F811
    archive, data = exported(demo, tmp_path)
    milestone = data["tables"]["milestone"][0]
    milestone["occurred_on"] = "2099-01-01"
    rounds = [r for r in data["tables"]["qa_round"] if r["feedback_letter_on"]]
    if rounds:
        rounds[0]["feedback_letter_on"] = "1999-01-01"  # before its submission (and before any notification)
    archive.write_text(json.dumps(data))
    copy = tmp_path / "copy.dhrdb"
    capsys.readouterr()
    assert main(["import", "--db", str(copy), str(archive)]) == 1
    err = capsys.readouterr().err
    assert (
        f"{archive}: milestone row {milestone['id']}: in_future: occurred_on 01/01/2099 is after the day of the import"
        in err
    )
    if rounds:
        assert f"qa_round row {rounds[0]['id']}: letter_before_submission" in err
    assert "nothing was imported" in err
    assert not copy.exists()  # all or nothing


def test_stages_are_derived_from_the_facts_not_taken_from_the_file(demo):  # noqa: F811
    reference = one(demo, "SELECT reference FROM dhr_case WHERE stage != 'notification' ORDER BY id LIMIT 1")
    stored = one(demo, f"SELECT stage FROM dhr_case WHERE reference = '{reference}'")
    shell(demo, f"UPDATE dhr_case SET stage = 'notification' WHERE reference = '{reference}'", drop_guards=False)
    with open_database(demo, PASSPHRASE) as database, database.transaction() as session:
        assert derive_stages(session) == {reference: ("notification", stored)}
    with open_database(demo, PASSPHRASE, read_only=True) as database, database.session() as session:
        assert session.scalar(select(Case.stage).where(Case.reference == reference)) is Stage(stored)


def test_the_import_entry_names_the_stages_it_derived(demo, tmp_path):  # noqa: F811
    archive, _ = exported(demo, tmp_path)
    copy = tmp_path / "copy.dhrdb"
    assert main(["import", "--db", str(copy), str(archive)]) == 0
    opening = json.loads(one(copy, "SELECT changes_json FROM audit_entry WHERE action = 'import'"))
    assert opening["stages_derived"] == {}  # the demo's stages were right


def test_the_home_office_told_before_the_decision_is_refused(demo, tmp_path, capsys):  # noqa: F811
    archive, data = exported(demo, tmp_path)
    milestones = data["tables"]["milestone"]
    decisions = {m["case_id"]: m["occurred_on"] for m in milestones if m["kind"] == "decision"}
    told = next(m for m in milestones if m["kind"] == "home_office_informed" and m["case_id"] in decisions)
    notified = next(c["notified_on"] for c in data["tables"]["dhr_case"] if c["id"] == told["case_id"])
    told["occurred_on"] = notified  # the day of notification: after it, but before the decision
    assert notified < decisions[told["case_id"]]
    archive.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["import", "--db", str(tmp_path / "copy.dhrdb"), str(archive)]) == 1
    assert f"milestone row {told['id']}: informed_before_decision" in capsys.readouterr().err


def test_a_planned_website_removal_ahead_of_the_import_is_not_a_future_event(demo, tmp_path, capsys):  # noqa: F811
    import datetime as dt

    from dhr_tracker.model import Publication

    # Recording a publication sets its website removal a year ahead (lifecycle.services): a plan, not an event.
    with open_database(demo, PASSPHRASE) as database, database.transaction() as session:
        case = session.scalars(select(Case).where(~Case.publication.has()).order_by(Case.notified_on).limit(1)).one()
        published = dt.date.today() - dt.timedelta(days=10)
        assert case.notified_on < published
        session.add(
            Publication(case=case, published_on=published, website_removal_on=published + dt.timedelta(days=365))
        )
    archive, _ = exported(demo, tmp_path)
    copy = tmp_path / "copy.dhrdb"
    assert main(["import", "--db", str(copy), str(archive)]) == 0, capsys.readouterr().err
