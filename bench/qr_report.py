#!/usr/bin/env python3
"""Turns bench/qr_bench.sh's CSVs into the Markdown report (stdlib only).

Usage: qr_report.py RUNS_CSV CHECKS_CSV SERVER_MS_CSV ENV_TXT > qr-latest.md

- End-to-end: median wall time of one `findscu` process sending one query (process start-up,
  association set-up, the query and its answers, release).
- Per query on an open association: (median time of K queries in one findscu - median
  end-to-end time) / (K - 1), as seen by the client.
- Server-side (gateway only): median of the gateway's own `ms=` for the open-association
  queries (whole milliseconds, truncated).
- Ratio: Orthanc's time divided by the gateway's, same query, same run.
Exit status 1 when a sanity check failed (wrong answers, failed findscu, unclean stop).
"""
import csv
import statistics
import sys
from collections import defaultdict

SERVERS = ["gateway", "orthanc"]
LABEL = {"gateway": "gateway", "orthanc": "Orthanc"}
QUERIES = ["patient", "week"]
QUERY_LABEL = {"patient": "one patient, one date range", "week": "one week, all patients"}


def fmt(value, digits=1):
    if value is None:
        return "-"
    return "%.*f" % (digits, value)


def main(runs_path, checks_path, server_ms_path, env_path):
    times = defaultdict(list)
    k_of = {}
    loads = {}
    with open(runs_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "load":
                loads[row["server"]] = (int(row["queries"]), float(row["seconds"]))
                continue
            times[(row["server"], row["query"], row["kind"])].append(float(row["seconds"]))
            if row["kind"] == "open":
                k_of[(row["server"], row["query"])] = int(row["queries"])
    checks, failures = {}, []
    with open(checks_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["query"] in QUERIES and row["matches"] != "":
                checks[(row["server"], row["query"])] = row
            if row["status"] == "FAIL":
                failures.append("%s, %s: %s" % (LABEL.get(row["server"], row["server"]),
                                                row["query"], row["notes"] or "failed"))
    server_ms = defaultdict(list)
    with open(server_ms_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["ms"]:
                server_ms[(row["query"], row["kind"])].append(float(row["ms"]))

    def summary(server, query):
        e2e = times.get((server, query, "e2e"))
        opn = times.get((server, query, "open"))
        k = k_of.get((server, query))
        if not e2e:
            return None
        e2e_ms = statistics.median(e2e) * 1000
        per = None
        if opn and k and k > 1:
            per = max(0.0, (statistics.median(opn) * 1000 - e2e_ms) / (k - 1))
        return {"e2e": e2e_ms, "per": per, "n": len(e2e), "k": k}

    out = []
    with open(env_path) as f:
        out.append(f.read().rstrip("\n").replace("\n", "  \n"))
    out.append("")
    out.append("## C-FIND at STUDY level (Study Root)")
    out.append("")
    out.append("| Query | Server | Answers | End-to-end (ms) | Per query, open association (ms) "
               "| Server-side (ms) | Orthanc / gateway (e2e) | Orthanc / gateway (per query) |")
    out.append("|---|---|---|---|---|---|---|---|")
    for query in QUERIES:
        base = summary("gateway", query)
        for server in SERVERS:
            s = summary(server, query)
            if s is None:
                continue
            check = checks.get((server, query))
            answers = "%s/%s %s" % (check["matches"], check["expected"], check["status"]) if check else "-"
            side = "-"
            if server == "gateway":
                ms = server_ms.get((query, "open"))
                if ms:
                    side = "%s (max %s)" % (fmt(statistics.median(ms), 0), fmt(max(ms), 0))
            ratio_e2e = ratio_per = "-"
            if server != "gateway" and base:
                ratio_e2e = "%.1f" % (s["e2e"] / base["e2e"]) if base["e2e"] > 0 else "-"
                if s["per"] is not None and base["per"]:
                    ratio_per = "%.1f" % (s["per"] / base["per"])
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                QUERY_LABEL[query], LABEL[server], answers, fmt(s["e2e"]), fmt(s["per"], 2), side,
                ratio_e2e, ratio_per))
    out.append("")
    samples = ", ".join("%s %d x (1 + %s)" % (LABEL[s], summary(s, q)["n"], summary(s, q)["k"])
                        for s in SERVERS for q in QUERIES[:1] if summary(s, q))
    out.append("Samples per query: %s queries (end-to-end runs x (1 + queries per open "
               "association))." % samples)
    if loads:
        out.append("")
        out.append("Loading the archive over C-STORE (4 associations, once, then reused): " + "; ".join(
            "%s %d instances in %.0f s (%.0f/s)" % (LABEL[s], n, t, n / t) for s, (n, t) in loads.items()))
    if failures:
        out.append("")
        out.append("**Sanity failures:**")
        for f in failures:
            out.append("- " + f)
    print("\n".join(out))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
