#!/usr/bin/env python3
"""Writes the worklist benchmark's items (stdlib only, deterministic).

One set of N items, in two forms holding the same values:
  OUT_DIR/items.csv            for `screening-gateway worklist import`
  OUT_DIR/BENCH_MWL/*.wl       one DICOM file per item (explicit VR little endian Part 10),
                               for DCMTK's wlmscpfs (the folder name is the called AE title
                               it serves; it needs the `lockfile` there) and Orthanc's
                               ModalityWorklists plugin (which reads every *.wl file)
  OUT_DIR/manifest.env         the query values: a day and a patient ID (shell syntax)

Layout: 60 items per day over ceil(N / 60) days from 2024-01-01 (1667 days for 100,000),
on each day 50 MG items and 10 of CT, US, MR, DX; every item has its own accession number
and patient ID and is SCHEDULED. The rows are shuffled (fixed seed) so that neither the
CSV nor the database is ordered by day. The query day is the middle day: exactly 50 MG
items whatever N (as long as N >= 120).

Usage: gen_worklist.py OUT_DIR N
A set whose manifest matches (N and generator version) is left as it is, so repeated
benchmark runs reuse the files; otherwise OUT_DIR is rebuilt.
"""
import csv
import datetime
import os
import random
import shutil
import struct
import sys
import uuid

GENERATOR_VERSION = "1"
AE_FOLDER = "BENCH_MWL"
PER_DAY, MG_PER_DAY = 60, 50
OTHER_MODALITIES = ["CT", "US", "MR", "DX"]
FAMILY = ["SMITH", "JONES", "TAYLOR", "BROWN", "WILLIAMS", "WILSON", "JOHNSON", "DAVIES",
          "ROBINSON", "WRIGHT", "THOMPSON", "EVANS", "WALKER", "WHITE", "ROBERTS", "GREEN",
          "HALL", "WOOD", "JACKSON", "CLARKE", "PATEL", "KHAN", "LEWIS", "JAMES"]
GIVEN = ["JANE", "MARY", "SUSAN", "LINDA", "KAREN", "HELEN", "SARAH", "ANNE", "RUTH",
         "JOAN", "ALICE", "MARGARET", "ELIZABETH", "CAROL", "AMANDA", "EMMA", "PETER", "JOHN"]

MWL_FIND = "1.2.840.10008.5.1.4.31"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
IMPLEMENTATION_UID = "2.25.%d" % uuid.uuid5(uuid.NAMESPACE_URL, "screening-gateway/bench").int
LONG_VRS = {"OB", "OW", "OF", "OD", "OL", "SQ", "UC", "UR", "UT", "UN"}


def uid(*parts):
    return "2.25.%d" % uuid.uuid5(uuid.NAMESPACE_URL,
                                  "screening-gateway/bench-mwl/" + "/".join(map(str, parts))).int


def element(group, elem, vr, value):
    if isinstance(value, str):
        raw = value.encode("ascii")
        if len(raw) % 2:
            raw += b"\0" if vr == "UI" else b" "
    else:
        raw = value
    if vr in LONG_VRS:
        return struct.pack("<HH2sHI", group, elem, vr.encode(), 0, len(raw)) + raw
    return struct.pack("<HH2sH", group, elem, vr.encode(), len(raw)) + raw


def sequence(group, elem, items):
    body = b"".join(struct.pack("<HHI", 0xFFFE, 0xE000, len(i)) + i for i in items)
    return element(group, elem, "SQ", body)


