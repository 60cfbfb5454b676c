"""Enterprise names (place + brand + trade + legal form), short names, former names, variants.

A name is kept as its parts so that the way a worker tells it (a short name, a misspelt
brand, no place or no legal form) can be rebuilt from the same parts later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from laborwatch.synth.districts import DISTRICTS
from laborwatch.synth.industries import INDUSTRIES
from laborwatch.synth.names import draw_surnames
from laborwatch.synth.vocab import Vocabulary, join, where, words_by_group

COMPANY, INDIVIDUAL, COOPERATIVE = 0, 1, 2
THREE_CHARACTER_BRAND_SHARE = 0.3
SHORT_NAME_WITH_TRADE_SHARE = 0.4
RENAMED_SHARE = 0.05
RENAMED_TWICE_SHARE = 0.25
MAX_REDRAWS = 50

COMPANY_PLACES = Vocabulary.of(["青岛", "青岛市", "山东", ""], [0.55, 0.06, 0.13, 0.26])
# Of companies without a leading place, the share that carry it after the brand: 海信（青岛）…
PLACE_AFTER_BRAND_SHARE = 0.45
LEGAL_FORMS_BY_SIZE = (
    Vocabulary.of(["有限公司", "有限责任公司", "股份有限公司"], [0.78, 0.2, 0.02]),
    Vocabulary.of(["有限公司", "有限责任公司", "股份有限公司"], [0.75, 0.2, 0.05]),
    Vocabulary.of(
        ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"], [0.6, 0.2, 0.15, 0.05]
    ),
    Vocabulary.of(
        ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"], [0.35, 0.1, 0.3, 0.25]
    ),
)
INDIVIDUAL_BRAND_SUFFIXES = Vocabulary.of(["记", "氏"], [0.8, 0.2])
INDIVIDUAL_SURNAME_BRAND_SHARE = 0.55
# Stripped from a trade word to get the core a short name keeps: 建筑工程 → 建筑.
GENERIC_TRADE_ENDINGS = "(工程|管理|服务|咨询|开发|经纪|代理|技术)+$"
COOPERATIVE_TRADES = Vocabulary.of(
    [
        "果蔬种植",
        "蔬菜种植",
        "生猪养殖",
        "农机",
        "花生种植",
        "苗木",
        "茶叶",
        "蓝莓种植",
        "葡萄种植",
        "肉鸡养殖",
        "奶牛养殖",
        "粮食种植",
        "大姜种植",
        "马铃薯种植",
    ]
)


@cache
def brand_characters() -> Vocabulary:
    return Vocabulary.from_file("brand_chars.txt")


@dataclass(frozen=True)
class NameParts:
    """Name = place + brand (1-3 characters) + place_after_brand + trade + legal_form."""

    place: pa.Array
    brand_first: pa.Array
    brand_second: pa.Array
    brand_third: pa.Array
    place_after_brand: pa.Array
    trade: pa.Array
    legal_form: pa.Array

    @property
    def brand(self) -> pa.Array:
        return join(self.brand_first, self.brand_second, self.brand_third)

    def names(self) -> pa.Array:
        return join(self.place, self.brand, self.place_after_brand, self.trade, self.legal_form)

    def without_place(self) -> pa.Array:
        return join(self.brand, self.trade, self.legal_form)

    def without_legal_form(self) -> pa.Array:
        return join(self.place, self.brand, self.place_after_brand, self.trade)

    def take(self, rows: np.ndarray) -> NameParts:
        return NameParts(**{field: getattr(self, field).take(rows) for field in FIELDS})

    def with_rows(self, rows: np.ndarray, other: NameParts) -> NameParts:
        """These parts with `rows` replaced by the parts of `other` (one row each)."""
        return NameParts(
            **{
                field: replace_rows(getattr(self, field), rows, getattr(other, field))
                for field in FIELDS
            }
        )


FIELDS = tuple(NameParts.__dataclass_fields__)


def replace_rows(array: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    index = np.arange(len(array))
    index[rows] = len(array) + np.arange(len(rows))
    return pa.concat_arrays([array, values]).take(index)


def company_brands(rng: np.random.Generator, n: int) -> tuple[pa.Array, pa.Array, pa.Array]:
    chars = brand_characters()
    third = chars.draw(rng, n)
    has_third = rng.random(n) < THREE_CHARACTER_BRAND_SHARE
    return chars.draw(rng, n), chars.draw(rng, n), where(has_third, third, "")


def individual_brands(rng: np.random.Generator, n: int) -> tuple[pa.Array, pa.Array, pa.Array]:
    """张记 / 王氏 or a brand of two characters, as a shopkeeper would name a shop."""
    first, second, _ = company_brands(rng, n)
    by_surname = rng.random(n) < INDIVIDUAL_SURNAME_BRAND_SHARE
    surname, suffix = draw_surnames(rng, n), INDIVIDUAL_BRAND_SUFFIXES.draw(rng, n)
    return where(by_surname, surname, first), where(by_surname, suffix, second), pa.repeat("", n)


def district_places(district: np.ndarray, *, with_city: bool) -> pa.Array:
    """市北区, or 青岛市市北区 (county-level cities such as 平度市 are named alone)."""
    names = [
        d.name if (not with_city or d.name.endswith("市")) else f"青岛市{d.name}" for d in DISTRICTS
    ]
    return pa.array(names, pa.string()).take(district)


def trades(rng: np.random.Generator, kind: np.ndarray, industry: np.ndarray) -> pa.Array:
    company = [Vocabulary.of(i.company_words) for i in INDUSTRIES]
    shop = [Vocabulary.of(i.shop_words) for i in INDUSTRIES]
    vocabularies = company + shop + [COOPERATIVE_TRADES]
    group = np.where(kind == COMPANY, industry, len(INDUSTRIES) + industry)
    group[kind == COOPERATIVE] = 2 * len(INDUSTRIES)
    return words_by_group(rng, group, vocabularies)


def by_kind(
    kind: np.ndarray, company: pa.Array, individual: pa.Array, cooperative: pa.Array | str
) -> pa.Array:
    """Element-wise pick of the company, individual-business or co-operative variant."""
    return where(kind == COMPANY, company, where(kind == INDIVIDUAL, individual, cooperative))


def draw_parts(
    rng: np.random.Generator,
    *,
    kind: np.ndarray,
    industry: np.ndarray,
    district: np.ndarray,
    size_band: np.ndarray,
) -> NameParts:
    """Fresh name parts for enterprises of the given kind, section, district and size band."""
    n = len(kind)
    own, shop = company_brands(rng, n), individual_brands(rng, n)
    first, second, third = (where(kind == INDIVIDUAL, s, o) for s, o in zip(shop, own, strict=True))
    company_place = COMPANY_PLACES.draw(rng, n)
    place = by_kind(
        kind,
        company_place,
        district_places(district, with_city=False),
        district_places(district, with_city=True),
    )
    placeless = (kind == COMPANY) & pc.equal(company_place, "").to_numpy(zero_copy_only=False)
    after_brand = placeless & (rng.random(n) < PLACE_AFTER_BRAND_SHARE)
    legal_form = by_kind(
        kind, words_by_group(rng, size_band, LEGAL_FORMS_BY_SIZE), pa.repeat("", n), "专业合作社"
    )
    return NameParts(
        place=place,
        brand_first=first,
        brand_second=second,
        brand_third=third,
        place_after_brand=where(after_brand, pa.repeat("（青岛）", n), ""),
        trade=trades(rng, kind, industry),
        legal_form=legal_form,
    )


def duplicated(names: pa.Array, taken: pa.Array | None = None) -> np.ndarray:
    """Rows whose name appeared earlier in `names` or appears anywhere in `taken`."""
    keys = pc.dictionary_encode(names).indices.to_numpy()
    _, first = np.unique(keys, return_index=True)
    repeated = np.ones(len(keys), dtype=bool)
    repeated[first] = False
    if taken is not None and len(taken):
        repeated |= pc.is_in(names, value_set=taken).to_numpy(zero_copy_only=False)
    return repeated


def unique_parts(
    rng: np.random.Generator,
    parts: NameParts,
    *,
    taken: pa.Array | None = None,
) -> NameParts:
    """Redraw the brand of every name that repeats an earlier one (or one in `taken`)."""
    for _ in range(MAX_REDRAWS):
        rows = np.flatnonzero(duplicated(parts.names(), taken))
        if len(rows) == 0:
            return parts
        # A shop named after its owner (王记) is common, so a clash gets a coined brand instead.
        first, second, third = company_brands(rng, len(rows))
        redrawn = replace(
            parts.take(rows), brand_first=first, brand_second=second, brand_third=third
        )
        parts = parts.with_rows(rows, redrawn)
    raise RuntimeError(f"{len(rows)} enterprise names still repeat after {MAX_REDRAWS} redraws")


def short_names(rng: np.random.Generator, parts: NameParts, kind: np.ndarray) -> pa.Array:
    """简称: the brand, sometimes with its trade's core word (海信电器); shops keep theirs."""
    core = pc.replace_substring_regex(parts.trade, GENERIC_TRADE_ENDINGS, "")
    core = where(
        pc.greater(pc.utf8_length(core), 3).to_numpy(zero_copy_only=False),
        pc.utf8_slice_codeunits(core, 0, 2),
        core,
    )
    with_trade = rng.random(len(kind)) < SHORT_NAME_WITH_TRADE_SHARE
    company_short = where(with_trade, join(parts.brand, core), parts.brand)
    shop_short = join(parts.brand, parts.trade)
    cooperative_short = join(parts.brand, "合作社")
    return by_kind(kind, company_short, shop_short, cooperative_short)


