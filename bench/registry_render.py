"""How each registration writes its people down (bench/registry_synth.py): spellings, birth dates or ages, phones
and documents as the organisation records them; then the independent corruptions of re-registrations."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
from registry_names import NameTable
from registry_people import ELDER, FIRST_DAY, HEAD, ORGS, SPOUSE, Arrays

DAYS_PER_YEAR = 365.2425
PHONE_STYLE = np.array([0, 1, 0, 2, 0, 1, 0, 0])  # per organisation: 03001234567, +923001234567, 0300-1234567
CNIC_DASHED = np.array([True, False, True, True, False, True, False, False])  # per organisation
FULL, JAN1, YEAR_ONLY, AGE_ONLY = 0, 1, 2, 3
# Re-registration corruptions, each drawn independently per record (new phone, moved district: per household).
RESPELL, TYPO, SWAP, HUSBAND_FOR_FATHER, YEAR_DRIFT = 0.30, 0.12, 0.03, 0.30, 0.15
DROP = {"family": 0.10, "dob": 0.10, "phone": 0.12, "document": 0.25}
NEIGHBOURS = {
    "a": "e", "e": "ai", "i": "ey", "o": "ua", "u": "oa", "b": "p", "d": "t", "g": "q", "h": "", "k": "gq", "q": "k",
    "m": "n", "n": "m", "r": "rl", "s": "sz", "t": "d", "y": "i", "z": "s", "f": "ph", "w": "v", "v": "w",
}  # fmt: skip


def _pick(rng: np.random.Generator, p: list[float], n: int) -> np.ndarray:
    return rng.choice(len(p), n, p=np.array(p) / sum(p))


def _recorded_father(rng: np.random.Generator, people: Arrays, person: np.ndarray, share: float) -> np.ndarray:
    """Women are often recorded 'wife of' their husband in the father's-name field."""
    role, husband = people["role"][person], people["husband"][person]
    married_f = people["female"][person] & (husband >= 0) & np.isin(role, (SPOUSE, ELDER, HEAD))
    return np.where(married_f & (rng.random(len(person)) < share), husband, people["father"][person])


def _dates(rng: np.random.Generator, people: Arrays, regs: Arrays, person: np.ndarray, reg: np.ndarray) -> Arrays:
    n = len(person)
    first = FIRST_DAY.astype(np.int64)
    reg_day = first + regs["day"][reg]
    true_age = people["age"][person]
    dob = first + regs["day"][people["hh"][person]] - np.floor(true_age * DAYS_PER_YEAR).astype(np.int64)
    dob -= people["birth_offset"][person]
    true_year = dob.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    reg_year = reg_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    knows = people["knows_dob"][person]
    mode = np.where(knows, _pick(rng, [0.9, 0, 0.05, 0.05], n), _pick(rng, [0, 0.8, 0.1, 0.1], n))
    estimate = true_year - _pick(rng, [0.1, 0.2, 0.4, 0.2, 0.1], n) + 2
    year = np.where(knows, true_year, estimate)
    age = np.where(mode == FULL, np.floor((reg_day - dob) / DAYS_PER_YEAR), reg_year - year).astype(np.int64)
    heaped = (mode == AGE_ONLY) & ~knows & (age >= 25) & (rng.random(n) < 0.5)
    age[heaped] = np.round(age[heaped] / 5).astype(np.int64) * 5
    show_age = (mode >= YEAR_ONLY) | (rng.random(n) < 0.5)
    return {"mode": mode, "dob": dob, "year": year, "age": np.maximum(age, 0), "show_age": show_age}


