"""Qingdao's ten districts: division codes, how enterprises spread over them, their roads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from laborwatch.synth.industries import SECTIONS
from laborwatch.synth.vocab import Vocabulary, read_rows


@dataclass(frozen=True)
class District:
    name: str
    code: int  # GB/T 2260 administrative division code
    share: float  # share of the city's enterprises
    services_tilt: float  # relative pull on service firms
    industry_tilt: float  # relative pull on factories, builders, hauliers
    farming_tilt: float  # relative pull on farms and co-operatives


DISTRICTS = (
    District("市南区", 370202, 0.08, 1.6, 0.3, 0.05),
    District("市北区", 370203, 0.12, 1.4, 0.6, 0.05),
    District("李沧区", 370213, 0.07, 1.1, 0.8, 0.1),
    District("崂山区", 370212, 0.08, 1.3, 0.7, 0.6),
    District("黄岛区", 370211, 0.21, 0.9, 1.4, 1.0),
    District("城阳区", 370214, 0.13, 0.9, 1.3, 0.6),
    District("即墨区", 370215, 0.11, 0.8, 1.3, 1.5),
    District("胶州市", 370281, 0.08, 0.8, 1.3, 1.5),
    District("平度市", 370283, 0.07, 0.7, 1.1, 3.0),
    District("莱西市", 370285, 0.05, 0.7, 1.1, 3.0),
)

NAMES = tuple(district.name for district in DISTRICTS)
CODES = np.array([district.code for district in DISTRICTS])

# Which tilt applies to each industry section.
INDUSTRY_SECTIONS = frozenset("BCDEGN")
FARMING_SECTIONS = frozenset("A")

# Identity numbers keep the division code of birth registration, so older Qingdao natives
# carry codes of districts since merged: 四方区 (into 市北 2012), 胶南市 (into 黄岛 2012),
# 即墨市 (became 即墨区 2017).
LEGACY_ID_REGIONS = {370205: 0.05, 370284: 0.06, 370282: 0.06}


def district_probabilities() -> np.ndarray:
    """P(district | section) as a (sections × districts) matrix."""
    shares = np.array([district.share for district in DISTRICTS])
    rows = []
    for section in SECTIONS:
        if section in FARMING_SECTIONS:
            tilt = np.array([district.farming_tilt for district in DISTRICTS])
        elif section in INDUSTRY_SECTIONS:
            tilt = np.array([district.industry_tilt for district in DISTRICTS])
        else:
            tilt = np.array([district.services_tilt for district in DISTRICTS])
        row = shares * tilt
        rows.append(row / row.sum())
    return np.array(rows)


def roads() -> list[Vocabulary]:
    """The road names of each district, in the order of DISTRICTS."""
    rows = read_rows("roads.tsv")
    return [Vocabulary.of([road for name, road in rows if name == district]) for district in NAMES]


def local_id_regions() -> tuple[np.ndarray, np.ndarray]:
    """(codes, probabilities) of identity-number regions for people born in Qingdao."""
    codes = list(CODES) + list(LEGACY_ID_REGIONS)
    weights = [district.share for district in DISTRICTS] + list(LEGACY_ID_REGIONS.values())
    probabilities = np.array(weights) / sum(weights)
    return np.array(codes), probabilities


def migrant_id_regions() -> tuple[np.ndarray, np.ndarray]:
    """(codes, probabilities) of identity-number regions of migrant workers' home counties."""
    rows = read_rows("home_regions.tsv")
    weights = np.array([float(row[3]) for row in rows])
    return np.array([int(row[0]) for row in rows]), weights / weights.sum()