def make_items(n):
    days = -(-n // PER_DAY)
    start = datetime.date(2024, 1, 1)
    rng = random.Random(20261128)
    items = []
    for i in range(n):
        day, slot = divmod(i, PER_DAY)
        modality = "MG" if slot < MG_PER_DAY else OTHER_MODALITIES[slot % len(OTHER_MODALITIES)]
        minutes = 7 * 60 + slot * 10
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=(i * 7919) % 14000)
        items.append({
            "accession_number": "ACC%09d" % i,
            "patient_id": "PID%08d" % i,
            "patient_name": "%s^%s" % (FAMILY[i % len(FAMILY)], GIVEN[(i // 7) % len(GIVEN)]),
            "patient_birth_date": birth.strftime("%Y%m%d"),
            "patient_sex": "F" if modality == "MG" or i % 2 else "M",
            "referring_physician": "GP^%s" % FAMILY[(i // 3) % len(FAMILY)],
            "study_instance_uid": uid("study", i),
            "study_description": "Screening mammography" if modality == "MG" else modality + " exam",
            "requested_procedure_id": "RP%09d" % i,
            "scheduled_step_id": "SPS%09d" % i,
            "scheduled_date": (start + datetime.timedelta(days=day)).strftime("%Y%m%d"),
            "scheduled_time": "%02d%02d00" % divmod(minutes, 60),
            "modality": modality,
            "scheduled_station_aet": ("MAMMO_%d" % (slot % 4 + 1)) if modality == "MG" else modality + "_1",
            "scheduled_station_name": ("VAN%d" % (slot % 4 + 1)) if modality == "MG" else modality + "ROOM",
            "scheduled_location": "SITE%d" % (day % 5 + 1),
            "performing_physician": "RAD^%s" % FAMILY[(i // 5) % len(FAMILY)],
            "scheduled_step_description": "Bilateral screening" if modality == "MG" else modality + " step",
        })
    rng.shuffle(items)
    return items, days, start


def wl_file(item, index):
    sps = b"".join([
        element(0x0008, 0x0060, "CS", item["modality"]),
        element(0x0040, 0x0001, "AE", item["scheduled_station_aet"]),
        element(0x0040, 0x0002, "DA", item["scheduled_date"]),
        element(0x0040, 0x0003, "TM", item["scheduled_time"]),
        element(0x0040, 0x0006, "PN", item["performing_physician"]),
        element(0x0040, 0x0007, "LO", item["scheduled_step_description"]),
        element(0x0040, 0x0009, "SH", item["scheduled_step_id"]),
        element(0x0040, 0x0010, "SH", item["scheduled_station_name"]),
        element(0x0040, 0x0011, "SH", item["scheduled_location"]),
        element(0x0040, 0x0020, "CS", "SCHEDULED"),
    ])
    data = b"".join([
        element(0x0008, 0x0050, "SH", item["accession_number"]),
        element(0x0008, 0x0090, "PN", item["referring_physician"]),
        element(0x0010, 0x0010, "PN", item["patient_name"]),
        element(0x0010, 0x0020, "LO", item["patient_id"]),
        element(0x0010, 0x0030, "DA", item["patient_birth_date"]),
        element(0x0010, 0x0040, "CS", item["patient_sex"]),
        element(0x0020, 0x000D, "UI", item["study_instance_uid"]),
        element(0x0032, 0x1060, "LO", item["study_description"]),
        sequence(0x0040, 0x0100, [sps]),
        element(0x0040, 0x1001, "SH", item["requested_procedure_id"]),
    ])
    meta = b"".join([
        element(0x0002, 0x0001, "OB", b"\x00\x01"),
        element(0x0002, 0x0002, "UI", MWL_FIND),
        element(0x0002, 0x0003, "UI", uid("wl", index)),
        element(0x0002, 0x0010, "UI", EXPLICIT_LE),
        element(0x0002, 0x0012, "UI", IMPLEMENTATION_UID),
        element(0x0002, 0x0013, "SH", "BENCH_MWL_1"),
    ])
    return (b"\0" * 128 + b"DICM" + element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta)))
            + meta + data)


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit() or int(sys.argv[2]) < 2 * PER_DAY:
        sys.exit("usage: gen_worklist.py OUT_DIR N   (N >= %d)" % (2 * PER_DAY))
    out, n = sys.argv[1], int(sys.argv[2])
    stamp = "GENERATOR_VERSION=%s\nITEMS=%d\n" % (GENERATOR_VERSION, n)
    manifest = os.path.join(out, "manifest.env")
    try:
        with open(manifest) as f:
            if f.read().startswith(stamp):
                print("gen_worklist: %s holds %d items already" % (out, n), file=sys.stderr)
                return
    except OSError:
        pass

    items, days, start = make_items(n)
    shutil.rmtree(out, ignore_errors=True)
    folder = os.path.join(out, AE_FOLDER)
    os.makedirs(folder)
    open(os.path.join(folder, "lockfile"), "w").close()
    with open(os.path.join(out, "items.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(items[0].keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(items)
    for index, item in enumerate(items):
        with open(os.path.join(folder, item["accession_number"] + ".wl"), "wb") as f:
            f.write(wl_file(item, index))

    query_day = (start + datetime.timedelta(days=days // 2)).strftime("%Y%m%d")
    day_mg = [it for it in items if it["scheduled_date"] == query_day and it["modality"] == "MG"]
    day_all = [it for it in items if it["scheduled_date"] == query_day]
    patient = sorted(day_mg, key=lambda it: it["patient_id"])[len(day_mg) // 2]["patient_id"]
    with open(manifest + ".tmp", "w") as f:
        f.write(stamp)
        f.write("DAYS=%d\nQUERY_DATE=%s\nQUERY_DATE_MG_ITEMS=%d\nQUERY_DATE_ALL_ITEMS=%d\n"
                "QUERY_PATIENT_ID=%s\n" % (days, query_day, len(day_mg), len(day_all), patient))
    os.replace(manifest + ".tmp", manifest)  # written last: marks the set complete
    print("gen_worklist: wrote %d items over %d days into %s" % (n, days, out), file=sys.stderr)


if __name__ == "__main__":
    main()
