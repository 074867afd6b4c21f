"""The marked-document frame: markings, numbering, embedded fonts, metadata, safe writing, encryption, the guard."""

from __future__ import annotations

import io
import stat

import pikepdf
import pypdf
import pytest
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import PageBreak, Paragraph

from dhr_tracker.errors import UserError
from dhr_tracker.reports import (
    CopyLabel,
    DocumentInfo,
    Marking,
    RealNameFound,
    RealNameGuard,
    data_table,
    render_copies,
    render_pdf,
    report_styles,
    write_pdf,
)

MARKING = Marking("official-sensitive", "Not for publication by virtue of paragraphs 1 and 2 of Part 1 of Schedule 12A")
GUARD = RealNameGuard.from_names([("DHR-2024-01", "Jane Realname"), ("DHR-2024-02", "John O'Realname")])


def story(rows: int = 120, extra: str = "") -> list:
    styles = report_styles()
    table = data_table(
        ["Reference", "Pseudonym", "Note"],
        [[f"DHR-{i:03}", "Alex", f"Row {i} {extra}"] for i in range(rows)],
        [80, 80, 300],
    )
    return [Paragraph("Heading", styles.h1), Paragraph("First page", styles.body), PageBreak(), table]


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_is_marked_top_and_bottom_and_numbered():
    pdf = render_pdf(
        story(),
        info=DocumentInfo("Test paper", "Test subject"),
        marking=MARKING,
        guard=GUARD,
        copy=CopyLabel(3, 12, "A. Member, Kent Police"),
    )
    texts = pages_text(pdf)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert "Schedule 12A" in text
        assert text.count("Copy 3 of 12") == 2
        assert "A. Member, Kent Police" in text
        assert f"Page {number} of {len(texts)}" in text
    # the table header repeats on every page it runs onto
    assert all("Reference" in text and "Pseudonym" in text for text in texts[1:])


def test_fonts_are_embedded_and_metadata_holds_no_personal_data():
    pdf = render_pdf(story(5), info=DocumentInfo("Test paper", "Test subject"), marking=MARKING, guard=GUARD)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        fonts = {}
        for page in document.pages:
            for _name, font in page.Resources.Font.items():
                fonts[str(font.BaseFont)] = font
        assert fonts, "no fonts found"
        for base_name, font in fonts.items():
            assert "LiberationSans" in base_name, base_name  # no standard-14 (system) font anywhere
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant.FontDescriptor, f"{base_name} is not embedded"
    metadata = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert metadata.title == "Test paper" and metadata.subject == "Test subject"
    assert metadata.author == "DHR Tracker"


def test_written_owner_only_never_replacing_a_file(tmp_path):
    pdf = render_pdf(story(2), info=DocumentInfo("Test"), marking=MARKING, guard=GUARD)
    path = tmp_path / "paper.pdf"
    digest = write_pdf(path, pdf)
    assert path.read_bytes() == pdf and len(digest) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(UserError, match="already exists"):
        write_pdf(path, pdf)
    with pytest.raises(UserError, match="does not exist"):
        write_pdf(tmp_path / "missing" / "paper.pdf", pdf)


def test_an_encrypted_copy_opens_only_with_its_password(tmp_path):
    pdf = render_pdf(story(2), info=DocumentInfo("Test"), marking=MARKING, guard=GUARD)
    path = tmp_path / "locked.pdf"
    write_pdf(path, pdf, password="correct horse battery")
    assert b"OFFICIAL" not in path.read_bytes()
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(path)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(path, password="wrong")
    with pikepdf.open(path, password="correct horse battery") as document:
        assert document.encryption.stream_method.name == "aesv3" or "AES" in repr(document.encryption)
        assert document.encryption.R == 6  # AES-256
        plain = io.BytesIO()
        document.save(plain)
    assert "OFFICIAL-SENSITIVE" in pages_text(plain.getvalue())[0]


@pytest.mark.parametrize("where", ["text", "table", "title", "copy", "chart"])
def test_a_real_name_anywhere_stops_the_report(tmp_path, where):
    styles = report_styles()
    items, info, copy = story(3), DocumentInfo("Test"), None
    if where == "text":
        items.append(Paragraph("Seen by <b>JANE</b>  realname on Monday", styles.body))
    elif where == "table":
        items = story(3, extra="Realname, Jane")
    elif where == "title":
        info = DocumentInfo("Review of John O'Realname")
    elif where == "copy":
        copy = CopyLabel(1, 2, "john o'realname")
    else:
        drawing = Drawing(200, 100)
        chart = VerticalBarChart()
        chart.data = [[1, 2]]
        chart.categoryAxis.categoryNames = ["Alex", "Jane Realname"]
        drawing.add(chart)
        items.append(drawing)
    with pytest.raises(RealNameFound) as refused:
        render_pdf(items, info=info, marking=MARKING, guard=GUARD, copy=copy)
    assert "Realname" not in refused.value.message  # the refusal does not repeat the name
    assert "DHR-2024-0" in refused.value.message


def test_the_guard_does_not_stop_names_that_merely_contain_a_real_name():
    # (A stored surname alone that is not a common word, "Realname", is a leak since issue 12.)
    GUARD.check(["Janet Realnameson", "Jane", "Realnameson Road"], where="text")
    with pytest.raises(TypeError):
        from reportlab.platypus.flowables import Flowable

        render_pdf([Flowable()], info=DocumentInfo("Test"), marking=MARKING, guard=GUARD)


def test_numbered_copies_are_laid_out_once_and_each_labelled_on_every_page():
    labels = [CopyLabel(n, 3, f"Member {n}, Kent Police" if n < 3 else "") for n in (1, 2, 3)]
    copies = list(render_copies(story(), info=DocumentInfo("Test paper"), marking=MARKING, guard=GUARD, copies=labels))
    assert len(copies) == 3
    for number, pdf in enumerate(copies, start=1):
        texts = pages_text(pdf)
        for page, text in enumerate(texts, start=1):
            assert text.count("OFFICIAL-SENSITIVE") == 2
            assert text.count(f"Copy {number} of 3") == 2
            assert all(f"Copy {other} of 3" not in text for other in (1, 2, 3) if other != number)
            assert f"Page {page} of {len(texts)}" in text
        assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == "Test paper"
    with pytest.raises(RealNameFound):
        list(
            render_copies(
                story(),
                info=DocumentInfo("Test"),
                marking=MARKING,
                guard=GUARD,
                copies=[CopyLabel(1, 1, "Jane Realname")],
            )
        )


def test_a_long_recipient_never_runs_into_the_title_or_the_marking():
    recipient = "Lesley Specimen-Placeholder, Kent and Medway NHS and Social Care Partnership Trust (KMPT), Maidstone"
    [pdf] = render_copies(
        story(2),
        info=DocumentInfo("Test paper", running_title="DHR progress report \u2013 KCSP 10/12/2026, item 7"),
        marking=MARKING,
        guard=GUARD,
        copies=[CopyLabel(12, 20, recipient)],
    )
    text = pages_text(pdf)[0]
    assert text.count("Copy 12 of 20") == 2 and "\u2026" in text  # cut short, but the number is always there
    assert "Copy 12 of 20 \u2013 Lesley Specimen-Placeholder, Kent and Medway NHS" in " ".join(text.split())
