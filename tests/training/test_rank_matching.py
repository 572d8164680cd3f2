import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from training.models import Rank
from training.ranks import RankMatcher, rank_match, rank_matcher

pytestmark = pytest.mark.django_db


@pytest.fixture
def matcher(ranks) -> RankMatcher:
    return rank_matcher()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Brigpol: the abbreviation, the name, and the plain "BRIGADIR" HR lists use.
        ("BRIGADIR", "BRIGPOL"),
        ("Brigadir", "BRIGPOL"),
        ("Brigpol", "BRIGPOL"),
        ("BRIGADIR POLISI", "BRIGPOL"),
        # Kombes Pol: with or without "Pol", dots, case, the KBP code, glued together.
        ("KBP", "KOMBES-POL"),
        ("kbp.", "KOMBES-POL"),
        ("KOMBES", "KOMBES-POL"),
        ("Kombes Pol.", "KOMBES-POL"),
        ("KOMBES POL", "KOMBES-POL"),
        ("Kombes. Pol.", "KOMBES-POL"),
        ("KOMBESPOL", "KOMBES-POL"),
        ("Komisaris Besar Polisi", "KOMBES-POL"),
        ("  kombes   pol ", "KOMBES-POL"),
        # Other ranks, written the ways lists write them.
        ("BRIPKA", "BRIPKA"),
        ("Bripka.", "BRIPKA"),
        ("Brigadir Kepala", "BRIPKA"),
        ("AKBP", "AKBP"),
        ("A.K.B.P", "AKBP"),
        ("KOMPOL", "KOMPOL"),
        ("Komisaris Polisi", "KOMPOL"),
        ("AKP", "AKP"),
        ("Ipda", "IPDA"),
        ("BRIGJEN POL", "BRIGJEN-POL"),
        ("Brigjen. Pol.", "BRIGJEN-POL"),
        ("BRIGJEN", "BRIGJEN-POL"),
        ("Irjen", "IRJEN-POL"),
        ("JENDERAL POL", "JENDERAL-POLISI"),
        ("Jenderal Polisi", "JENDERAL-POLISI"),
        ("Abrippol", "ABRIP"),
        ("Bharada", "BHARADA"),
        # Civil staff (PNS): golongan/ruang, grade name, both, with "PNS" in front.
        ("III/a", "PNS-III-A"),
        ("III/A", "PNS-III-A"),
        ("PNS III/a", "PNS-III-A"),
        ("PNS III/A", "PNS-III-A"),
        ("III-a", "PNS-III-A"),
        ("IIIa", "PNS-III-A"),
        ("PENATA MUDA", "PNS-III-A"),
        ("Penata Muda (III/a)", "PNS-III-A"),
        ("PNS Penata Muda", "PNS-III-A"),
        ("PENATA MUDA TK. I", "PNS-III-B"),
        ("Penata Muda Tingkat I", "PNS-III-B"),
        ("PENATA TK I (III/d)", "PNS-III-D"),
        ("Pengatur Muda II/a", "PNS-II-A"),
        ("Gol. IV/a", "PNS-IV-A"),
        ("Pembina Utama", "PNS-IV-E"),
        ("I/a", "PNS-I-A"),
    ],
)
def test_real_list_spellings_match_their_rank(matcher, text, code):
    rank = matcher.match(text)
    assert rank is not None, text
    assert rank.code == code


@pytest.mark.parametrize("text", ["", "   ", "KAPTEN", "Letnan Kolonel", "BRIG JEN KOL", "V/a"])
def test_unknown_spellings_match_nothing(matcher, text):
    assert matcher.match(text) is None


def test_the_lookup_table_is_one_query_and_matching_none(ranks):
    with CaptureQueriesContext(connection) as ctx:
        matcher = rank_matcher()
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        for text in ["BRIGADIR", "KBP", "III/a"] * 1000:
            assert matcher.match(text) is not None
    assert len(ctx.captured_queries) == 0


def test_every_rank_matches_its_own_abbreviation_name_and_code(matcher):
    for rank in Rank.objects.all():
        for text in (rank.abbreviation, rank.name, rank.code):
            assert matcher.match(text) == rank, (text, rank.code)


def test_a_spelling_shared_by_two_ranks_matches_neither(ranks):
    # A lookup must never guess: two ranks claiming "SERMA" leaves it unmatched.
    first = Rank(pk=1, code="A", abbreviation="Serma", name="Satu", category="POLRI")
    second = Rank(pk=2, code="B", abbreviation="Serma", name="Dua", category="POLRI")
    matcher = RankMatcher([first, second])
    assert matcher.match("SERMA") is None
    assert matcher.match("Satu") == first


def test_rank_match_shortcut(ranks):
    assert rank_match("Kombes Pol.").code == "KOMBES-POL"
