from .curriculum import Material, MaterialRead, MaterialVersion, Module
from .personnel import Personnel, Role, normalize_nrp, validate_nrp
from .ranks import Rank, normalize_rank_text
from .units import Unit

__all__ = [
    "Material",
    "MaterialRead",
    "MaterialVersion",
    "Module",
    "Personnel",
    "Rank",
    "Role",
    "Unit",
    "normalize_nrp",
    "normalize_rank_text",
    "validate_nrp",
]
