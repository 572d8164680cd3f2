"""The people the demo data generates: Indonesian names with academic titles, NRPs and NIPs,
posts (jabatan) with the ranks that hold them, and Kalbar kecamatan for polda-scale Polsek.

Everything here is deterministic given a seed; `training.services.demo` decides who goes where.
"""

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class PersonSpec:
    nrp: str
    name: str
    rank: str  # Rank.code
    position: str
    unit: str  # Unit.code


def _words(text: str) -> list[str]:
    return text.split()


MALE_NAMES = _words(
    "Agus Budi Dedi Eko Fajar Hendra Indra Joko Rudi Wahyu Yudi Andi Rizky Dwi Bayu Arif Heru "
    "Teguh Yohanes Stefanus Antonius Paulus Agustinus Petrus Yosef Muhammad Ahmad Syarif Gusti "
    "Uray Hadi Iwan Rahmat Dani Ferry Hari Irfan Junaidi Krisna Lukas Mikael Nanda Oki Rendy "
    "Sandi Taufik Wawan Yusuf Zulkifli Anton Benny Edi Firdaus Gilang Ilham Kevin Reza Rian"
)
FEMALE_NAMES = _words(
    "Rina Siti Dewi Sri Yuliana Maria Lestari Putri Wulan Novi Fitri Ratna Indah Ayu Desi Eka "
    "Fransiska Helena Intan Kartika Lia Mega Nurul Olivia Rosalina Sari Tari Vivi Yanti Elisabet"
)
MIDDLE_NAMES = _words("Adi Aditya Eka Dwi Tri Nur Putra Dian Sinta Kurnia Surya Bagus Budi Hadi")
FAMILY_NAMES = _words(
    "Saputra Pratama Wijaya Santoso Setiawan Hidayat Nugroho Gunawan Kurniawan Siregar "
    "Simanjuntak Sitorus Nainggolan Harahap Lubis Nasution Sinaga Panjaitan Hutapea Alkadrie "
    "Effendi Rahman Syahputra Firmansyah Ramadhan Hakim Susanto Wibowo Kusuma Pranata Sembiring "
    "Ginting Tarigan Manurung Situmorang Pardede Tanjung Halim Hasibuan Purba Damanik Sihombing "
    "Hermawan Prasetyo Maulana Rusdi Anwar Kristianto Sulistyo Hartono Mahendra Ardiansyah"
)
SINGLE_NAMES = _words("Suparman Sugiyanto Suwarno Sutrisno Mulyadi Sumarni Suhartini Rusmini")

# Academic titles as they appear after names in Polri letters, by rank tier.
TITLES: dict[str, list[tuple[str, ...]]] = {
    "pati": [("S.I.K.", "M.Si."), ("S.I.K.", "M.H."), ("S.H.", "M.H."), ("S.I.K.", "M.M.")],
    "pamen": [("S.I.K.",), ("S.I.K.", "M.H."), ("S.H.",), ("S.H.", "M.H."), ("S.I.K.", "M.Si.")],
    "pama": [(), ("S.H.",), ("S.H.",), ("S.I.K.",), ("S.Sos.",), ("S.E.",), ("S.Kom.",)],
    "bintara": [(), (), (), (), (), (), ("S.H.",), ("S.E.",)],
    "pns": [(), ("S.E.",), ("S.Kom.",), ("S.Sos.",), ("A.Md.",), ("S.AP.",)],
}
# Birth years by rank: the plausible age of someone holding it.
BIRTH_YEARS: dict[str, tuple[int, int]] = {
    "IRJEN-POL": (1966, 1970), "BRIGJEN-POL": (1968, 1972), "KOMBES-POL": (1970, 1977),
    "AKBP": (1974, 1982), "KOMPOL": (1976, 1986), "AKP": (1978, 1990), "IPTU": (1975, 1992),
    "IPDA": (1972, 1994), "AIPTU": (1968, 1978), "AIPDA": (1972, 1983), "BRIPKA": (1978, 1990),
    "BRIGPOL": (1985, 1996), "BRIPTU": (1994, 2001), "BRIPDA": (1999, 2005),
}  # fmt: skip
PNS_GRADES = ["PNS-II-A", "PNS-II-B", "PNS-II-C", "PNS-III-A", "PNS-III-B", "PNS-III-C"]

