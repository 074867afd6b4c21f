"""Reference data: CSP areas, agencies and their contacts."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dhr_tracker.model.base import Base, Versioned, enum_column
from dhr_tracker.vocabulary import AgencyKind, ContactLevel


class CspArea(Base):
    """A Community Safety Partnership area (11 in Kent, plus Medway)."""

    __tablename__ = "csp_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    districts: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Agency(Versioned, Base):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind), default=AgencyKind.OTHER)
    outside_kent: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(default="")

    contacts: Mapped[list[AgencyContact]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="AgencyContact.id"
    )

    @property
    def is_government_department(self) -> bool:
        return self.kind is AgencyKind.GOVERNMENT_DEPARTMENT

    def contact_at(self, level: ContactLevel) -> AgencyContact | None:
        return next((contact for contact in self.contacts if contact.level is level), None)


class AgencyContact(Versioned, Base):
    """A named person at an agency, at one level of seniority (lead, senior manager, chief officer...)."""

    __tablename__ = "agency_contact"
    __table_args__ = (UniqueConstraint("agency_id", "level", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    level: Mapped[ContactLevel] = mapped_column(enum_column(ContactLevel))
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")

    agency: Mapped[Agency] = relationship(back_populates="contacts")
