"""The leak matrix: every way a real name is written x every output channel, on a real encrypted database.

Each variant is put where a careless or hostile edit would put it: straight into a case's pseudonym
(a direct edit through the ORM, past the service's own check), so that every listing and report that
names the case carries it, and into the few texts other outputs show instead (a theme's name, an
evidence reference, a meeting's place, a returned pack's file name, a record file's case field: see
_stage). One Producer per output makes it the way a user does and reads it back (pypdf, openpyxl, the
`email` package for the .eml and its attachment, csv, captured stdout). Each must then refuse
(RealNameFound, or for a command exit 1 with nothing on stdout and no file left), or hold no trace of
the name. The producers cover every channel declared in dhr_tracker/privacy/channels.py (a test fails
for one that is not), and a control run with a harmless pseudonym proves each output shows the text.
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dhr_tracker.cli import main
from dhr_tracker.errors import UserError
from dhr_tracker.exchange.archive import write_archive
from dhr_tracker.exchange.packs.content import find_round
from dhr_tracker.exchange.packs.make import make_packs
from dhr_tracker.exchange.sheets.export import export_file
from dhr_tracker.learning.themes import set_case_themes, set_recommendation_themes
from dhr_tracker.meetings import find_meeting
from dhr_tracker.model import (
    Agency,
    Case,
    ImplementationEvidence,
    Meeting,
    Recommendation,
    StatusProposal,
    Theme,
    UpdatePack,
)
from dhr_tracker.privacy.channels import CHANNELS
from dhr_tracker.privacy.normalise import folded_words
from dhr_tracker.reports.action_plan import write_action_plan
from dhr_tracker.reports.briefing import write_briefing
from dhr_tracker.reports.figures import annual_figures
from dhr_tracker.reports.learning_pack import write_pack
from dhr_tracker.reports.letters import write_letters
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.vocabulary import RecommendationStatus
from tests.conftest import PASSPHRASE
from tests.test_briefing import TODAY, caseload  # noqa: F401  (the fixture)

NAMES_A = ("PENDRAGON-HALE, Philippa Rose", "Zoë O'Brien")
NAMES_B = ("SMITH, Jane", "Günther Straßmann")

# (what the variant is, the text). Every one of these is a real name as a reader of the output sees it.
VARIANTS = [
    ("stored 'SMITH, Jane' written forename first", "Jane Smith"),
    ("reversed hyphenated surname", "Pendragon-Hale, Philippa"),
    ("forename surname of 'SURNAME, Forename'", "Philippa Pendragon-Hale"),
    ("stored middle name dropped... and kept", "Philippa Rose Pendragon-Hale"),
    ("a middle initial that was never stored", "Jane A. Smith"),
    ("title with the surname alone", "Mrs Pendragon-Hale"),
    ("uncommon surname alone across a line break", "Pendragon-\nHale"),
    ("Word's curly apostrophe", "Zoë O\u2019Brien"),
    ("accent dropped, apostrophe dropped", "ZOE OBRIEN"),
    ("decomposed accent", "Zoe\u0308 O'Brien"),
    ("ß written SS", "GUNTHER STRASSMANN"),
    ("soft hyphen inside the forename", "Phil\u00adippa Pendragon-Hale"),
    ("zero-width space and bidi marks", "\u200fJane\u200b \u202aSmith\u202c"),
    ("Cyrillic look-alike letters", "J\u0430ne Sm\u0456th"),
    ("Greek and Cyrillic capitals, one looking like I", "J\u0391NE SM\u0406TH"),
    ("Greek look-alike capitals", "\u0397\u0391LE PENDRAGON-\u0397ALE, PHILIPPA"),
    ("two spaces and a pseudonym in brackets", "Riley (Philippa  Pendragon-Hale)"),
    ("non-breaking hyphen and full-width letters", "Ｐｈｉｌｉｐｐａ Pendragon\u2011Hale"),
    ("a small l for the capital I", "Jane SMlTH"),
    ("the forename's initial with the surname", "J. Smith"),
]


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def _xlsx_text(source) -> str:
    """Every cell of every sheet (hidden ones too) and the workbook's title."""
    book = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    cells = [
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
    ]
    return "\n".join([str(book.properties.title or ""), *cells])


