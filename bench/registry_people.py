"""Households, their people and their registrations for bench/registry_synth.py, as numpy arrays (1M records in
seconds). Arrays are kept in plain dicts: `hh` per household, `people` per person, `regs` per registration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from registry_names import FAMILY, FEMALE_FAMILY_TITLES, GIVEN, GROUPS, NameTable

Arrays = dict[str, Any]
ORGS = np.array(["UNHCR", "IOM", "WFP", "NRC", "PRCS", "ACTED", "HANDS", "IRC"])
DUPLICATE_SHARE = 0.10
THIRD_REGISTRATION_SHARE = 0.08  # of the re-registered households
AFGHAN_SHARE = 0.30
ZIPF_S = 1.0
SIZE_P = np.array([0.04, 0.06, 0.09, 0.12, 0.14, 0.15, 0.13, 0.11, 0.09, 0.07])  # household of 1..10
FIRST_DAY, LAST_DAY = np.datetime64("2022-09-01"), np.datetime64("2025-06-30")
ADMIN2 = Path(__file__).resolve().parent.parent / "src/panah/geo/data/pak_admin2.csv"
PROVINCE_P = {"PK5": 0.32, "PK2": 0.24, "PK7": 0.28, "PK6": 0.12, "PK1": 0.015, "PK3": 0.01, "PK4": 0.015}
# 2022 flood-hit districts, weighted up within their province.
FLOOD = """Dadu|Kambar Shahdad Kot|Larkana|Jacobabad|Khairpur|Naushahro Feroze|Sanghar|Shaheed Benazir Abad|Mirpur Khas|
Badin|Thatta|Jamshoro|Sujawal|Umer Kot|Kashmore|Shikarpur|Matiari|Jaffarabad|Nasirabad|Sohbatpur|Jhal Magsi|Kachhi|
Lasbela|Quetta|Killa Saifullah|Pishin|D. I. Khan|Tank|Swat|Nowshera|Charsadda|Peshawar|Lakki Marwat|Kohistan Upper|
Kohistan Lower|Rajanpur|Dera Ghazi Khan|Muzaffargarh"""
AFGHAN_HOSTS = """Peshawar|Nowshera|Haripur|Mardan|Swabi|Kohat|Charsadda|Quetta|Pishin|Killa Abdullah|Chaman|
Killa Saifullah|Loralai|East Karachi|West Karachi|Islamabad|Rawalpindi|Lahore"""
# Name group of Pakistani households by province of residence (Sindhi and Hindko names are drawn from Urdu/Punjabi).
GROUP_P = {
    "PK5": (0.85, 0, 0.08, 0.07, 0), "PK2": (0.35, 0, 0.05, 0.05, 0.55), "PK7": (0.10, 0, 0.55, 0.10, 0.25),
    "PK6": (0.05, 0, 0.15, 0.75, 0.05), "other": (0.20, 0, 0.40, 0.40, 0),
}  # fmt: skip
CNIC_PROVINCE_DIGIT = {"PK5": 1, "PK6": 3, "PK7": 4, "PK2": 5, "PK4": 6, "PK3": 7, "PK1": 8}
PHONE_PREFIXES = np.array([*range(300, 310), *range(310, 319), *range(320, 326), *range(330, 338), *range(340, 350)])
HEAD, SPOUSE, CHILD, ELDER = 0, 1, 2, 3
RELATED_SHARE = 0.12  # households headed by a brother of another head, in the same district: cousins
PHONE_SHARE = 0.88
MOVED_SHARE, NEW_PHONE_SHARE = 0.15, 0.25


def _names(block: str) -> list[str]:
    return [n.strip() for n in block.replace("\n", "").split("|")]


def districts() -> pd.DataFrame:
    """District P-codes with province, sampling weight for Pakistani and for Afghan households."""
    frame = pd.read_csv(ADMIN2, dtype=str)[["adm1_pcode", "adm2_pcode", "adm2_name"]]
    frame.columns = ["province", "pcode", "name"]
    boost = np.where(frame["name"].isin(_names(FLOOD)), 4.0, 1.0)
    share = frame.groupby("province")["pcode"].transform("size").to_numpy()
    frame["weight"] = frame["province"].map(PROVINCE_P).to_numpy() * boost / share
    frame["weight"] /= frame.groupby("province")["weight"].transform("sum") / frame["province"].map(PROVINCE_P)
    frame["weight"] /= frame["weight"].sum()
    frame["afghan_weight"] = np.where(frame["name"].isin(_names(AFGHAN_HOSTS)), 1.0, 0.0)
    frame.loc[frame["name"].isin(["Peshawar", "Quetta", "Pishin", "Killa Abdullah"]), "afghan_weight"] = 4.0
    frame["afghan_weight"] /= frame["afghan_weight"].sum()
    return frame


def zipf_draw(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    p = 1.0 / np.arange(1, size + 1) ** ZIPF_S
    return rng.choice(size, n, p=p / p.sum())


def _sizes(rng: np.random.Generator, n_people: int) -> np.ndarray:
    sizes = rng.choice(np.arange(1, 11), int(n_people / 5.5) + 50, p=SIZE_P)
    while sizes.sum() < n_people:
        sizes = np.concatenate([sizes, rng.choice(np.arange(1, 11), 100, p=SIZE_P)])
    cut = int(np.searchsorted(np.cumsum(sizes), n_people)) + 1
    sizes = sizes[:cut].copy()
    sizes[-1] -= sizes.sum() - n_people
    return sizes


def _male_names(rng: np.random.Generator, group: np.ndarray, names: NameTable) -> np.ndarray:
    return _given(rng, np.zeros(len(group), dtype=bool), group, names)


def _given(rng: np.random.Generator, female: np.ndarray, group: np.ndarray, names: NameTable) -> np.ndarray:
    out = np.empty(len(group), dtype=np.int64)
    for g, group_name in enumerate(GROUPS):
        for is_f, sex in ((False, "M"), (True, "F")):
            mask = (group == g) & (female == is_f)
            ids = names.ids(GIVEN[(sex, group_name)])
            out[mask] = ids[zipf_draw(rng, int(mask.sum()), len(ids))]
    return out


def _phones(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(PHONE_PREFIXES, n) * 10_000_000 + rng.integers(0, 10_000_000, n)


def make_households(rng: np.random.Generator, n_people: int, dist: pd.DataFrame, names: NameTable) -> Arrays:
    size = _sizes(rng, n_people)
    n = len(size)
    afghan = rng.random(n) < AFGHAN_SHARE
    district = np.where(
        afghan, rng.choice(len(dist), n, p=dist["afghan_weight"]), rng.choice(len(dist), n, p=dist["weight"])
    )
    province = dist["province"].to_numpy()[district]
    group = np.where(afghan, np.where(rng.random(n) < 0.6, 0, 1), 0)
    for prov, p in GROUP_P.items():
        mask = ~afghan & (np.isin(province, list(GROUP_P)[:-1], invert=True) if prov == "other" else province == prov)
        group[mask] = rng.choice(len(GROUPS), int(mask.sum()), p=np.array(p) / sum(p))
    family = np.full(n, -1)
    for g, group_name in enumerate(GROUPS):
        mask = group == g
        ids = names.ids(FAMILY[group_name])
        family[mask] = ids[zipf_draw(rng, int(mask.sum()), len(ids))]
    family[afghan & (rng.random(n) < 0.7)] = -1
    hh = {
        "size": size, "afghan": afghan, "district": district, "group": group, "family": family,
        "head_father": _male_names(rng, group, names), "late_husband": _male_names(rng, group, names),
        "female_head": rng.random(n) < 0.10, "phone": np.where(rng.random(n) < PHONE_SHARE, _phones(rng, n), -1),
        "dist": dist,
    }  # fmt: skip
    related = np.flatnonzero(rng.random(n) < RELATED_SHARE)
    source = rng.integers(0, n, len(related))
    for key in ("afghan", "district", "group", "family", "head_father"):
        hh[key][related] = hh[key][source]
    hh["female_head"][related] = False
    hh["start"] = np.concatenate([[0], np.cumsum(size)[:-1]])
    return hh


def _roles(rng: np.random.Generator, hh: Arrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = hh["size"]
    of = np.repeat(np.arange(len(size)), size)
    pos = np.arange(len(of)) - hh["start"][of]
    has_spouse = ~hh["female_head"] & (size >= 2) & (rng.random(len(size)) < 0.92)
    has_elder = (size >= 4) & (rng.random(len(size)) < 0.15)
    role = np.full(len(of), CHILD)
    role[pos == 0] = HEAD
    role[(pos == 1) & has_spouse[of]] = SPOUSE
    role[(pos == size[of] - 1) & has_elder[of] & (pos >= 2)] = ELDER
    return of, pos, role


def _ages(rng: np.random.Generator, hh: Arrays, of: np.ndarray, role: np.ndarray) -> np.ndarray:
    n_hh = len(hh["size"])
    children = np.bincount(of, weights=role == CHILD, minlength=n_hh)
    head = np.clip(20 + rng.gamma(2.2, 9.0, n_hh), 18, 85)
    head = np.maximum(head, 19 + 1.6 * children + rng.integers(0, 6, n_hh)).astype(int)
    spouse = np.maximum(head - rng.integers(0, 13, n_hh), 16)
    mother = np.where(hh["female_head"], head, spouse)
    age = np.empty(len(of), dtype=np.int64)
    age[role == HEAD] = head[of[role == HEAD]]
    age[role == SPOUSE] = spouse[of[role == SPOUSE]]
    elder = role == ELDER
    age[elder] = np.minimum(head[of[elder]] + rng.integers(18, 36, int(elder.sum())), 100)
    child = role == CHILD
    span = np.clip(mother[of[child]] - 16, 0, 32)
    age[child] = np.floor(rng.random(int(child.sum())) * (span + 1)).astype(int)
    return age


def _dedupe_siblings(rng: np.random.Generator, given: np.ndarray, of: np.ndarray, female: np.ndarray,
                     group: np.ndarray, names: NameTable) -> None:  # fmt: skip
    for _ in range(4):
        clash = pd.DataFrame({"h": of, "g": given}).duplicated().to_numpy()
        if not clash.any():
            return
        given[clash] = _given(rng, female[clash], group[clash], names)


def _family(rng: np.random.Generator, hh: Arrays, of: np.ndarray, role: np.ndarray, female: np.ndarray,
            age: np.ndarray, names: NameTable) -> np.ndarray:  # fmt: skip
    """Men and children carry the household's name; women often 'Bibi' (or another title), wives sometimes their own."""
    family = hh["family"][of].copy()
    u = rng.random(len(of))
    titles = names.ids(list(FEMALE_FAMILY_TITLES))
    adult_f = female & (age >= 18)
    family[adult_f & (u < 0.45)] = titles[0]
    other_title = adult_f & (u >= 0.45) & (u < 0.50)
    family[other_title] = rng.choice(titles[1:], int(other_title.sum()))
    own = adult_f & (u >= 0.85) & np.isin(role, (SPOUSE, ELDER)) & (hh["family"][of] >= 0)
    for g, group_name in enumerate(GROUPS):
        mask = own & (hh["group"][of] == g)
        ids = names.ids(FAMILY[group_name])
        family[mask] = ids[zipf_draw(rng, int(mask.sum()), len(ids))]
    family[female & (age < 18) & (u < 0.25)] = titles[0]
    return family


