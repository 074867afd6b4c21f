"""Making the packs of a round: one workbook and one covering e-mail draft per agency with outstanding items.

Everything is checked (real names, file names free) before anything is written; the files are written
once, owner-only, and removed again if any later one fails, so a refusal leaves nothing behind. Each
pack is entered in the register (an earlier pack for the same request is marked replaced).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.errors import UserError
from dhr_tracker.exchange.packs.content import PackContent, pack_contents
from dhr_tracker.exchange.packs.email_draft import draft_bytes, email_body, email_subject
from dhr_tracker.exchange.packs.identity import (
    new_identifier,
    new_signing_key,
    pack_checksum,
    row_key,
    stamped_identifier,
)
from dhr_tracker.exchange.packs.workbook import build_workbook, encrypt, pack_texts
from dhr_tracker.model import UpdatePack, UpdateRound, utc_now
from dhr_tracker.privacy.channels import UPDATE_PACK
from dhr_tracker.progress import NO_PROGRESS, Progress, step
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.settings import HANDLING_LINE, PACK_RETURN_TO, PROTECTIVE_MARKING, Settings
from dhr_tracker.spreadsheets import workbook_bytes
from dhr_tracker.storage.files import already_exists, open_new_owner_only, remove_unless_committed

MIN_PASSWORD = 8


@dataclass(frozen=True)
class MadePack:
    agency_name: str
    identifier: str
    rows: int
    workbook: Path
    draft: Path


def pack_file_stem(content: PackContent) -> str:
    agency = re.sub(r"[^A-Za-z0-9]+", "-", content.agency_name).strip("-").lower()[:60] or "agency"
    return f"update-pack-{content.meeting_on.isoformat()}-{agency}"


def read_password_file(path: Path | str) -> str:
    try:
        password = Path(path).read_text(encoding="utf-8").strip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"Cannot read the password file {path}: {getattr(error, 'strerror', None) or error}.") from None
    if not password:
        raise UserError(f"The password file {path} is empty; put the pack password on its first line.")
    return password


def make_packs(
    session: Session,
    round_: UpdateRound,
    out_dir: Path | str,
    *,
    agency_id: int | None = None,
    password: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> list[MadePack]:
    """Write the packs of `round_` (or of one agency) into `out_dir`. Raises UserError, writing nothing.

    Cancelling `progress` stops before the next pack; the packs already written are removed (Cancelled).
    """
    out_dir = Path(out_dir)
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError(
            f"The pack password must be at least {MIN_PASSWORD} characters long: the agencies open the "
            "pack with it, and a short one is guessed in minutes."
        )
    contents = pack_contents(session, round_, agency_id)
    if not contents:
        who = "This agency has no" if agency_id else "No agency has"
        raise UserError(f"{who} outstanding items in the {round_.meeting_on:%d/%m/%Y} round: there is no pack to make.")
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} is a file. Name a folder to put the packs in.")
    settings = Settings(session)
    marking, handling_line, return_to = (
        settings.get(PROTECTIVE_MARKING),
        settings.get(HANDLING_LINE),
        settings.get(PACK_RETURN_TO),
    )
    guard = RealNameGuard.from_session(session)

    planned = []
    for content in contents:
        identifier, key = new_identifier(), new_signing_key()
        stamped = stamped_identifier(
            identifier,
            pack_checksum(
                key, identifier, content.request_id, content.agency_id, (row.recommendation_id for row in content.rows)
            ),
        )
        subject = email_subject(content, marking)
        body = email_body(content, return_to=return_to, stamped=stamped, encrypted=password is not None)
        # The draft's To header too: the lead contact's name and address are strings the .eml carries.
        guard.check(
            [
                *pack_texts(content, marking, handling_line, return_to, stamped),
                subject,
                body,
                content.lead_contact,
                content.lead_email,
            ],
            where=UPDATE_PACK,
        )
        stem = pack_file_stem(content)
        planned.append(
            (content, identifier, key, stamped, subject, body, out_dir / f"{stem}.xlsx", out_dir / f"{stem}.eml")
        )
    taken = [path for *_, workbook, draft in planned for path in (workbook, draft) if path.exists()]
    if taken:
        raise UserError(already_exists(taken[0], what="an update pack", instead="a new folder"))
    try:
        out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise UserError(f"Cannot create the folder {out_dir}: {error.strerror or error}.") from None

    now = utc_now()
    replaced = {
        pack.request_id: pack
        for pack in session.scalars(
            select(UpdatePack).where(
                UpdatePack.request_id.in_([content.request_id for content in contents]),
                UpdatePack.replaced_at.is_(None),
                UpdatePack.imported_at.is_(None),
            )
        )
    }
    made: list[MadePack] = []
    written: list[Path] = []
    try:
        for number, (content, identifier, key, stamped, subject, body, workbook_path, draft_path) in enumerate(planned):
            step(progress, number, len(planned), f"Making the pack for {content.agency_name}…")
            keys = {row.recommendation_id: row_key(key, identifier, row.recommendation_id) for row in content.rows}
            data = workbook_bytes(
                build_workbook(
                    content,
                    marking=marking,
                    handling_line=handling_line,
                    return_to=return_to,
                    stamped=stamped,
                    row_keys=keys,
                )
            )
            if password is not None:
                data = encrypt(data, password)
            _write_new(workbook_path, data, written)
            _write_new(
                draft_path,
                draft_bytes(content, subject=subject, body=body, attachment=data, attachment_name=workbook_path.name),
                written,
            )
            if content.request_id in replaced:
                replaced[content.request_id].replaced_at = now
            session.add(
                UpdatePack(
                    request_id=content.request_id,
                    identifier=identifier,
                    signing_key=key,
                    made_at=now,
                    file_name=workbook_path.name,
                    file_sha256=hashlib.sha256(data).hexdigest(),
                    rows=len(content.rows),
                    encrypted=password is not None,
                    imported_sha256="",
                    imported_updates=0,
                )
            )
            made.append(MadePack(content.agency_name, stamped, len(content.rows), workbook_path, draft_path))
        step(progress, len(planned), len(planned), "Entering the packs in the register…")
        session.flush()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    # A pack the register does not hold would be refused when it comes back: the files go if the save does not.
    remove_unless_committed(session, written)
    return made


def _write_new(path: Path, data: bytes, written: list[Path]) -> None:
    handle = open_new_owner_only(path, "wb", what="an update pack", instead="a new folder")
    written.append(path)
    with handle:
        handle.write(data)
