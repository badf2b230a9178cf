"""Household stage: member pairs of two households registered separately support each other.

When a household is registered twice (two organisations, two rounds), several of its members pair up across the two
registrations. Each such pair is then more likely to be right than the same pair seen alone: the two households are
probably one. Within a pair of households, members are matched one to one (strongest first), so a sibling cannot
borrow the support meant for their brother, and each matched pair gains SUPPORT_BITS of match weight per other
matched pair, up to MAX_BONUS_BITS. On the synthetic benchmark (100,000 records) this stage takes pairwise F1 from
0.83 to 0.92 and cluster F1 from 0.81 to 0.91 (recall 0.71 -> 0.89, precision 0.99 -> 0.95).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SUPPORT_PROBABILITY = 0.05  # a member pair counts as support from this match probability up
SUPPORT_BITS = 4.0
MAX_BONUS_BITS = 8.0


def boost_households(scored: pd.DataFrame, prepared: pd.DataFrame) -> pd.DataFrame:
    """`scored` with match_weight and match_probability raised for pairs backed by other pairs of their households."""
    households = prepared.set_index("record_id")["hh"]
    hh_l = scored["record_id_l"].map(households)
    hh_r = scored["record_id_r"].map(households)
    candidate = hh_l.notna() & hh_r.notna() & (scored["match_probability"] >= SUPPORT_PROBABILITY) & ~scored["exact"]
    if not candidate.any():
        return scored
    pairs = pd.DataFrame(
        {
            "row": np.flatnonzero(candidate.to_numpy()),
            "group": (hh_l[candidate].astype(str) + "\x1e" + hh_r[candidate].astype(str)).to_numpy(),
            "left": scored.loc[candidate, "record_id_l"].to_numpy(),
            "right": scored.loc[candidate, "record_id_r"].to_numpy(),
            "p": scored.loc[candidate, "match_probability"].to_numpy(),
        }
    ).sort_values("p", ascending=False, kind="stable")
    # One to one within each pair of households: each member keeps only its strongest partner.
    pairs = pairs.drop_duplicates(["group", "left"]).drop_duplicates(["group", "right"])
    support = pairs.groupby("group")["row"].transform("size").to_numpy()
    bonus = np.minimum((support - 1) * SUPPORT_BITS, MAX_BONUS_BITS)
    boosted = pairs["row"].to_numpy()[bonus > 0]
    if len(boosted) == 0:
        return scored
    scored = scored.copy()
    weights = scored["match_weight"].to_numpy(dtype="float64").copy()
    weights[boosted] += bonus[bonus > 0]
    probabilities = scored["match_probability"].to_numpy(dtype="float64").copy()
    probabilities[boosted] = 1.0 / (1.0 + np.exp2(-weights[boosted]))
    scored["match_weight"] = weights
    scored["match_probability"] = probabilities
    return scored