def render_records(rng: np.random.Generator, hh: Arrays, people: Arrays, regs: Arrays, names: NameTable,
                   seed: int) -> Arrays:  # fmt: skip
    """One record per person per registration, written as that registration would (spellings shared within it)."""
    sizes = hh["size"][regs["hh"]]
    reg = np.repeat(np.arange(len(sizes)), sizes)
    person = hh["start"][regs["hh"]][reg] + np.arange(len(reg)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    n = len(reg)
    org = regs["org"][reg]
    carries = (people["role"][person] == HEAD) | (rng.random(n) < 0.8)
    phone = np.where(carries, regs["phone"][reg], -1)
    own = (people["own_phone"][person] >= 0) & (rng.random(n) < 0.7)
    phone[own] = people["own_phone"][person][own]
    return {
        "reg": reg, "person": person, "dup": regs["dup"][reg], "org": org,
        "given": names.render(people["given"][person], reg, seed),
        "family": names.render(people["family"][person], reg, seed),
        "father": names.render(_recorded_father(rng, people, person, 0.35), reg, seed),
        "sex": np.where(rng.random(n) < 0.005, "", np.where(people["female"][person], "F", "M")),
        "district": regs["district"][reg], "phone": phone,
        "phone_style": np.where(rng.random(n) < 0.8, PHONE_STYLE[org], rng.integers(0, 3, n)),
        "cnic": people["cnic"][person], "por": people["por"][person],
        "dashed": np.where(rng.random(n) < 0.85, CNIC_DASHED[org], ~CNIC_DASHED[org]),
        **_dates(rng, people, regs, person, reg),
    }  # fmt: skip


def typo(text: str, rnd: random.Random) -> str:
    """One keyboard or ear slip: a letter swapped for a near one, dropped, doubled, or two letters transposed."""
    if len(text) < 3:
        return text
    i = rnd.randrange(1, len(text))
    kind = rnd.randrange(4)
    c = text[i].lower()
    if kind == 0 and c in NEIGHBOURS:
        return text[:i] + (rnd.choice(NEIGHBOURS[c]) if NEIGHBOURS[c] else "") + text[i + 1 :]
    if kind == 1 and text[i] != " ":
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    if i < len(text) - 1 and " " not in text[i - 1 : i + 1]:
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def corrupt_duplicates(rng: np.random.Generator, rec: Arrays, people: Arrays, names: NameTable, seed: int) -> None:
    """Independent corruptions of every re-registered record, in place (originals keep only their own spellings)."""
    dup = rec["dup"]
    n = len(dup)
    rnd = random.Random(seed)

    def chance(p: float) -> np.ndarray:
        return dup & (rng.random(n) < p)

    respell = chance(RESPELL)
    canon = people["given"][rec["person"]][respell]
    first_reg = people["hh"][rec["person"]][respell]  # registration 0 of household h has id h
    avoid = names.rank_of(canon, first_reg, seed)
    rec["given"][respell] = names.render(canon, rec["reg"][respell], seed, avoid=avoid)
    husband = chance(HUSBAND_FOR_FATHER) & (people["husband"][rec["person"]] >= 0) & people["female"][rec["person"]]
    rec["father"][husband] = names.render(people["husband"][rec["person"]][husband], rec["reg"][husband], seed)
    for field in ("given", "family", "father"):
        for i in np.flatnonzero(chance(TYPO)):
            rec[field][i] = typo(rec[field][i], rnd)
            if rnd.random() < 0.2:
                rec[field][i] = typo(rec[field][i], rnd)
    swap = chance(SWAP)
    rec["given"][swap], rec["family"][swap] = rec["family"][swap], rec["given"][swap].copy()
    drift = chance(YEAR_DRIFT)
    delta = rng.choice([-2, -1, 1, 2], int(drift.sum()))
    rec["year"][drift] += delta
    rec["dob"][drift] += np.round(delta * DAYS_PER_YEAR).astype(np.int64)
    rec["age"][drift] = np.maximum(rec["age"][drift] - delta, 0)
    rec["family"][chance(DROP["family"])] = ""
    dropped_dob = chance(DROP["dob"]) & (rec["mode"] < AGE_ONLY)
    rec["mode"][dropped_dob] = AGE_ONLY
    rec["show_age"][dropped_dob] = True
    rec["phone"][chance(DROP["phone"])] = -1
    no_document = chance(DROP["document"])
    rec["cnic"][no_document] = -1
    rec["por"][no_document] = -1


def _phone_text(phone: np.ndarray, style: np.ndarray) -> np.ndarray:
    digits = pd.Series(phone).astype(str)
    text = np.select(
        [style == 1, style == 2], ["+92" + digits, "0" + digits.str[:3] + "-" + digits.str[3:]], "0" + digits
    )
    return np.where(phone >= 0, text, "")


def format_records(rec: Arrays, hh: Arrays, regs: Arrays, rng: np.random.Generator) -> pd.DataFrame:
    """The records as an organisation would export them: all text, empty where unknown."""
    mode = rec["mode"]
    dob_text = np.datetime_as_string(rec["dob"].astype("datetime64[D]"), unit="D")
    year_text = pd.Series(rec["year"]).astype(str).to_numpy()
    cnic = pd.Series(np.maximum(rec["cnic"], 0)).astype(str).str.zfill(13)
    cnic_text = np.where(rec["dashed"], cnic.str[:5] + "-" + cnic.str[5:12] + "-" + cnic.str[12:], cnic)
    has_cnic, has_por = rec["cnic"] >= 0, rec["por"] >= 0
    ref_number = rng.permutation(len(regs["hh"]))[rec["reg"]]
    org_name = ORGS[rec["org"]]
    return pd.DataFrame({
        "given_name": rec["given"], "family_name": rec["family"], "father_name": rec["father"], "sex": rec["sex"],
        "date_of_birth": np.select([mode == FULL, mode == JAN1], [dob_text, np.char.add(year_text.astype(str),
                                                                                       "-01-01")], ""),
        "birth_year": np.where(mode <= YEAR_ONLY, year_text, ""),
        "age": np.where(rec["show_age"], pd.Series(rec["age"]).astype(str).to_numpy(), ""),
        "district": hh["dist"]["pcode"].to_numpy()[rec["district"]],
        "phone": _phone_text(rec["phone"], rec["phone_style"]),
        "document_number": np.select([has_cnic, has_por], [cnic_text, pd.Series(rec["por"]).astype(str)], ""),
        "document_type": np.select([has_cnic, has_por], ["cnic", "por"], ""),
        "household_ref": np.char.add(np.char.add(org_name.astype(str), "-"),
                                     pd.Series(ref_number).astype(str).str.zfill(7).to_numpy().astype(str)),
        "source_org": org_name,
    })  # fmt: skip
