#!/usr/bin/env python3
"""Writes the Query/Retrieve benchmark's archive (stdlib only, deterministic).

A screening archive of COUNT instances (default 100,000): studies of four views (LCC, LMLO,
RCC, RMLO: one MG series), five studies per patient (yearly visits), study dates spread over
2022-2026 in no particular order. Each instance is a small explicit VR little endian Part 10
file with the patient, study, series and instance attributes a C-FIND reads, and no pixel
data (the benchmark measures queries, not transfers).

Usage: gen_qr.py OUT_DIR [COUNT]
Writes OUT_DIR/files/NNN/*.dcm (1,000 per folder) and OUT_DIR/manifest.env with the two
queries and the answers they must give:
  QUERY_PATIENT_ID, QUERY_PATIENT_RANGE  one patient, a date range holding 3 of their 5 studies
  QUERY_WEEK_RANGE                       a week of studies, all patients
and OUT_DIR/patient.expected, OUT_DIR/week.expected (sorted accession numbers).
A complete set (stamp matching) is left as it is, so repeated runs reuse the files.
"""
import datetime
import os
import struct
import sys
import uuid

GENERATOR_VERSION = "1"

MG_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
IMPLEMENTATION_UID = "2.25.%d" % uuid.uuid5(uuid.NAMESPACE_URL, "screening-gateway/bench-qr").int
VIEWS = [("L", "CC"), ("L", "MLO"), ("R", "CC"), ("R", "MLO")]
VISITS = 5
FIRST_DAY = datetime.date(2022, 1, 3)
DAYS = 1820


def uid(*parts):
    return "2.25.%d" % uuid.uuid5(uuid.NAMESPACE_URL,
                                  "screening-gateway/bench-qr/" + "/".join(map(str, parts))).int


def element(group, elem, vr, value):
    raw = value.encode("ascii") if isinstance(value, str) else value
    if len(raw) % 2:
        raw += b"\0" if vr == "UI" else b" "
    if vr in ("OB", "SQ", "UN", "UT"):
        return struct.pack("<HH2sHI", group, elem, vr.encode(), 0, len(raw)) + raw
    return struct.pack("<HH2sH", group, elem, vr.encode(), len(raw)) + raw


def study_date(study):
    # A multiplicative spread: neighbouring studies (same patient) land years apart.
    return FIRST_DAY + datetime.timedelta(days=(study * 7919) % DAYS)


def accession(study):
    return "QR%07d" % study


def instance_file(study, view_index):
    patient = study // VISITS
    laterality, view = VIEWS[view_index]
    sop_uid = uid("instance", study, view_index)
    date = study_date(study).strftime("%Y%m%d")
    meta_body = b"".join([
        element(0x0002, 0x0001, "OB", b"\x00\x01"),
        element(0x0002, 0x0002, "UI", MG_PRESENTATION),
        element(0x0002, 0x0003, "UI", sop_uid),
        element(0x0002, 0x0010, "UI", EXPLICIT_LE),
        element(0x0002, 0x0012, "UI", IMPLEMENTATION_UID),
        element(0x0002, 0x0013, "SH", "GW_BENCH_QR1"),
    ])
    meta = element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta_body))) + meta_body
    ds = [
        element(0x0008, 0x0016, "UI", MG_PRESENTATION),
        element(0x0008, 0x0018, "UI", sop_uid),
        element(0x0008, 0x0020, "DA", date),
        element(0x0008, 0x0021, "DA", date),
        element(0x0008, 0x0023, "DA", date),
        element(0x0008, 0x0030, "TM", "%02d%02d00" % (8 + study % 9, (study * 7) % 60)),
        element(0x0008, 0x0050, "SH", accession(study)),
        element(0x0008, 0x0060, "CS", "MG"),
        element(0x0008, 0x0090, "PN", "REFERRER^R%02d" % (patient % 50)),
        element(0x0008, 0x1030, "LO", "Screening mammography"),
        element(0x0008, 0x103E, "LO", "Mammo 4 views"),
        element(0x0010, 0x0010, "PN", "PATIENT%06d^BENCH" % patient),
        element(0x0010, 0x0020, "LO", "QRP%06d" % patient),
        element(0x0010, 0x0030, "DA", "19%02d0%d1%d" % (40 + patient % 40, 1 + patient % 9,
                                                      patient % 10)),
        element(0x0010, 0x0040, "CS", "F"),
        element(0x0018, 0x0015, "CS", "BREAST"),
        element(0x0018, 0x5101, "CS", view),
        element(0x0020, 0x000D, "UI", uid("study", study)),
        element(0x0020, 0x000E, "UI", uid("series", study)),
        element(0x0020, 0x0010, "SH", "S%d" % (study % 100000)),
        element(0x0020, 0x0011, "IS", "1"),
        element(0x0020, 0x0013, "IS", str(view_index + 1)),
        element(0x0020, 0x0062, "CS", laterality),
    ]
    return sop_uid, b"\0" * 128 + b"DICM" + meta + b"".join(ds)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[1]
    count = int(argv[2]) if len(argv) > 2 else 100000
    if count < 400 or count % (4 * VISITS):
        sys.exit("COUNT must be a multiple of %d, at least 400" % (4 * VISITS))
    studies = count // 4
    stamp = os.path.join(out, ".complete")
    signature = "%s %d\n" % (GENERATOR_VERSION, count)
    try:
        with open(stamp) as f:
            if f.read() == signature:
                return
    except FileNotFoundError:
        pass
    files = os.path.join(out, "files")
    os.makedirs(files, exist_ok=True)
    written = 0
    for study in range(studies):
        for view_index in range(4):
            folder = os.path.join(files, "%03d" % (written // 1000))
            if written % 1000 == 0:
                os.makedirs(folder, exist_ok=True)
            sop_uid, data = instance_file(study, view_index)
            with open(os.path.join(folder, "%06d.dcm" % written), "wb") as f:
                f.write(data)
            written += 1

    # Query 1: the patient in the middle, a range holding their 2nd to 4th visits.
    patient = (studies // VISITS) // 2
    theirs = sorted(range(patient * VISITS, patient * VISITS + VISITS), key=study_date)
    low, high = study_date(theirs[1]), study_date(theirs[3])
    patient_expected = sorted(accession(s) for s in theirs[1:4])
    # Query 2: the week from the middle day of the span.
    week_low = FIRST_DAY + datetime.timedelta(days=DAYS // 2)
    week_high = week_low + datetime.timedelta(days=6)
    week_expected = sorted(accession(s) for s in range(studies)
                           if week_low <= study_date(s) <= week_high)
    fmt = "%Y%m%d"
    with open(os.path.join(out, "manifest.env"), "w") as f:
        f.write("INSTANCES=%d\nSTUDIES=%d\nPATIENTS=%d\n" % (count, studies, studies // VISITS))
        f.write("QUERY_PATIENT_ID=QRP%06d\n" % patient)
        f.write("QUERY_PATIENT_RANGE=%s-%s\n" % (low.strftime(fmt), high.strftime(fmt)))
        f.write("QUERY_WEEK_RANGE=%s-%s\n" % (week_low.strftime(fmt), week_high.strftime(fmt)))
    for name, expected in (("patient", patient_expected), ("week", week_expected)):
        with open(os.path.join(out, name + ".expected"), "w") as f:
            f.write("".join(a + "\n" for a in expected))
    with open(stamp, "w") as f:
        f.write(signature)
    print("gen_qr: wrote %d instances in %d studies" % (count, studies), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
