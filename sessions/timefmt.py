"""Times shown in the viewer's unit time zone, suffixed WIB / WITA / WIT."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from training.models.units import TIME_ZONE_ABBREVIATIONS

DEFAULT_TZ = "Asia/Jakarta"
DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tz_abbreviation(tz_name: str | None) -> str:
    name = tz_name or DEFAULT_TZ
    return TIME_ZONE_ABBREVIATIONS.get(name, name)


def to_local(value: datetime, tz_name: str | None) -> datetime:
    return value.astimezone(ZoneInfo(tz_name or DEFAULT_TZ))


def format_local(value: datetime | None, tz_name: str | None, *, with_date: bool = True) -> str:
    """ "Selasa, 15 November 2022 09.00 WIB" (Indonesian style, 24-hour clock with a dot)."""
    if value is None:
        return ""
    local = to_local(value, tz_name)
    clock = f"{local:%H.%M} {tz_abbreviation(tz_name)}"
    if not with_date:
        return clock
    day = DAYS_ID[local.weekday()]
    return f"{day}, {local.day} {MONTHS_ID[local.month - 1]} {local.year} {clock}"