def misspelt(rng: np.random.Generator, parts: NameParts) -> pa.Array:
    """The name with one brand character swapped for another, as misheard on the phone."""
    n = len(parts.place)
    other = brand_characters().draw(rng, n)
    second = rng.random(n) < 0.5
    changed = replace(
        parts,
        brand_first=where(second, parts.brand_first, other),
        brand_second=where(second, other, parts.brand_second),
    )
    return changed.names()


def former_names(
    rng: np.random.Generator,
    parts: NameParts,
    *,
    kind: np.ndarray,
    industry: np.ndarray,
    district: np.ndarray,
    size_band: np.ndarray,
) -> pa.ListArray:
    """曾用名: about 5% of companies were renamed once or twice; none repeats any other name."""
    n = len(kind)
    renamed = np.flatnonzero((kind == COMPANY) & (rng.random(n) < RENAMED_SHARE))
    twice = rng.random(len(renamed)) < RENAMED_TWICE_SHARE
    owners = np.sort(np.concatenate([renamed, renamed[twice]]))
    fresh = draw_parts(
        rng,
        kind=kind[owners],
        industry=industry[owners],
        district=district[owners],
        size_band=size_band[owners],
    )
    old = parts.take(owners)
    # A renaming changes the brand or the trade (and the place often comes out different),
    # or only the place.
    change = rng.integers(0, 3, len(owners))
    keep_brand, keep_trade = change != 0, change != 1
    previous = replace(
        fresh,
        brand_first=where(keep_brand, old.brand_first, fresh.brand_first),
        brand_second=where(keep_brand, old.brand_second, fresh.brand_second),
        brand_third=where(keep_brand, old.brand_third, fresh.brand_third),
        trade=where(keep_trade, old.trade, fresh.trade),
    )
    previous = unique_parts(rng, previous, taken=parts.names())
    counts = np.bincount(owners, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), previous.names())
