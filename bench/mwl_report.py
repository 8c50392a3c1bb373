#!/usr/bin/env python3
"""Turns bench/mwl_bench.sh's CSVs into the Markdown report (stdlib only).

Usage: mwl_report.py RUNS_CSV CHECKS_CSV SERVER_MS_CSV ENV_TXT > mwl-latest.md

- End-to-end: median wall time of one `findscu` process sending one query (process
  start-up, association set-up, the query, release).
- Per query on an open association: (median time of K queries in one findscu - median
  end-to-end time) / (K - 1): what each further query on an association already open costs,
  as seen by the client (it includes findscu encoding the query and decoding the answers).
- Server-side (gateway only): median of the gateway's own `ms=` for the queries sent on
  open associations (whole milliseconds, truncated).
Exit status 1 when a sanity check failed (wrong answers, failed findscu, unclean stop).
"""
import csv
import statistics
import sys
from collections import defaultdict

SERVERS = ["gateway", "wlmscpfs", "orthanc"]
LABEL = {"gateway": "gateway", "wlmscpfs": "DCMTK wlmscpfs", "orthanc": "Orthanc + worklist plugin"}
QUERIES = ["day", "pid"]
QUERY_LABEL = {"day": "one day's MG items", "pid": "exact Patient ID"}
TARGET_MS = {"day": 5.0, "pid": 2.0}  # the requirement at 100,000 items


def fmt(value, digits=1):
    if value is None:
        return "-"
    if value < 10 ** -digits:
        return "<%s" % (10 ** -digits)
    return "%.*f" % (digits, value)


def main(runs_path, checks_path, server_ms_path, env_path):
    times = defaultdict(list)   # (size, server, query, kind) -> seconds
    k_of = {}
    imports = {}
    with open(runs_path, newline="") as f:
        for row in csv.DictReader(f):
            size = int(row["size"])
            if row["kind"] == "import":
                imports[size] = float(row["seconds"])
                continue
            times[(size, row["server"], row["query"], row["kind"])].append(float(row["seconds"]))
            k_of[(size, row["server"], row["query"])] = int(row["queries"]) if row["kind"] == "open" else \
                k_of.get((size, row["server"], row["query"]), 0)
    checks = {}
    failures, notes = [], []
    with open(checks_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["query"] in QUERIES and row["matches"] != "":
                checks[(int(row["size"]), row["server"], row["query"])] = row
            if row["status"] == "FAIL":
                failures.append("%s items, %s, %s: %s" % (row["size"], LABEL.get(row["server"], row["server"]),
                                                           row["query"], row["notes"] or "failed"))
            elif row["status"] == "note":
                notes.append("%s items, %s: %s" % (row["size"], LABEL.get(row["server"], row["server"]), row["notes"]))
    server_ms = defaultdict(list)
    with open(server_ms_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["ms"]:
                server_ms[(int(row["size"]), row["query"], row["kind"])].append(float(row["ms"]))

    def summary(size, server, query):
        e2e = times.get((size, server, query, "e2e"))
        opn = times.get((size, server, query, "open"))
        k = k_of.get((size, server, query))
        if not e2e:
            return None
        e2e_ms = statistics.median(e2e) * 1000
        per = None
        if opn and k and k > 1:
            per = max(0.0, (statistics.median(opn) * 1000 - e2e_ms) / (k - 1))
        return {"e2e": e2e_ms, "per": per, "n_e2e": len(e2e), "n_open": len(opn or []), "k": k}

    sizes = sorted({key[0] for key in times})
    out = []
    with open(env_path) as f:
        out.append(f.read().rstrip("\n").replace("\n", "  \n"))
    out.append("")
    out.append("| Server | Items | Query | Matches | End-to-end findscu, median ms | "
               "Per query on an open association, ms | Gateway server-side ms (its log) | "
               "Ratio to gateway: e2e / open |")
    out.append("|---|---:|---|---:|---:|---:|---:|---:|")
    for size in sizes:
        for query in QUERIES:
            ours = summary(size, "gateway", query)
            for server in SERVERS:
                s = summary(size, server, query)
                if s is None:
                    continue
                check = checks.get((size, server, query))
                matches = "-"
                if check:
                    matches = check["matches"]
                    if check["status"] != "ok":
                        matches += " (expected %s) FAIL" % check["expected"]
                srv = "-"
                if server == "gateway":
                    ms = server_ms.get((size, query, "open"))
                    if ms:
                        srv = "%s (max %s)" % (fmt(statistics.median(ms), 0) if statistics.median(ms) >= 1 else "<1",
                                               "%d" % max(ms))
                ratio = "-"
                if ours and server != "gateway":
                    r_e2e = s["e2e"] / ours["e2e"] if ours["e2e"] else None
                    r_open = s["per"] / ours["per"] if ours["per"] and s["per"] is not None else None
                    ratio = "%s / %s" % ("%.0fx" % r_e2e if r_e2e else "-", "%.0fx" % r_open if r_open else "-")
                out.append("| %s | %d | %s | %s | %s (n=%d) | %s (K=%s, n=%d) | %s | %s |" % (
                    LABEL[server], size, QUERY_LABEL[query], matches, fmt(s["e2e"]), s["n_e2e"],
                    fmt(s["per"], 2), s["k"], s["n_open"], srv, ratio))
    out.append("")
    if imports:
        out.append("Gateway `worklist import` of the CSV into a fresh database: " + ", ".join(
            "%d items %.1f s" % (size, imports[size]) for size in sorted(imports)) + ".")
        out.append("")

    big = max((size for size in sizes if summary(size, "gateway", "day")), default=None)
    if big is not None:
        out.append("Requirement at %d items (per query on an open association, client-measured; "
                   "server-side in brackets):" % big)
        out.append("")
        for query in QUERIES:
            s = summary(big, "gateway", query)
            ms = server_ms.get((big, query, "open"))
            srv = statistics.median(ms) if ms else None
            verdict = "-" if s is None or s["per"] is None else ("PASS" if s["per"] < TARGET_MS[query] else "FAIL")
            out.append("- %s: %s ms (server %s ms), target < %.0f ms: **%s**" % (
                QUERY_LABEL[query], fmt(s["per"] if s else None, 2),
                "-" if srv is None else ("<1" if srv < 1 else fmt(srv, 0)), TARGET_MS[query], verdict))
        out.append("")
    if failures:
        out.append("**Sanity check failures** (left in the table, marked FAIL):")
        out.append("")
        out.extend("- " + x for x in failures)
        out.append("")
    if notes:
        out.append("Notes:")
        out.append("")
        out.extend("- " + x for x in notes)
        out.append("")
    print("\n".join(out))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