def _documents(rng: np.random.Generator, hh: Arrays, of: np.ndarray, female: np.ndarray, age: np.ndarray) -> Arrays:
    n = len(of)
    afghan = hh["afghan"][of]
    adult = age >= 18
    cnic = np.where(adult, rng.random(n) < np.where(afghan, 0.12, 0.97), rng.random(n) < 0.05)
    province = hh["dist"]["province"].to_numpy()[hh["district"][of]]
    digit = np.array([CNIC_PROVINCE_DIGIT[p] for p in province])
    elsewhere = rng.random(n) < 0.15
    digit[elsewhere] = rng.choice(list(CNIC_PROVINCE_DIGIT.values()), int(elsewhere.sum()))
    last = rng.integers(0, 5, n) * 2 + np.where(female, 0, 1)
    number = digit * 10**12 + rng.integers(0, 10**11, n) * 10 + last
    por = ~cnic & afghan & adult & (rng.random(n) < 0.55)
    return {"cnic": np.where(cnic, number, -1), "por": np.where(por, rng.integers(10**9, 10**10, n), -1)}


def make_people(rng: np.random.Generator, hh: Arrays, names: NameTable) -> Arrays:
    of, pos, role = _roles(rng, hh)
    n = len(of)
    female = np.where(role == HEAD, hh["female_head"][of], np.isin(role, (SPOUSE, ELDER)))
    female = np.where(role == CHILD, rng.random(n) < 0.5, female)
    age = _ages(rng, hh, of, role)
    group = hh["group"][of]
    given = _given(rng, female, group, names)
    _dedupe_siblings(rng, given, of, female, group, names)
    head_given = given[hh["start"]][of]
    own_father = _male_names(rng, group, names)
    father = np.select(
        [role == HEAD, role == CHILD],
        [hh["head_father"][of], np.where(hh["female_head"][of], -1, head_given)],
        own_father,
    )
    father = np.where((role == CHILD) & hh["female_head"][of], hh["late_husband"][of], father)
    husband = np.select(
        [role == SPOUSE, role == ELDER, (role == HEAD) & female], [head_given, hh["head_father"][of],
                                                                  hh["late_husband"][of]], -1,
    )  # fmt: skip
    docs = _documents(rng, hh, of, female, age)
    knows_dob = rng.random(n) < np.where(docs["cnic"] >= 0, 0.78, 0.58)
    own_phone = np.where((role != HEAD) & (age >= 18) & (rng.random(n) < 0.12), _phones(rng, n), -1)
    return {
        "hh": of, "pos": pos, "role": role, "female": female, "age": age, "given": given, "father": father,
        "husband": husband, "family": _family(rng, hh, of, role, female, age, names), "knows_dob": knows_dob,
        "birth_offset": rng.integers(0, 365, n), "own_phone": own_phone, **docs,
    }  # fmt: skip


