#!/usr/bin/env python3
"""Turns bench/run.sh's runs.csv into the Markdown report (stdlib only).

Usage: report.py RUNS_CSV ENV_TXT > latest.md
Throughput uses the median wall time of the repetitions; memory uses the largest peak
seen in any repetition (a peak is a worst case, so the median would hide it).
Exit status 1 when any run failed its sanity check (stored count, storescu or server exit).
"""
import csv
import statistics
import sys
from collections import defaultdict

SERVERS = ["gateway", "storescp", "orthanc"]
LABEL = {"gateway": "gateway", "storescp": "storescp", "orthanc": "Orthanc",
         "durable": "durable writes"}
SET_LABEL = {
    "small": "small MG 512x512 (200 x 0.5 MB)",
    "mammo": "mammograms 3328x4096 (20 x 27.3 MB)",
    "tomo": "tomosynthesis 150 frames (2 x 314.6 MB)",
}
SET_ORDER = ["small", "mammo", "tomo"]
MODE_LABEL = {"1": "1 association", "4": "4 associations"}


def fmt(value, digits=1):
    return "-" if value is None else "%.*f" % (digits, value)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def main(csv_path, env_path):
    runs = defaultdict(list)
    failures = []
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["server"], row["set"], row["mode"])
            runs[key].append(row)
            if row["status"] != "ok":
                failures.append(row)

    stats = {}
    for key, rows in runs.items():
        ok_rows = [r for r in rows if r["status"] == "ok"]
        files, size = int(rows[0]["files"]), int(rows[0]["bytes"])
        entry = {"n": len(ok_rows), "of": len(rows), "mbs": None, "objs": None, "spread": None}
        if ok_rows:
            times = [float(r["seconds"]) for r in ok_rows]
            median = statistics.median(times)
            synced = statistics.median(float(r["seconds"]) + float(r["sync_s"]) for r in ok_rows)
            entry.update(
                mbs=size / 1e6 / median,
                objs=files / median,
                median=median,
                spread=(min(times), max(times)),
                synced_mbs=size / 1e6 / synced,
                cpu=statistics.median(float(r["server_cpu_s"]) for r in ok_rows),
                probe=[float(r["fsync_probe_ms"]) for r in rows],
            )
        entry["peak_mb"] = max(int(r["peak_rss_kb"]) for r in rows) / 1024
        entry["growth_mb"] = max(int(r["peak_rss_kb"]) - int(r["base_rss_kb"]) for r in rows) / 1024
        stats[key] = entry

    combos = sorted({(k[1], k[2]) for k in runs}, key=lambda c: (SET_ORDER.index(c[0]), c[1]))
    present = [s for s in SERVERS + ["durable"] if any(k[0] == s for k in runs)]

    def get(server, set_name, mode, field):
        entry = stats.get((server, set_name, mode))
        return None if entry is None else entry.get(field)

    out = []
    out.append("# Screening Gateway storage benchmark\n")
    with open(env_path) as f:
        out.append(f.read().strip().replace("\n", "  \n") + "\n")
    repeats = max(len(v) for v in runs.values())
    out.append(
        "Median of %d repetition(s), each on a freshly started server with empty storage; "
        "MB = 10^6 bytes of Part 10 files sent; wall time from the first storescu start to "
        "the last storescu exit; '4 associations' = 4 storescu processes with a quarter of the set each (2 for the 2 tomosynthesis objects). Peak RSS = largest VmHWM of any repetition. The machine "
        "has 2 cores shared with other work (a compiler may have run meanwhile), so "
        "expect noise of 10-30 %% between runs, and much more for small objects when the "
        "fsync probe is high; see the spread table.\n" % repeats
    )

    out.append("## Throughput (MB/s) and peak RSS\n")
    out.append("| Set | Mode | gateway MB/s | storescp MB/s | Orthanc MB/s | gateway / storescp "
               "| gateway / Orthanc | gateway peak RSS | storescp peak RSS | Orthanc peak RSS |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for set_name, mode in combos:
        gw, scp, orth = (get(s, set_name, mode, "mbs") for s in SERVERS)
        rss = [get(s, set_name, mode, "peak_mb") for s in SERVERS]
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            SET_LABEL[set_name], MODE_LABEL[mode], fmt(gw), fmt(scp), fmt(orth),
            fmt(ratio(gw, scp), 2), fmt(ratio(gw, orth), 2),
            *(("-" if r is None else "%.0f MB" % r) for r in rss)))
    out.append("")

    out.append("## Objects per second\n")
    out.append("| Set | Mode | gateway obj/s | storescp obj/s | Orthanc obj/s | gateway / storescp | gateway / Orthanc |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for set_name, mode in combos:
        gw, scp, orth = (get(s, set_name, mode, "objs") for s in SERVERS)
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            SET_LABEL[set_name], MODE_LABEL[mode], fmt(gw, 2), fmt(scp, 2), fmt(orth, 2),
            fmt(ratio(gw, scp), 2), fmt(ratio(gw, orth), 2)))
    out.append("")

    out.append("## Spread: median wall time [min - max] in seconds, successful runs / runs\n")
    out.append("fsync probe: milliseconds to make a new 4 KiB file durable (write, fsync it and "
               "its directory), measured right before each run, [min - max] over all servers "
               "and repetitions of that row. High values mean someone else was writing to the "
               "shared disk; per-object fsync cost then dominates small objects.\n")
    out.append("| Set | Mode | " + " | ".join(LABEL[s] for s in present) + " | fsync probe ms |")
    out.append("|---|---|" + "---:|" * (len(present) + 1))
    for set_name, mode in combos:
        cells = []
        for s in present:
            e = stats.get((s, set_name, mode))
            if e is None:
                cells.append("-")
            elif e["spread"] is None:
                cells.append("failed (0/%d)" % e["of"])
            else:
                cells.append("%.2f [%.2f - %.2f] (%d/%d)" % (e["median"], *e["spread"], e["n"], e["of"]))
        probes = [p for s in present for p in (stats.get((s, set_name, mode)) or {}).get("probe", [])]
        cells.append("%.2f - %.2f" % (min(probes), max(probes)) if probes else "-")
        out.append("| %s | %s | %s |" % (SET_LABEL[set_name], MODE_LABEL[mode], " | ".join(cells)))
    out.append("")

    out.append("## Context: durability and CPU\n")
    out.append("storescp never fsyncs; \"+ sync\" adds the time a syncfs of the storage file "
               "system takes right after the transfer (near zero for the gateway and Orthanc, "
               "which fsync each object before answering). CPU = the server process's user + "
               "system seconds during the transfer (median); storescu runs on the same 2 cores.\n")
    out.append("| Set | Mode | storescp + sync MB/s | gateway / (storescp + sync) | gateway CPU s "
               "| storescp CPU s | Orthanc CPU s |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for set_name, mode in combos:
        synced = get("storescp", set_name, mode, "synced_mbs")
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            SET_LABEL[set_name], MODE_LABEL[mode], fmt(synced),
            fmt(ratio(get("gateway", set_name, mode, "mbs"), synced), 2),
            *(fmt(get(s, set_name, mode, "cpu"), 2) for s in SERVERS)))
    out.append("")

    if any(k[1] == "tomo" for k in runs):
        out.append("## RSS growth while receiving the 314.6 MB objects\n")
        out.append("Largest (VmHWM at the end - VmRSS once ready) over the repetitions.\n")
        out.append("| Mode | " + " | ".join(LABEL[s] for s in present) + " |")
        out.append("|---|" + "---:|" * len(present))
        for mode in sorted({k[2] for k in runs if k[1] == "tomo"}):
            cells = ["-" if get(s, "tomo", mode, "growth_mb") is None
                     else "%.1f MB" % get(s, "tomo", mode, "growth_mb") for s in present]
            out.append("| %s | %s |" % (MODE_LABEL[mode], " | ".join(cells)))
        out.append("")

    out.append("## Against the physical limits\n")
    out.append("\"durable writes\" writes the same files the way the gateway must, without "
               "DICOM, hashing or an index (bench/durable_write.py: temporary file, 1 MiB "
               "writes, fsync, rename, folder fsync; one writer per association): what this "
               "disk can durably absorb. storescp +B is the fastest a DICOM receiver gets "
               "here, with no fsync, no hash and no index.\n")
    out.append("| Set | Mode | durable MB/s | durable obj/s | gateway / durable (MB/s) "
               "| gateway / storescp (MB/s) | durable CPU s |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for set_name, mode in combos:
        d_mbs = get("durable", set_name, mode, "mbs")
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            SET_LABEL[set_name], MODE_LABEL[mode], fmt(d_mbs),
            fmt(get("durable", set_name, mode, "objs"), 2),
            fmt(ratio(get("gateway", set_name, mode, "mbs"), d_mbs), 2),
            fmt(ratio(get("gateway", set_name, mode, "mbs"),
                      get("storescp", set_name, mode, "mbs")), 2),
            fmt(get("durable", set_name, mode, "cpu"), 2)))
    out.append("")

    out.append("## Targets (from the issues)\n")
    out.append("| Target | Measured | Result |")
    out.append("|---|---:|---|")

    def verdict(value, good):
        return "not measured" if value is None else ("met" if good(value) else "**missed**")

    for set_name in ("mammo", "tomo"):
        r = ratio(get("gateway", set_name, "1", "mbs"), get("storescp", set_name, "1", "mbs"))
        out.append("| %s, 1 association: gateway / storescp +B >= 0.9 | %s | %s |"
                   % (SET_LABEL[set_name], fmt(r, 2), verdict(r, lambda v: v >= 0.9)))
    r = ratio(get("gateway", "mammo", "1", "mbs"), get("orthanc", "mammo", "1", "mbs"))
    out.append("| mammograms, 1 association: gateway / Orthanc >= 1.8 | %s | %s |"
               % (fmt(r, 2), verdict(r, lambda v: v >= 1.8)))
    for mode in ("1", "4"):
        r = ratio(get("gateway", "small", mode, "objs"), get("durable", "small", mode, "objs"))
        out.append("| small objects, %s: gateway / durable writes obj/s >= 0.85 | %s | %s |"
                   % (MODE_LABEL[mode], fmt(r, 2), verdict(r, lambda v: v >= 0.85)))
        r = ratio(get("gateway", "small", mode, "objs"), get("orthanc", "small", mode, "objs"))
        out.append("| small objects, %s: gateway / Orthanc obj/s >= 2.5 | %s | %s |"
                   % (MODE_LABEL[mode], fmt(r, 2), verdict(r, lambda v: v >= 2.5)))
    for set_name in ("mammo", "small"):
        r = ratio(get("gateway", set_name, "4", "mbs"), get("gateway", set_name, "1", "mbs"))
        out.append("| %s: 4 associations no worse per byte than 1 (MB/s x4 / x1 >= 1.0) | %s | %s |"
                   % (SET_LABEL[set_name], fmt(r, 2), verdict(r, lambda v: v >= 1.0)))
    growth = [get("gateway", "tomo", m, "growth_mb") for m in ("1", "4")]
    growth = [g for g in growth if g is not None]
    g = max(growth) if growth else None
    out.append("| gateway RSS growth for the 314.6 MB object < 64 MB | %s | %s |"
               % ("-" if g is None else "%.1f MB" % g, verdict(g, lambda v: v < 64)))
    out.append("")

    out.append("## Sanity checks\n")
    if failures:
        out.append("| Repetition | Server | Set | Mode | Problem |")
        out.append("|---|---|---|---|---|")
        for row in failures:
            out.append("| %s | %s | %s | %s | %s |" % (row["rep"], row["server"], row["set"],
                                                      MODE_LABEL[row["mode"]], row["notes"]))
    else:
        out.append("Every run stored exactly the objects sent (files on disk and index/REST "
                   "count agree), every storescu exited 0, every server exited cleanly on "
                   "SIGTERM, and after every gateway run verify-storage passed and each stored "
                   "data set was byte-identical to the one sent.")
    noted = [r for r in runs_flat(runs) if r["status"] == "ok" and r["notes"]]
    for row in noted:
        out.append("- repetition %s, %s, %s, %s: %s" % (row["rep"], row["server"], row["set"],
                                                      MODE_LABEL[row["mode"]], row["notes"]))
    print("\n".join(out))
    return 1 if failures else 0


def runs_flat(runs):
    for rows in runs.values():
        yield from rows


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
