#!/usr/bin/env python3
"""The scipy.sparse peer of `ubo score`: a data scientist's fixed point for
the integrated (look-through) Chinese ownership share only.

x = c + A^T x, where A[i, j] is i's current ownership share of j (0..1) and
c marks entities that are Chinese themselves (jurisdiction CN, or a person of
CN nationality); iterated until the change is below 1e-9, shares capped at 1.
Reads ubo gen's generic CSV; prints the number of entities above 50% and 25%.
No control, joint ventures, share bands, unknown holders or evidence: it
computes far less than ubo, and is here for its cost.
"""
import csv
import sys

import numpy as np
import scipy.sparse as sp


def main(entities_path, relationships_path):
    index = {}
    chinese = []
    with open(entities_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            index[row["id"]] = len(index)
            cn = row["jurisdiction"] == "CN" or "CN" in row["nationality"].split(";")
            chinese.append(1.0 if cn else 0.0)
    rows, cols, vals = [], [], []
    with open(relationships_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] != "ownership" or row["end_date"]:
                continue
            share = row["share"] or row["share_min"]
            if not share:
                continue
            rows.append(index[row["held_id"]])
            cols.append(index[row["holder_id"]])
            vals.append(float(share) / 100.0)
    n = len(index)
    held_by = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    c = np.array(chinese)
    x = c.copy()
    for _ in range(200):
        nxt = np.minimum(1.0, np.maximum(c, held_by @ x))
        if np.abs(nxt - x).max() < 1e-9:
            x = nxt
            break
        x = nxt
    print(f"entities {n} ownership edges {len(vals)} above 50% {(x > 0.5).sum()} above 25% {(x > 0.25).sum()}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