Slot = tuple[str, tuple[str, ...]]  # (position, rank codes to choose from)
POLDA_LEADERS: list[Slot] = [
    ("Kapolda", ("IRJEN-POL",)),
    ("Wakapolda", ("BRIGJEN-POL",)),
    ("Irwasda", ("KOMBES-POL",)),
    ("Karo Ops", ("KOMBES-POL",)),
    ("Karo SDM", ("KOMBES-POL",)),
    ("Karo Rena", ("KOMBES-POL",)),
    ("Dirreskrimum", ("KOMBES-POL",)),
    ("Dirbinmas", ("KOMBES-POL",)),
    ("Kabid Humas", ("KOMBES-POL",)),
    ("Kabid TIK", ("AKBP", "KOMBES-POL")),
    ("Ka SPN", ("KOMBES-POL",)),
    ("Kabagdiklat Ro SDM", ("AKBP",)),
    ("Gadik SPN", ("AKP", "IPTU")),
    ("Gadik SPN", ("IPTU", "AIPTU")),
]
POLRES_LEADERS: list[Slot] = [
    ("Kapolres", ("AKBP",)),
    ("Wakapolres", ("KOMPOL",)),
    ("Kabagops", ("KOMPOL",)),
    ("Kabag Ren", ("KOMPOL",)),
    ("Kabag SDM", ("KOMPOL",)),
    ("Kabag Log", ("AKP", "KOMPOL")),
    ("Kasat Reskrim", ("AKP",)),
    ("Kasat Intelkam", ("AKP",)),
    ("Kasat Resnarkoba", ("AKP",)),
    ("Kasat Lantas", ("AKP",)),
    ("Kasat Samapta", ("AKP",)),
    ("Kasat Binmas", ("AKP", "IPTU")),
    ("Kasi Humas", ("IPTU", "AKP")),
    ("Kasi Propam", ("IPTU",)),
]
POLRES_STAFF: list[Slot] = [
    ("Kanit Idik Sat Reskrim", ("IPDA", "IPTU")),
    ("Bamin Bag SDM", ("BRIPKA", "BRIGPOL")),
    ("Banit Sat Samapta", ("BRIPDA", "BRIPTU", "BRIGPOL")),
    ("Banit Sat Lantas", ("BRIPTU", "BRIGPOL", "BRIPDA")),
    ("Paur Subbag Dalpers Bag SDM", ("IPDA", "AIPTU")),
    ("Banit Sat Reskrim", ("BRIGPOL", "BRIPTU", "BRIPKA")),
    ("Bamin Bagops", ("BRIPKA", "BRIGPOL", "BRIPTU")),
    ("Banit Sat Intelkam", ("BRIGPOL", "BRIPKA")),
    ("Kanit Turjawali Sat Lantas", ("IPDA", "AIPTU")),
    ("Banit Sat Resnarkoba", ("BRIPTU", "BRIGPOL")),
    ("Staf Bag SDM", ("PNS",)),
    ("Banit Sat Binmas", ("BRIPKA", "AIPDA")),
]
POLSEK_LEADERS: list[Slot] = [
    ("Kapolsek", ("AKP", "IPTU")),
    ("Wakapolsek", ("IPDA", "AIPTU")),
    ("Kanit Reskrim", ("AIPDA", "IPDA")),
    ("Kanit Intelkam", ("AIPDA", "BRIPKA")),
    ("Kanit Samapta", ("AIPDA", "AIPTU")),
    ("Kanit Binmas", ("AIPTU", "AIPDA")),
]
POLSEK_STAFF: list[Slot] = [
    ("Bhabinkamtibmas", ("BRIPKA", "BRIGPOL")),
    ("Banit Reskrim", ("BRIGPOL", "BRIPTU")),
    ("Bhabinkamtibmas", ("BRIPKA", "BRIGPOL", "AIPDA")),
    ("Banit Samapta", ("BRIPDA", "BRIPTU", "BRIGPOL")),
    ("Bamin Polsek", ("BRIPTU", "BRIGPOL")),
    ("Banit Intelkam", ("BRIGPOL", "BRIPKA")),
    ("Banit Binmas", ("BRIPKA", "BRIGPOL")),
]

