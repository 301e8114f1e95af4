#!/usr/bin/env python3
"""OpenSanctions' nomenklatura matcher on the labelled set of
`corridor bench screening`, for comparison with Corridor's own matcher.

Reads the lists' entries and the labelled queries (JSON lines written by the
bench), finds candidates by shared name-token prefixes (nomenklatura scores
pairs; it leaves retrieval to its caller, as yente does with a search index),
scores every candidate with the `logic-v2` algorithm and flags a query whose
best score reaches yente's default threshold, 0.7. Prints recall, precision
and screens per second.

Usage: nomenklatura_bench.py ENTRIES.jsonl QUERIES.jsonl
"""

import json
import sys
import time
from collections import defaultdict

from followthemoney import EntityProxy
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig
from normality import ascii_text

ALGORITHM = "logic-v2"
THRESHOLD = 0.7
MAX_CANDIDATES = 50
SCHEMATA = {
    "person": "Person",
    "organization": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}


def keys(name):
    text = ascii_text(name) or ""
    words = "".join(c.lower() if c.isalnum() else " " for c in text).split()
    return {w[:4] for w in words if len(w) >= 3}


def main(entries_path, queries_path):
    entities = []
    index = defaultdict(set)
    with open(entries_path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            n = len(entities)
            entities.append(
                (
                    e["list"],
                    e["entry_id"],
                    EntityProxy.from_dict(
                        {
                            "id": f"{e['list']}-{e['entry_id']}",
                            "schema": SCHEMATA[e["kind"]],
                            "properties": {"name": e["names"]},
                        }
                    ),
                )
            )
            for name in e["names"]:
                for k in keys(name):
                    index[k].add(n)
    algorithm = get_algorithm(ALGORITHM)
    config = ScoringConfig.defaults()
    tp = fn = fp = tn = 0
    candidates_total = 0
    queries = [json.loads(line) for line in open(queries_path, encoding="utf-8")]
    # The first comparison loads nomenklatura's name tables (tens of
    # seconds); that is set-up, not screening, so it happens before timing.
    warm_up = EntityProxy.from_dict(
        {"id": "warm-up", "schema": "LegalEntity", "properties": {"name": ["Warm Up"]}}
    )
    algorithm.compare(warm_up, entities[0][2], config)
    started = time.perf_counter()
    for i, q in enumerate(queries):
        # A distinct id per query: nomenklatura caches what it derives from
        # an entity (its analysed names) by id, so a shared id would score
        # every query as the first one.
        query = EntityProxy.from_dict(
            {"id": f"query-{i}", "schema": "LegalEntity", "properties": {"name": [q["query"]]}}
        )
        hits = defaultdict(int)
        for k in keys(q["query"]):
            for n in index.get(k, ()):
                hits[n] += 1
        ranked = sorted(hits, key=lambda n: -hits[n])[:MAX_CANDIDATES]
        candidates_total += len(ranked)
        flagged = []
        for n in ranked:
            lst, entry_id, entity = entities[n]
            score = algorithm.compare(query, entity, config).score
            if score >= THRESHOLD:
                flagged.append((lst, entry_id))
        if q["entry_id"] is not None:
            if (q["list"], q["entry_id"]) in flagged:
                tp += 1
            else:
                fn += 1
        elif flagged:
            fp += 1
        else:
            tn += 1
    elapsed = time.perf_counter() - started
    recall = tp / (tp + fn) if tp + fn else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    print(
        f"{'nomenklatura':12} recall {recall:.4f}  precision {precision:.4f}  "
        f"({ALGORITHM}, threshold {THRESHOLD}; TP {tp} FN {fn} FP {fp} TN {tn})"
    )
    print(
        f"{'':12} {len(queries)} queries in {elapsed:.1f} s = {len(queries) / elapsed:.1f} screens/s "
        f"(one thread; {candidates_total / max(len(queries), 1):.0f} candidates scored per query)"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
