"""Loads the reference organisation and ranks from `training/data/` (idempotent).

Units are upserted by code, ranks by code, so running the loader again changes nothing and a
corrected CSV updates names in place.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Rank, Unit

DATA_DIR = Path(__file__).resolve().parent / "data"

MABES_CODE = "MABES"

# Polda name (as in polda_list.csv) → (code suffix, time zone). The code is the short name Polri
# itself uses in letters and on certificates ("POLDA-KALBAR").
POLDA_CODES: dict[str, tuple[str, str]] = {
    "Polda Aceh": ("ACEH", "Asia/Jakarta"),
    "Polda Sumatera Utara": ("SUMUT", "Asia/Jakarta"),
    "Polda Sumatera Barat": ("SUMBAR", "Asia/Jakarta"),
    "Polda Riau": ("RIAU", "Asia/Jakarta"),
    "Polda Kepulauan Riau": ("KEPRI", "Asia/Jakarta"),
    "Polda Jambi": ("JAMBI", "Asia/Jakarta"),
    "Polda Bengkulu": ("BENGKULU", "Asia/Jakarta"),
    "Polda Sumatera Selatan": ("SUMSEL", "Asia/Jakarta"),
    "Polda Kepulauan Bangka Belitung": ("BABEL", "Asia/Jakarta"),
    "Polda Lampung": ("LAMPUNG", "Asia/Jakarta"),
    "Polda Metro Jaya": ("METRO-JAYA", "Asia/Jakarta"),
    "Polda Banten": ("BANTEN", "Asia/Jakarta"),
    "Polda Jawa Barat": ("JABAR", "Asia/Jakarta"),
    "Polda Jawa Tengah": ("JATENG", "Asia/Jakarta"),
    "Polda DI Yogyakarta": ("DIY", "Asia/Jakarta"),
    "Polda Jawa Timur": ("JATIM", "Asia/Jakarta"),
    "Polda Bali": ("BALI", "Asia/Makassar"),
    "Polda Nusa Tenggara Barat": ("NTB", "Asia/Makassar"),
    "Polda Nusa Tenggara Timur": ("NTT", "Asia/Makassar"),
    "Polda Kalimantan Barat": ("KALBAR", "Asia/Pontianak"),
    "Polda Kalimantan Selatan": ("KALSEL", "Asia/Makassar"),
    "Polda Kalimantan Tengah": ("KALTENG", "Asia/Pontianak"),
    "Polda Kalimantan Timur": ("KALTIM", "Asia/Makassar"),
    "Polda Kalimantan Utara": ("KALTARA", "Asia/Makassar"),
    "Polda Maluku": ("MALUKU", "Asia/Jayapura"),
    "Polda Maluku Utara": ("MALUT", "Asia/Jayapura"),
    "Polda Sulawesi Barat": ("SULBAR", "Asia/Makassar"),
    "Polda Sulawesi Selatan": ("SULSEL", "Asia/Makassar"),
    "Polda Sulawesi Tengah": ("SULTENG", "Asia/Makassar"),
    "Polda Sulawesi Tenggara": ("SULTRA", "Asia/Makassar"),
    "Polda Sulawesi Utara": ("SULUT", "Asia/Makassar"),
    "Polda Gorontalo": ("GORONTALO", "Asia/Makassar"),
    "Polda Papua": ("PAPUA", "Asia/Jayapura"),
    "Polda Papua Barat": ("PAPUA-BARAT", "Asia/Jayapura"),
    "Polda Papua Tengah": ("PAPUA-TENGAH", "Asia/Jayapura"),
    "Polda Papua Barat Daya": ("PAPUA-BARAT-DAYA", "Asia/Jayapura"),
}

# Civil-servant grades (PP 99/2000), most junior first: (golongan/ruang, name).
PNS_GRADES: list[tuple[str, str, str]] = [
    ("I/a", "Juru Muda", "Golongan I"),
    ("I/b", "Juru Muda Tingkat I", "Golongan I"),
    ("I/c", "Juru", "Golongan I"),
    ("I/d", "Juru Tingkat I", "Golongan I"),
    ("II/a", "Pengatur Muda", "Golongan II"),
    ("II/b", "Pengatur Muda Tingkat I", "Golongan II"),
    ("II/c", "Pengatur", "Golongan II"),
    ("II/d", "Pengatur Tingkat I", "Golongan II"),
    ("III/a", "Penata Muda", "Golongan III"),
    ("III/b", "Penata Muda Tingkat I", "Golongan III"),
    ("III/c", "Penata", "Golongan III"),
    ("III/d", "Penata Tingkat I", "Golongan III"),
    ("IV/a", "Pembina", "Golongan IV"),
    ("IV/b", "Pembina Tingkat I", "Golongan IV"),
    ("IV/c", "Pembina Utama Muda", "Golongan IV"),
    ("IV/d", "Pembina Utama Madya", "Golongan IV"),
    ("IV/e", "Pembina Utama", "Golongan IV"),
]
POLRI_SENIORITY_BASE = 100  # every Polri rank sorts above every PNS grade


@dataclass(frozen=True)
class LoadSummary:
    ranks: int
    units: int


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _variants(cell: str) -> list[str]:
    """ "BRIGADIR (very common); BRIGPOL" → ["BRIGADIR", "BRIGPOL"]; quoted full forms kept."""
    out = []
    for part in cell.split(";"):
        part = re.sub(r"\(.*?\)", "", part).strip().strip("'").strip()
        if part:
            out.append(part)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")


def load_ranks() -> int:
    count = 0
    for row in _read_csv("pangkat_polri.csv"):
        order = int(row["order_low_to_high"])
        Rank.objects.update_or_create(
            code=_slug(row["singkatan"]),
            defaults={
                "name": row["nama_pangkat"],
                "abbreviation": row["singkatan"],
                "category": Rank.Category.POLRI,
                "golongan": row["golongan"],
                "sub_golongan": row["sub_golongan"],
                "order": order,
                "seniority": POLRI_SENIORITY_BASE + order,
                "variants": _variants(row["variant_abbreviations_seen"]),
            },
        )
        count += 1
    for order, (grade, name, golongan) in enumerate(PNS_GRADES, start=1):
        Rank.objects.update_or_create(
            code="PNS-" + _slug(grade),
            defaults={
                "name": name,
                "abbreviation": f"PNS {grade}",
                "category": Rank.Category.PNS,
                "golongan": golongan,
                "sub_golongan": grade,
                "order": order,
                "seniority": order,
                "variants": [grade, f"{name} ({grade})", f"PNS {name}"],
            },
        )
        count += 1
    return count


def _upsert_unit(*, code: str, name: str, kind: str, parent: Unit | None, tz: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = Unit(code=code)
    changed = (unit.name, unit.kind, unit.parent_id, unit.timezone) != (
        name,
        kind,
        parent.pk if parent else None,
        tz,
    )
    if changed or unit.pk is None:
        unit.name, unit.kind, unit.parent, unit.timezone = name, kind, parent, tz
        unit.save()
    return unit


def polres_code(name: str) -> str:
    return _slug(name)  # "Polresta Pontianak Kota" → "POLRESTA-PONTIANAK-KOTA"


def polsek_code(name: str, polres_name: str) -> str:
    # Polsek names repeat across Indonesia; the Polres makes the code unique.
    return f"{_slug(name)}-{_slug(polres_name).removeprefix('POLRES-').removeprefix('POLRESTA-')}"


def load_units() -> int:
    count = 1
    mabes = _upsert_unit(
        code=MABES_CODE, name="Mabes Polri", kind=Unit.Kind.MABES, parent=None, tz="Asia/Jakarta"
    )
    poldas: dict[str, Unit] = {}
    for row in _read_csv("polda_list.csv"):
        suffix, tz = POLDA_CODES[row["polda_name"]]
        poldas[row["polda_name"]] = _upsert_unit(
            code=f"POLDA-{suffix}",
            name=row["polda_name"],
            kind=Unit.Kind.POLDA,
            parent=mabes,
            tz=tz,
        )
        count += 1
    polres_by_name: dict[str, Unit] = {}
    for row in _read_csv("polres_polda_kalbar.csv"):
        polda = poldas[row["polda"]]
        polres_by_name[row["unit_name"]] = _upsert_unit(
            code=polres_code(row["unit_name"]),
            name=row["unit_name"],
            kind=Unit.Kind.POLRES,
            parent=polda,
            tz=polda.timezone,
        )
        count += 1
    for row in _read_csv("polsek_polres_sanggau.csv"):
        polres = polres_by_name[row["polres"]]
        _upsert_unit(
            code=polsek_code(row["unit_name"], row["polres"]),
            name=row["unit_name"],
            kind=Unit.Kind.POLSEK,
            parent=polres,
            tz=polres.timezone,
        )
        count += 1
    return count


@transaction.atomic
def reference_data_load() -> LoadSummary:
    """Upsert ranks, Mabes, all Polda, the Kalbar Polres and the Sanggau Polsek."""
    return LoadSummary(ranks=load_ranks(), units=load_units())
