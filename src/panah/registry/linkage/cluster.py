"""Clusters from linked pairs: connected components, built greedily from the strongest pair down, with guards.

Plain connected components let one weak pair chain two people together (A-B strong, B-C strong, A and C obviously
different). Taking pairs strongest first and refusing any merge that would put into one cluster
- two records of the same household of the same organisation (a household never registers one person twice, so
  siblings stay apart however alike they look),
- two different CNICs (one person has one CNIC),
- two records a person has declared distinct,
stops the chains at their weakest link. A refused pair is reported for review instead of as a link.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd


class _Clusters:
    def __init__(self, households: Sequence[str | None], cnics: Sequence[str | None]) -> None:
        size = len(households)
        self.parent = list(range(size))
        self.members: list[list[int]] = [[i] for i in range(size)]
        self.households: list[set[str]] = [{h} if h else set() for h in households]
        self.cnics: list[set[str]] = [{c} if c else set() for c in cnics]

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def compatible(self, a: int, b: int, excluded: dict[int, set[int]]) -> bool:
        if not self.households[a].isdisjoint(self.households[b]):
            return False
        if self.cnics[a] and self.cnics[b] and self.cnics[a] != self.cnics[b]:
            return False
        if excluded:
            small, large = (a, b) if len(self.members[a]) <= len(self.members[b]) else (b, a)
            for member in self.members[small]:
                if any(self.find(other) == large for other in excluded.get(member, ())):
                    return False
        return True

    def union(self, a: int, b: int) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members[b])
        self.households[a] |= self.households[b]
        self.cnics[a] |= self.cnics[b]
        self.members[b], self.households[b], self.cnics[b] = [], set(), set()


def cluster(
    record_ids: Sequence[str],
    households: Sequence[str | None],
    cnics: Sequence[str | None],
    links: pd.DataFrame,
    exclude_pairs: Collection[tuple[str, str]] = (),
) -> tuple[pd.DataFrame, np.ndarray]:
    """(clusters frame: record_id, cluster_id, match_probability; which of `links`' rows were accepted).

    `links` holds record_id_l, record_id_r, match_probability, in the order to try them (strongest first).
    """
    index = {record_id: i for i, record_id in enumerate(record_ids)}
    excluded: dict[int, set[int]] = {}
    for left, right in exclude_pairs:
        if left in index and right in index:
            excluded.setdefault(index[left], set()).add(index[right])
            excluded.setdefault(index[right], set()).add(index[left])
    state = _Clusters(households, cnics)
    lefts = links["record_id_l"].map(index).to_numpy()
    rights = links["record_id_r"].map(index).to_numpy()
    probabilities = links["match_probability"].to_numpy(dtype="float64")
    accepted = np.zeros(len(links), dtype=bool)
    best = np.full(len(record_ids), np.nan)
    for row, (left, right) in enumerate(zip(lefts.tolist(), rights.tolist(), strict=True)):
        a, b = state.find(left), state.find(right)
        if a != b:
            if not state.compatible(a, b, excluded):
                continue
            state.union(a, b)
        accepted[row] = True
        for node in (left, right):
            if not best[node] >= probabilities[row]:
                best[node] = probabilities[row]
    roots = np.array([state.find(i) for i in range(len(record_ids))])
    ids = pd.Series(record_ids, dtype=object)
    cluster_ids = ids.groupby(roots).transform("min")
    frame = pd.DataFrame({"record_id": ids, "cluster_id": cluster_ids.astype(object), "match_probability": best})
    return frame, accepted