def _eml_text(path) -> str:
    """An .eml draft read as a mail program reads it: headers decoded, the body, and the attached workbook."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    parts = [str(message["To"] or ""), str(message["Subject"]), message.get_body(("plain",)).get_content()]
    attachments = list(message.iter_attachments())
    assert attachments, "the draft carries its workbook"
    for attachment in attachments:
        parts += [attachment.get_filename() or "", _xlsx_text(attachment.get_content())]
    return "\n".join(parts)


def _leaked(variant: str, text: str) -> bool:
    wanted = folded_words(variant)[-2:]
    got = folded_words(text)
    return any(got[i : i + len(wanted)] == wanted for i in range(len(got)))


class Refused(Exception):
    """The output refused: the message the user saw."""


@dataclass
class Scene:
    """A demo caseload in a real encrypted database, with the text under test put where each output shows it."""

    database: object
    database_path: object
    tmp_path: object
    capsys: object
    meeting_on: dt.date
    reference: str = ""
    number: str = ""
    agency: str = ""
    other_reference: str = ""
    other_number: str = ""
    learning_theme: str = ""
    kpi_year: int = 0
    kpi_figure: str = ""
    stderr: list[str] = field(default_factory=list)  # what every command wrote on stderr, refused or not

    def cli(self, *args: str) -> str:
        """stdout of `dhr-tracker ARGS`; Refused when it exits non-zero (and then nothing may be on stdout)."""
        self.capsys.readouterr()
        code = main([*map(str, args), "--db", str(self.database_path)])
        out, err = self.capsys.readouterr()
        self.stderr.append(err)
        if code != 0:
            assert out == "", f"dhr-tracker {' '.join(map(str, args))} refused but printed part of its output"
            raise Refused(err)
        return out

    def out(self, name: str):
        folder = self.tmp_path / "out"
        folder.mkdir(exist_ok=True)
        return folder / name


def _stage(database, meeting_on: dt.date, tmp_path, capsys, text: str) -> Scene:
    """Put `text` (a way of writing a real name, or a harmless pseudonym) where every output shows it:
    the target case's pseudonym (a direct edit, past the case service), a meeting's location, a theme's
    name, an evidence reference, and the case field of a record file."""
    scene = Scene(database, None, tmp_path, capsys, meeting_on)
    with database.transaction() as session:
        cases = list(session.scalars(select(Case).order_by(Case.id)))
        other = next(c for c in cases if c.id != cases[0].id)
        cases[0].victim_real_name, cases[0].perpetrator_real_name = NAMES_A
        other.victim_real_name, other.perpetrator_real_name = NAMES_B
        # The first recommendation of the first agency by name: that agency's update pack (the caseload's
        # round asks it first) and the escalations listing name its case.
        first = session.scalar(
            select(Recommendation)
            .join(Agency, Recommendation.lead_agency_id == Agency.id)
            .order_by(Agency.name, Recommendation.id)
        )
        target = first.case
        scene.reference, scene.number, scene.agency = target.reference, first.number, first.lead_agency.name
        # A pack sent to that agency earlier, returned as it went under a name the sender chose (`packs import`).
        [sent] = make_packs(session, find_round(session, meeting_on), tmp_path / "sent", agency_id=first.lead_agency_id)
        (tmp_path / "returned").mkdir()
        shutil.copyfile(sent.workbook, tmp_path / "returned" / f"{text}.xlsx")
        # A year and a figure that list the target case (found before the edit: the pseudonym changes no figure).
        scene.kpi_year, scene.kpi_figure = next(
            (year, figure.name)
            for year in range(TODAY.year, TODAY.year - 4, -1)
            for figure in annual_figures(session, year, today=TODAY).figures
            if any(line.reference == target.reference for row in figure.rows for line in row.cases)
        )
        target.pseudonym = text
        meeting = session.scalar(select(Meeting).where(Meeting.held_on == meeting_on))
        meeting.location = f"Home of {text}"  # the meetings listing shows where
        # Seminar pack: the target case touches a theme. `themes`: another theme's name holds the text.
        learning, renamed = session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.id).limit(2))
        scene.learning_theme = learning.name
        set_case_themes(session, target, [learning.name])
        set_recommendation_themes(session, first, [learning.name])
        renamed.name = f"Learning from {text}"
        # `implementation` shows the evidence seen; `packs proposals` the case of each proposal.
        session.add(
            ImplementationEvidence(
                recommendation_id=first.id,
                reference=f"Letter to {text}",
                seen_on=dt.date(2026, 10, 1),
                checked_by="Pat Example",
            )
        )
        pack = session.scalar(select(UpdatePack).where(UpdatePack.file_name == sent.workbook.name))
        session.add(
            StatusProposal(
                pack_id=pack.id,
                recommendation_id=first.id,
                from_status=first.status,
                proposed_status=RecommendationStatus.COMPLETED_AWAITING_EVIDENCE,
                proposed_on=dt.date(2026, 10, 2),
                proposed_by="Pat Example",
            )
        )
        # `repeated`: another review's recommendation worded like the target's, so it lists the target case.
        twin = session.scalar(
            select(Recommendation).where(Recommendation.case_id != target.id).order_by(Recommendation.id)
        )
        twin.text = first.text
        scene.other_reference, scene.other_number = twin.case.reference, twin.number
    (tmp_path / "events.jsonl").write_text(
        json.dumps({"event": "milestone", "case": text, "kind": "chair_appointed", "on": "01/02/2025"}) + "\n",
        encoding="utf-8",
    )
    return scene


# --- The producers: each makes one output the way a user does and reads it back -------------------------------


def _briefing(scene: Scene) -> str:
    folder = scene.tmp_path / "b"
    folder.mkdir(exist_ok=True)
    with scene.database.transaction() as session:
        result = write_briefing(
            session, find_meeting(session, scene.meeting_on), folder / "briefing.pdf", copies=1, as_of=TODAY
        )
    return "\n".join(_pdf_text(path) for path in result.files)


def _action_plan(scene: Scene) -> str:
    with scene.database.transaction() as session:
        path = write_action_plan(session, scene.reference, scene.out("plan.pdf"), as_of=TODAY)
    return _pdf_text(path)


def _letters(scene: Scene) -> str:
    with scene.database.transaction() as session:
        paths = write_letters(session, TODAY, scene.tmp_path / "letters")
    return "\n".join(_pdf_text(p) if p.suffix == ".pdf" else p.read_text(encoding="utf-8") for p in paths)


def _csv_export(scene: Scene) -> str:
    with scene.database.transaction() as session:
        result = export_file(session, "csv", scene.tmp_path / "csv")
    return "\n".join(
        ",".join(row) for path in result.paths for row in csv.reader(io.StringIO(path.read_text("utf-8-sig")))
    )


def _xlsx_export(scene: Scene) -> str:
    with scene.database.transaction() as session:
        result = export_file(session, "xlsx", scene.out("export.xlsx"))
    return _xlsx_text(result.paths[0])


def _json_export(scene: Scene) -> str:
    with scene.database.transaction() as session:
        write_archive(session, scene.out("archive.json"))
    return scene.out("archive.json").read_text(encoding="utf-8")


def _clipboard(scene: Scene) -> str:
    """What a screen copies (the case's reference and pseudonym), through the app's ClipboardGuard."""
    from PySide6.QtGui import QGuiApplication

    from ui.security.clipboard import ClipboardGuard

    with scene.database.transaction() as session:
        guard = RealNameGuard.from_session(session)
        pseudonym = session.scalar(select(Case.pseudonym).where(Case.reference == scene.reference))
    QGuiApplication.clipboard().setText("before")
    clipboard = ClipboardGuard(real_names=lambda: guard, timeout_ms=60_000)
    refusals: list[str] = []
    clipboard.refused.connect(refusals.append)
    try:
        if not clipboard.copy(f"{scene.reference} {pseudonym}"):
            assert QGuiApplication.clipboard().text() == "before"
            raise Refused(refusals[0])
        return QGuiApplication.clipboard().text()
    finally:
        clipboard.clear_now()


def _cli_files(scene: Scene, args: list, files) -> str:
    """A command that writes files: its stdout and the files read back; when refused, no file is left."""
    try:
        out = scene.cli(*args)
    except Refused:
        left = [path for path in files() if path.exists()]
        assert left == [], f"a refused output left {left}"
        raise
    written = files()
    assert written, f"dhr-tracker {args[0]} wrote nothing"
    readers = {".pdf": _pdf_text, ".xlsx": _xlsx_text, ".eml": _eml_text, ".csv": lambda p: p.read_text("utf-8-sig")}
    return "\n".join([out, *(readers[path.suffix](path) for path in written)])


def _update_packs(scene: Scene) -> str:
    folder = scene.tmp_path / "packs"
    return _cli_files(
        scene,
        ["packs", "make", "--meeting", scene.meeting_on.isoformat(), "--out", folder, "--agency", scene.agency],
        lambda: sorted(folder.glob("*")) if folder.exists() else [],
    )


def _pack_import_report(scene: Scene) -> str:
    """A dry run of the returned pack: its report lists the file and each row's case (reference, pseudonym)."""
    path = scene.out("import-report.csv")
    returned = next((scene.tmp_path / "returned").iterdir())
    return _cli_files(scene, ["packs", "import", returned, "--dry-run", "--report", path], lambda: [path])


def _seminar_pack(scene: Scene) -> str:
    path = scene.out("seminar.pdf")
    return _cli_files(scene, ["learning", "--theme", scene.learning_theme, "--out", path], lambda: [path])


def _kpi_file(suffix: str):
    def produce(scene: Scene) -> str:
        path = scene.out(f"figures{suffix}")
        return _cli_files(
            scene, ["kpi", "--year", scene.kpi_year, "--as-of", TODAY.isoformat(), "--out", path], lambda: [path]
        )

    return produce


def _record_report(scene: Scene) -> str:
    """The file's one event names no case of the database, so the run is refused; its report is written all the
    same (to show where it stopped) unless it would hold a real name."""
    path = scene.out("record-report.csv")
    try:
        scene.cli("record", scene.tmp_path / "events.jsonl", "--dry-run", "--report", path)
    except Refused as refusal:
        if "real name" in str(refusal):
            assert not path.exists(), "a refused report was left on disk"
            raise
        assert "was refused (rule unknown_case)" in str(refusal), refusal
    return path.read_text("utf-8-sig")


def _listing(*args: str):
    def produce(scene: Scene) -> str:
        return scene.cli(*(arg.format(**vars(scene)) for arg in args))

    return produce


@dataclass(frozen=True)
class Producer:
    name: str
    channels: tuple[str, ...]  # the CHANNELS keys it exercises
    produce: Callable[[Scene], str]
    names_case: bool = True  # the output shows the text under test (checked with a harmless pseudonym)
    must_refuse: bool = True  # with a real name in that text it must refuse (False: it withholds the text)


LIBRARY_PRODUCERS = [
    Producer("briefing", ("briefing", "pdf"), _briefing),
    Producer("action plan", ("action-plan", "pdf"), _action_plan),
    Producer("letters", ("letters", "pdf"), _letters),
    Producer("csv export", ("export",), _csv_export),
    Producer("xlsx export + Home Office return", ("export", "home-office-return"), _xlsx_export),
    Producer("json export", ("json-export",), _json_export),
    Producer("clipboard", ("clipboard",), _clipboard),
]

C = ("command-line",)
CLI_PRODUCERS = [
    Producer("cases", C, _listing("cases")),
    Producer("cases --format json", C, _listing("cases", "--format", "json")),
    Producer("case show", C, _listing("case", "show", "{reference}", "--as-of", TODAY.isoformat())),
    Producer("deadlines", C, _listing("deadlines", "--as-of", TODAY.isoformat())),
    Producer("escalations --agency", C, _listing("escalations", "--agency", "{agency}", "--as-of", TODAY.isoformat())),
    # The trail keeps real-name free text as a digest (issue 12, item 4): it withholds, it need not refuse.
    Producer(
        "audit case --format json", C, _listing("audit", "case", "{reference}", "--format", "json"), must_refuse=False
    ),
    Producer("meetings", C, _listing("meetings")),
    Producer("themes", C, _listing("themes")),
    Producer("themes --format json", C, _listing("themes", "--format", "json")),
    Producer("implementation", C, _listing("implementation", "--case", "{reference}", "--recommendation", "{number}")),
    Producer(
        "repeated --format json",
        C,
        _listing("repeated", "--case", "{other_reference}", "--recommendation", "{other_number}", "--format", "json"),
    ),
    # The round's status is per agency (made, sent, returned, counts): no case, no free text to hold a name.
    Producer(
        "packs status", C, _listing("packs", "status", "--meeting", "{meeting_on}"), names_case=False, must_refuse=False
    ),
    Producer("packs proposals", C, _listing("packs", "proposals")),
    Producer(
        "kpi --figure",
        C,
        _listing("kpi", "--year", "{kpi_year}", "--as-of", TODAY.isoformat(), "--figure", "{kpi_figure}"),
    ),
    Producer(
        "kpi --figure --format json",
        C,
        _listing(
            "kpi", "--year", "{kpi_year}", "--as-of", TODAY.isoformat(), "--figure", "{kpi_figure}", "--format", "json"
        ),
    ),
    # The figures print counts only, but the guard reads the cases behind them too: it refuses all the same.
    Producer("kpi", C, _listing("kpi", "--year", "{kpi_year}", "--as-of", TODAY.isoformat()), names_case=False),
    # Before `packs make`, which replaces the pack this one returns.
    Producer("packs import --report", ("pack-import-report", *C), _pack_import_report),
    Producer("packs make (xlsx + eml)", ("update-pack", *C), _update_packs),
    Producer("learning (seminar pack)", ("learning-pack", "pdf", *C), _seminar_pack),
    # The figures PDF shows counts only (no case); the workbook's second sheet lists the cases behind each figure.
    # Both are refused: the guard reads the source of both.
    Producer("kpi --out pdf", ("annual-figures", "pdf", *C), _kpi_file(".pdf"), names_case=False),
    Producer("kpi --out xlsx", ("annual-figures", *C), _kpi_file(".xlsx")),
    # The report names cases by reference only; a record file with a name typed where the reference goes
    # is echoed in the refused line's case column.
    Producer("record --report", ("record-report", *C), _record_report),
]

# Channels not produced here, and the test that covers each: the screenshots render their own fictional demo
# database (never the user's), so only their check of what each screen displays can be tried, in ui tests.
COVERED_ELSEWHERE = {
    "screenshots": (
        "tests/ui/test_clipboard_real_names.py",
        "test_a_screenshot_reads_what_is_displayed_a_masked_name_included",
    ),
}


def test_every_output_channel_has_a_producer_in_the_matrix():
    """A channel added to channels.py fails here until the matrix makes its output (or names the test that does)."""
    produced = {key for producer in LIBRARY_PRODUCERS + CLI_PRODUCERS for key in producer.channels}
    assert produced <= set(CHANNELS), produced - set(CHANNELS)
    missing = set(CHANNELS) - produced - set(COVERED_ELSEWHERE)
    assert missing == set(), f"output channels the leak matrix never produces: {sorted(missing)}"
    root = Path(__file__).resolve().parents[2]
    for path, test in COVERED_ELSEWHERE.values():
        assert f"def {test}(" in (root / path).read_text(encoding="utf-8")


def _run(scene: Scene, monkeypatch) -> tuple[dict[str, str], dict[str, str]]:
    """(output text, refusal message) per producer: the library ones on the open database, then the commands."""
    outputs, refusals = {}, {}

    def attempt(producer: Producer) -> None:
        try:
            outputs[producer.name] = producer.produce(scene)
        except (UserError, Refused) as refusal:
            refusals[producer.name] = str(refusal)

    for producer in LIBRARY_PRODUCERS:
        attempt(producer)
    scene.database.close()
    scene.database_path = scene.database.path
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    for producer in CLI_PRODUCERS:
        attempt(producer)
    return outputs, refusals


def test_every_producer_shows_the_text_under_test(caseload, qapp, tmp_path, capsys, monkeypatch):  # noqa: F811
    """The control for the matrix: with a harmless pseudonym nothing is refused, and every output said to show
    the case does show it, read back the way the matrix reads it. Otherwise a refusal-or-no-trace pass could be
    an output that never held the text at all."""
    database, meeting_on = caseload
    scene = _stage(database, meeting_on, tmp_path, capsys, "Quillon")
    outputs, refusals = _run(scene, monkeypatch)
    assert refusals == {}
    silent = [
        name
        for name, text in outputs.items()
        if "quillon" not in folded_words(text)
        and next(p for p in LIBRARY_PRODUCERS + CLI_PRODUCERS if p.name == name).names_case
    ]
    assert silent == []


@pytest.mark.parametrize(("what", "variant"), VARIANTS, ids=[what for what, _ in VARIANTS])
def test_every_channel_refuses_or_hides_every_way_of_writing_a_name(
    caseload,
    qapp,
    tmp_path,
    capsys,  # noqa: F811
    monkeypatch,
    what,
    variant,
):
    database, meeting_on = caseload
    scene = _stage(database, meeting_on, tmp_path, capsys, variant)
    outputs, refusals = _run(scene, monkeypatch)
    for name, message in refusals.items():
        assert "real name" in message, f"{name} failed for another reason: {message}"
        assert variant not in message and not _leaked(variant, message), f"{name}: the refusal repeats the name"
    assert [name for name, text in outputs.items() if _leaked(variant, text)] == []
    assert [err for err in scene.stderr if _leaked(variant, err)] == []  # warnings and messages too
    # Not vacuous: these outputs all show the text (the control test above proves it), so each must have refused.
    must = {producer.name for producer in LIBRARY_PRODUCERS + CLI_PRODUCERS if producer.must_refuse}
    assert must - set(refusals) == set()


def test_the_reported_bug_a_name_at_the_end_of_a_line_stops_the_action_plan_and_briefing(caseload, tmp_path):  # noqa: F811
    """Issue 12's own example: a progress update "Met the family of Philippa Pendragon-Hale" followed by
    another update (the action plan joins them with <br/>), and the same in a parallel-process note."""
    from dhr_tracker.model import ParallelProcess, ProgressUpdate

    database, meeting_on = caseload
    with database.transaction() as session:
        recommendation = session.scalar(select(Recommendation).order_by(Recommendation.id))
        case = recommendation.case
        case.victim_real_name = NAMES_A[0]
        reference = case.reference
        for received_on, text in (
            (dt.date(2026, 3, 2), "Met the family of Philippa Pendragon-Hale"),
            (dt.date(2026, 3, 9), "Training plan agreed"),
        ):
            session.add(
                ProgressUpdate(
                    recommendation_id=recommendation.id, received_on=received_on, contact_name="Pat Example", text=text
                )
            )
    with pytest.raises(UserError, match=reference) as refusal, database.transaction() as session:
        write_action_plan(session, reference, tmp_path / "plan.pdf", as_of=TODAY)
    assert "Pendragon" not in str(refusal.value)
    assert "milestones" in str(refusal.value)  # the field: the plan's "key milestones achieved" column
    assert not (tmp_path / "plan.pdf").exists()
    with database.transaction() as session:
        session.query(ProgressUpdate).filter(ProgressUpdate.text.like("Met the family%")).delete()
        process = session.scalar(select(ParallelProcess).where(ParallelProcess.case_id == case.id))
        if process is None:
            process = session.scalar(select(ParallelProcess))
            process.case.victim_real_name = NAMES_A[0]
            reference = process.case.reference
        process.note = "Inquest opened on the death of Philippa Pendragon-Hale\nnext hearing in May"
    (tmp_path / "b").mkdir()
    with pytest.raises(UserError, match=reference) as refusal, database.transaction() as session:
        write_briefing(
            session, find_meeting(session, meeting_on), tmp_path / "b" / "briefing.pdf", copies=2, as_of=TODAY
        )
    assert "parallel processes" in str(refusal.value) and "Pendragon" not in str(refusal.value)
    assert not list(tmp_path.glob("b/*.pdf"))


def test_ordinary_text_near_a_real_name_is_not_refused(caseload, tmp_path):  # noqa: F811
    """False positives, end to end: the forename of a victim as an agency's first word, everyday words
    that are also parts of names."""
    from dhr_tracker.model import Agency

    database, meeting_on = caseload
    with database.transaction() as session:
        cases = list(session.scalars(select(Case).order_by(Case.id)))
        cases[0].victim_real_name, cases[0].perpetrator_real_name = "Marchbanks Okonkwo-Reid", "Mark Tillotson"
        cases[1].victim_real_name, cases[1].perpetrator_real_name = "Rose Hathaway", "PENDRAGON-HALE, Philippa"
        session.scalar(select(Agency).order_by(Agency.id)).name = "Marchbanks Housing"
        # The first agency's first recommendation: in the caseload's update round, so in an update pack too.
        recommendation = session.scalar(
            select(Recommendation)
            .join(Agency, Recommendation.lead_agency_id == Agency.id)
            .order_by(Agency.name, Recommendation.id)
        )
        recommendation.text = (
            "Hale and hearty: mark the Rose Garden visit in the plan. Philippa from the council attends."
        )
        reference, agency_id = recommendation.case.reference, recommendation.lead_agency_id
        theme = session.scalar(select(Theme).where(Theme.active.is_(True)).order_by(Theme.id))
        set_case_themes(session, recommendation.case, [theme.name])
        set_recommendation_themes(session, recommendation, [theme.name])
    with database.transaction() as session:
        write_action_plan(session, reference, tmp_path / "plan.pdf", as_of=TODAY)
        export_file(session, "xlsx", tmp_path / "export.xlsx")
        write_briefing(session, find_meeting(session, meeting_on), tmp_path / "briefing.pdf", copies=1, as_of=TODAY)
        [pack] = make_packs(session, find_round(session, meeting_on), tmp_path / "packs", agency_id=agency_id)
        write_pack(session, theme.name, tmp_path / "seminar.pdf")
    assert "Hale and hearty" in _pdf_text(tmp_path / "plan.pdf")
    assert "Hale and hearty" in _xlsx_text(pack.workbook) and "Hale and hearty" in _eml_text(pack.draft)
    assert "Hale and hearty" in " ".join(_pdf_text(tmp_path / "seminar.pdf").split())


def test_copies_are_removed_when_the_save_of_their_register_fails(caseload, tmp_path):  # noqa: F811
    """The copy register is written in the same transaction as the copies: when the final save (COMMIT)
    fails, no copy is left on disk and the register is unchanged."""
    import sqlalchemy.exc
    from sqlalchemy import text

    from dhr_tracker.meetings import copy_register

    database, meeting_on = caseload
    out = tmp_path / "b" / "briefing.pdf"
    out.parent.mkdir()
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        with database.transaction() as session:
            result = write_briefing(session, find_meeting(session, meeting_on), out, copies=2, as_of=TODAY)
            assert all(path.exists() for path in result.files)  # written, not yet saved
            # A real failure at COMMIT: a deferred foreign-key violation is only checked when the transaction ends.
            session.execute(text("PRAGMA defer_foreign_keys = ON"))
            session.execute(
                text(
                    "INSERT INTO progress_update (recommendation_id, received_on, contact_name, text, "
                    "evidence_reference, recorded_at) VALUES (999999, '2026-01-01', 'x', 'x', '', '2026-01-01')"
                )
            )
    assert not list(out.parent.glob("*.pdf"))
    with database.transaction() as session:
        assert copy_register(session, find_meeting(session, meeting_on)) == []


def test_an_update_pack_draft_is_not_addressed_to_a_real_name(caseload, tmp_path):  # noqa: F811
    """The .eml's To header carries the lead contact's address, which the greeting does not show: an address
    typed as a victim's name ("jane.smith@...") refused the pack all the same, nothing written."""
    from dhr_tracker.exchange.packs.content import find_round
    from dhr_tracker.exchange.packs.make import make_packs
    from dhr_tracker.model import AgencyContact
    from dhr_tracker.vocabulary import ContactLevel

    database, meeting_on = caseload
    with database.transaction() as session:
        case = session.scalar(select(Case).order_by(Case.id))
        case.victim_real_name = "SMITH, Jane"
        reference = case.reference
        agency = session.scalar(
            select(Agency).join(Recommendation, Recommendation.lead_agency_id == Agency.id).order_by(Agency.name)
        )
        for contact in [c for c in agency.contacts if c.level is ContactLevel.LEAD]:
            session.delete(contact)
        session.flush()
        session.add(
            AgencyContact(
                agency_id=agency.id, level=ContactLevel.LEAD, name="Duty Manager", email="jane.smith@example.org"
            )
        )
        agency_id = agency.id
    with pytest.raises(UserError, match=reference) as refusal, database.transaction() as session:
        make_packs(session, find_round(session, meeting_on), tmp_path / "packs", agency_id=agency_id)
    assert "update pack" in str(refusal.value) and "smith" not in str(refusal.value).casefold()
    assert not (tmp_path / "packs").exists()


def test_the_annual_figures_check_a_figure_title_shown_without_rows(caseload, tmp_path):  # noqa: F811
    """A figure with no case in the year still shows its title (the Home Office QA body's name is a setting
    typed by a person): the workbook is refused at the source too, not only the PDF at its second check."""
    from dhr_tracker.reports.kpi import write_figures
    from dhr_tracker.settings import QA_BODY_NAME, Settings

    database, _ = caseload
    with database.transaction() as session:
        case = session.scalar(select(Case).order_by(Case.id))
        case.victim_real_name = NAMES_A[0]
        reference = case.reference
        Settings(session).set(QA_BODY_NAME, "panel of Philippa Pendragon-Hale")
    for suffix in (".xlsx", ".pdf"):
        out = tmp_path / f"figures-2012{suffix}"  # no review of the demo caseload reached the Home Office in 2012
        with pytest.raises(UserError, match=reference) as refusal, database.transaction() as session:
            write_figures(session, 2012, out, today=TODAY)
        assert "annual figures" in str(refusal.value) and "Pendragon" not in str(refusal.value)
        assert not out.exists()


def test_an_error_message_that_quotes_the_database_withholds_a_real_name(caseload, tmp_path, capsys, monkeypatch):  # noqa: F811
    """A refusal on stderr may quote stored text ("Did you mean: <theme>?"): a real name in it is withheld, the
    rest of the message stays, and a name-free suggestion is shown as it is."""
    database, _ = caseload
    with database.transaction() as session:
        case = session.scalar(select(Case).order_by(Case.id))
        case.victim_real_name = NAMES_A[0]
        first, second = session.scalars(select(Theme).order_by(Theme.id).limit(2))
        first.name, second.name = "Learning from Philippa Pendragon-Hale", "Learning from the Rose Garden"
    database.close()
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    capsys.readouterr()
    code = main(
        ["learning", "--theme", "learning from", "--out", str(tmp_path / "seminar.pdf"), "--db", str(database.path)]
    )
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "There is no theme called 'learning from'" in err and "Learning from the Rose Garden" in err
    assert "withheld" in err and "Pendragon" not in err and "Philippa" not in err
    assert not (tmp_path / "seminar.pdf").exists()