def _duplicate_households(rng: np.random.Generator, size: np.ndarray, n_dup: int) -> np.ndarray:
    """Households to re-register, whole, until exactly n_dup records; a few listed twice (three registrations)."""
    order = rng.permutation(len(size))
    times = np.where(rng.random(len(size)) < THIRD_REGISTRATION_SHARE, 2, 1)[order]
    total = np.cumsum(size[order] * times)
    take = int(np.searchsorted(total, n_dup, side="right"))
    chosen = list(np.repeat(order[:take], times[:take]))
    left = n_dup - (int(total[take - 1]) if take else 0)
    for h in order[take:]:
        if left == 0:
            break
        if size[h] <= left:
            chosen.append(h)
            left -= int(size[h])
    return np.array(chosen, dtype=np.int64)


def _other_org(rng: np.random.Generator, taken: list[np.ndarray]) -> np.ndarray:
    org = rng.integers(0, len(ORGS), len(taken[0]))
    for _ in range(20):
        clash = np.any([org == t for t in taken], axis=0)
        if not clash.any():
            break
        org[clash] = rng.integers(0, len(ORGS), int(clash.sum()))
    return org


def make_registrations(rng: np.random.Generator, hh: Arrays, n_dup: int) -> Arrays:
    """Registration 0 of household h has id h; re-registrations follow, by another organisation, later or earlier."""
    n_hh = len(hh["size"])
    dup_hh = _duplicate_households(rng, hh["size"], n_dup)
    org0 = rng.choice(len(ORGS), n_hh, p=np.array([8, 6, 5, 4, 4, 3, 2, 2]) / 34)
    days = int((LAST_DAY - FIRST_DAY).astype(int))
    date0 = rng.integers(0, days + 1, n_hh)
    second = np.zeros(len(dup_hh), dtype=bool)
    _, first_index = np.unique(dup_hh, return_index=True)
    second[np.setdiff1d(np.arange(len(dup_hh)), first_index)] = True
    org = _other_org(rng, [org0[dup_hh]])
    first_org = dict(zip(dup_hh[first_index], org[first_index], strict=True))
    org[second] = _other_org(rng, [org0[dup_hh[second]], np.array([first_org[h] for h in dup_hh[second]])])
    shift = rng.integers(14, 540, len(dup_hh)) * rng.choice([-1, 1], len(dup_hh))
    district = hh["district"][dup_hh].copy()
    moved = rng.random(len(dup_hh)) < MOVED_SHARE
    dist = hh["dist"]
    province = dist["province"].to_numpy()
    for i in np.flatnonzero(moved):
        same = rng.random() < 0.7
        pool = np.flatnonzero(province == province[district[i]]) if same else np.arange(len(dist))
        district[i] = rng.choice(pool)
    phone = hh["phone"][dup_hh].copy()
    new_phone = rng.random(len(dup_hh)) < NEW_PHONE_SHARE
    phone[new_phone] = _phones(rng, int(new_phone.sum()))
    return {
        "hh": np.concatenate([np.arange(n_hh), dup_hh]), "dup": np.arange(n_hh + len(dup_hh)) >= n_hh,
        "org": np.concatenate([org0, org]), "day": np.concatenate([date0, np.clip(date0[dup_hh] + shift, 0, days)]),
        "district": np.concatenate([hh["district"], district]), "phone": np.concatenate([hh["phone"], phone]),
    }  # fmt: skip
