"""Rank matching: map the way real personnel lists write a pangkat to a `Rank`.

HR (Bag SDM) exports write ranks in many ways: "BRIGADIR" for Brigpol, "KBP", "KOMBES",
"Kombes Pol." or "KOMBESPOL" for Kombes Pol, "AKBP." with a stray dot, and for civil staff the
golongan ("III/a", "PNS III/a", "Penata Muda (III/a)", "PENATA MUDA TK. I"). `RankMatcher` folds
all of these to one key per rank. Build it once per import with `rank_matcher()` (one query) and
call `match()` per row (no query).
"""

import re
from collections.abc import Iterable

from training.models import Rank, normalize_rank_text

# A PNS golongan/ruang written anywhere in the text: "III/a", "III-a", "IIIa", "(III/A)".
_GRADE_RE = re.compile(r"(?<![A-Z])(IV|III|II|I)\s*[/\-]?\s*([A-E])(?![A-Z])")
_TINGKAT_RE = re.compile(r"\bTK\b")
_PNS_PREFIX_RE = re.compile(r"^(PNS|GOL|GOLONGAN)\b\s*")
_POL_SUFFIX_RE = re.compile(r"(POLISI|POL)$")


def _compact(text: str) -> str:
    """Letters and digits, "TK" spelled out, no "PNS" prefix: "Penata Tk. I" → "PENATATINGKATI"."""
    folded = normalize_rank_text(text)
    folded = _TINGKAT_RE.sub("TINGKAT", folded)
    folded = _PNS_PREFIX_RE.sub("", folded)
    return re.sub(r"[^A-Z0-9]", "", folded)


def _compact_variants(text: str) -> set[str]:
    """The compact key, and the same without a glued-on "POL" ("KOMBESPOL" → "KOMBES")."""
    key = _compact(text)
    keys = {key} if key else set()
    stripped = _POL_SUFFIX_RE.sub("", key)
    if stripped and stripped != key:
        keys.add(stripped)
    return keys


def _pns_grade(text: str) -> str | None:
    """The golongan/ruang in `text` in the form ranks store it ("III/a"), or None."""
    match = _GRADE_RE.search(text.upper())
    if match is None:
        return None
    return f"{match.group(1)}/{match.group(2).lower()}"


class RankMatcher:
    """Look ranks up by any spelling real lists use. Pure: it holds the ranks it was given.

    Lookup order: the rank's own normalized spellings (`Rank.match_keys()`), then a compact form
    (no spaces or punctuation, "Tk." = "Tingkat", no "PNS" prefix, no glued "POL"), then a PNS
    golongan found in the text. A spelling that would denote two ranks matches neither.
    """

    def __init__(self, ranks: Iterable[Rank]) -> None:
        self.ranks = list(ranks)
        self._exact: dict[str, Rank | None] = {}
        self._compact: dict[str, Rank | None] = {}
        self._grades: dict[str, Rank] = {}
        self._seen: dict[str, Rank | None] = {}  # a list repeats the same few spellings
        for rank in self.ranks:
            for key in rank.match_keys():
                self._add(self._exact, key, rank)
                for compact in _compact_variants(key):
                    self._add(self._compact, compact, rank)
            if rank.category == Rank.Category.PNS and rank.sub_golongan:
                self._grades[rank.sub_golongan.upper()] = rank

    @staticmethod
    def _add(table: dict[str, Rank | None], key: str, rank: Rank) -> None:
        if not key:
            return
        current = table.get(key, rank)
        # None marks a spelling shared by two ranks: refusing it beats guessing.
        table[key] = rank if current is not None and current.pk == rank.pk else None

    def match(self, text: str) -> Rank | None:
        """The rank `text` denotes, or None when it is unknown or ambiguous."""
        if text not in self._seen:
            self._seen[text] = self._match(text)
        return self._seen[text]

    def _match(self, text: str) -> Rank | None:
        text = (text or "").strip()
        if not text:
            return None
        rank = self._exact.get(normalize_rank_text(text))
        if rank is not None:
            return rank
        for key in _compact_variants(text):
            rank = self._compact.get(key)
            if rank is not None:
                return rank
        grade = _pns_grade(normalize_rank_text(text))
        if grade is not None:
            return self._grades.get(grade.upper())
        return None


def rank_matcher() -> RankMatcher:
    """A matcher over every rank in the database: one query."""
    return RankMatcher(Rank.objects.all())


def rank_match(text: str) -> Rank | None:
    """Match one rank spelling (one query). For many rows build `rank_matcher()` once instead."""
    return rank_matcher().match(text)