# Kecamatan of each Kalbar kabupaten/kota, for the polda-scale Polsek. Synthetic: Polsek do not
# follow kecamatan one to one (see training/data/KALBAR_NOTES.md).
KECAMATAN: dict[str, str] = {
    "Polresta Pontianak Kota": "Pontianak Barat, Pontianak Kota, Pontianak Selatan, "
    "Pontianak Tenggara, Pontianak Timur, Pontianak Utara",
    "Polres Kubu Raya": "Sungai Raya, Sungai Ambawang, Rasau Jaya, Kubu, Teluk Pakedai, "
    "Sungai Kakap, Batu Ampar, Terentang, Kuala Mandor B",
    "Polres Mempawah": "Mempawah Hilir, Mempawah Timur, Sungai Pinyuh, Anjongan, Toho, "
    "Sadaniang, Segedong, Siantan, Sungai Kunyit",
    "Polres Singkawang": "Singkawang Barat, Singkawang Tengah, Singkawang Timur, "
    "Singkawang Utara, Singkawang Selatan",
    "Polres Sambas": "Sambas, Pemangkat, Tebas, Jawai, Paloh, Sajingan Besar, Teluk Keramat, "
    "Selakau, Galing, Sejangkung, Sajad, Subah, Tekarang, Semparuk, Sebawi, Tangaran, Salatiga",
    "Polres Bengkayang": "Bengkayang, Ledo, Sanggau Ledo, Seluas, Jagoi Babang, Sungai Raya, "
    "Capkala, Samalantan, Monterado, Lumar, Teriak, Suti Semarang, Siding, Tujuh Belas",
    "Polres Landak": "Ngabang, Mandor, Menjalin, Sengah Temila, Air Besar, Menyuke, Sebangki, "
    "Kuala Behe, Meranti, Jelimpo, Sompak, Mempawah Hulu, Banyuke Hulu",
    "Polres Sanggau": "Toba, Mukok, Jangkang, Bonti, Parindu, Tayan Hulu, Tayan Hilir, "
    "Kembayan, Beduai, Noyan",
    "Polres Sekadau": "Sekadau Hilir, Sekadau Hulu, Nanga Taman, Nanga Mahap, Belitang, "
    "Belitang Hilir, Belitang Hulu",
    "Polres Sintang": "Sintang, Sepauk, Tempunak, Kelam Permai, Dedai, Kayan Hilir, Kayan Hulu, "
    "Serawai, Ambalau, Binjai Hulu, Sungai Tebelian, Ketungau Hilir, Ketungau Tengah, "
    "Ketungau Hulu",
    "Polres Melawi": "Nanga Pinoh, Belimbing, Sokan, Tanah Pinoh, Ella Hilir, Menukung, Sayan, "
    "Pinoh Selatan, Pinoh Utara",
    "Polres Kapuas Hulu": "Putussibau Utara, Putussibau Selatan, Embaloh Hilir, Embaloh Hulu, "
    "Badau, Batang Lupar, Empanang, Puring Kencana, Bunut Hilir, Bunut Hulu, Boyan Tanjung, "
    "Jongkong, Selimbau, Semitau, Silat Hilir, Silat Hulu, Hulu Gurung, Suhaid, Seberuang",
    "Polres Ketapang": "Delta Pawan, Muara Pawan, Matan Hilir Utara, Matan Hilir Selatan, "
    "Benua Kayong, Kendawangan, Marau, Manis Mata, Air Upas, Jelai Hulu, Tumbang Titi, Sandai, "
    "Nanga Tayap, Sungai Laur, Simpang Hulu, Simpang Dua, Hulu Sungai, Singkup, Pemahan",
    "Polres Kayong Utara": "Sukadana, Simpang Hilir, Teluk Batang, Seponti, Pulau Maya, "
    "Kepulauan Karimata",
}


class Namer:
    """Deterministic Indonesian names, NRPs and NIPs from one seeded generator."""

    def __init__(self, seed: int, reserved: Iterable[str]) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set(reserved)

    @staticmethod
    def _tier(rank: str) -> str:
        if rank.startswith("PNS"):
            return "pns"
        if rank in ("IRJEN-POL", "BRIGJEN-POL"):
            return "pati"
        if rank in ("KOMBES-POL", "AKBP", "KOMPOL"):
            return "pamen"
        if rank in ("AKP", "IPTU", "IPDA"):
            return "pama"
        return "bintara"

    def name(self, rank: str) -> str:
        rng, tier = self.rng, self._tier(rank)
        female = rng.random() < (0.4 if tier == "pns" else 0.12)
        if rng.random() < 0.08:
            base = rng.choice(SINGLE_NAMES)
        else:
            parts = [rng.choice(FEMALE_NAMES if female else MALE_NAMES)]
            if rng.random() < 0.35:
                parts.append(rng.choice(MIDDLE_NAMES))
            parts.append(rng.choice(FAMILY_NAMES))
            base = " ".join(parts)
        if tier == "pati" and rng.random() < 0.5:
            base = "Dr. " + base
        return ", ".join([base, *rng.choice(TITLES[tier])])

    def nrp(self, rank: str) -> str:
        """8 digits: birth year and month, then a serial; births from 2000 give a leading zero.
        A plausible look only: nothing in the platform validates this layout."""
        low, high = BIRTH_YEARS.get(rank, (1975, 1995))
        while True:
            year, month = self.rng.randint(low, high), self.rng.randint(1, 12)
            value = f"{year % 100:02d}{month:02d}{self.rng.randint(1, 9999):04d}"
            if value not in self.used:
                self.used.add(value)
                return value

    def nip(self) -> str:
        """18 digits: birth date, appointment year and month, sex, serial (the PNS layout)."""
        while True:
            born = date(1970, 1, 1) + timedelta(days=self.rng.randint(0, 365 * 28))
            appointed = born.year + self.rng.randint(20, 27)
            value = (
                f"{born:%Y%m%d}{appointed}{self.rng.randint(1, 12):02d}"
                f"{self.rng.choice('12')}{self.rng.randint(1, 999):03d}"
            )
            if value not in self.used:
                self.used.add(value)
                return value

    def person(self, slot: Slot, unit_code: str) -> PersonSpec:
        position, ranks = slot
        rank = self.rng.choice(ranks)
        if rank == "PNS":
            rank = self.rng.choice(PNS_GRADES)
            return PersonSpec(self.nip(), self.name(rank), rank, position, unit_code)
        return PersonSpec(self.nrp(rank), self.name(rank), rank, position, unit_code)


def stable_fraction(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts`: the same on every machine and every run (unlike
    `hash()`), so demo data can decide "does this person attend?" without a shared generator
    whose draws would shift whenever a person is added."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
