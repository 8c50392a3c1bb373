#!/usr/bin/env python3
"""Writes the benchmark's synthetic DICOM Part 10 files (stdlib only, deterministic).

Encoding: explicit VR little endian, a file meta header with its group length, 16-bit
MONOCHROME2 pixels. The data sets carry the attributes the index and the servers read
(patient, study, series, SOP); they are not complete IODs (no functional groups for
tomosynthesis), which no storage SCP here checks.

Usage: gen_dicom.py OUT_DIR SET [SET ...]   (sets: small, mammo, mammo2..mammo4, tomo)
A set is generated into OUT_DIR/SET/ and marked complete with a stamp file; a set whose
stamp matches is left as it is, so repeated benchmark runs reuse the files.
"""
import array
import os
import struct
import sys
import uuid

GENERATOR_VERSION = "1"

MG_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
BREAST_TOMO = "1.2.840.10008.5.1.4.1.1.13.1.3"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
# A UUID-derived UID (PS3.5 B.2) names this generator; no registered root is needed.
IMPLEMENTATION_UID = "2.25.%d" % uuid.uuid5(uuid.NAMESPACE_URL, "screening-gateway/bench").int

# name: (SOP class, count, rows, columns, frames or None)
SETS = {
    "small": (MG_PRESENTATION, 200, 512, 512, None),      # 0.5 MB each
    "mammo": (MG_PRESENTATION, 20, 4096, 3328, None),     # 27.3 MB each
    "tomo": (BREAST_TOMO, 2, 1024, 1024, 150),            # 314.6 MB each
}
# mammo again under other SOP Instance and Series UIDs (the UIDs derive from the set's name),
# to store more sets beside the first one (bench/forward_bench.sh).
for _copy in (2, 3, 4):
    SETS["mammo%d" % _copy] = SETS["mammo"]

# VRs with a 2-byte reserved field and a 4-byte length in explicit VR.
LONG_VRS = {"OB", "OW", "OF", "OD", "OL", "SQ", "UC", "UR", "UT", "UN"}


def uid(*parts):
    """Deterministic 2.25 UID from a name: the same run always yields the same UIDs."""
    return "2.25.%d" % uuid.uuid5(uuid.NAMESPACE_URL, "screening-gateway/bench/" + "/".join(map(str, parts))).int


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


def us(v):
    return struct.pack("<H", v)


def header(set_name, index, sop_class, rows, cols, frames, pixel_bytes):
    sop_uid = uid(set_name, "instance", index)
    meta_body = b"".join([
        element(0x0002, 0x0001, "OB", b"\x00\x01"),
        element(0x0002, 0x0002, "UI", sop_class),
        element(0x0002, 0x0003, "UI", sop_uid),
        element(0x0002, 0x0010, "UI", EXPLICIT_LE),
        element(0x0002, 0x0012, "UI", IMPLEMENTATION_UID),
        element(0x0002, 0x0013, "SH", "GW_BENCH_1"),
    ])
    meta = element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta_body))) + meta_body
    # Ten patients, one study each; each set is its own series within the study.
    patient = index % 10
    laterality = "L" if index % 2 == 0 else "R"
    ds = [
        element(0x0008, 0x0005, "CS", "ISO_IR 100"),
        element(0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY"),
        element(0x0008, 0x0016, "UI", sop_class),
        element(0x0008, 0x0018, "UI", sop_uid),
        element(0x0008, 0x0020, "DA", "20240115"),
        element(0x0008, 0x0030, "TM", "093000"),
        element(0x0008, 0x0050, "SH", "ACC%05d" % patient),
        element(0x0008, 0x0060, "CS", "MG"),
        element(0x0008, 0x0068, "CS", "FOR PRESENTATION"),
        element(0x0008, 0x0070, "LO", "BENCH"),
        element(0x0008, 0x0090, "PN", ""),
        element(0x0010, 0x0010, "PN", "BENCH^PATIENT%02d" % patient),
        element(0x0010, 0x0020, "LO", "BENCH%05d" % patient),
        element(0x0010, 0x0030, "DA", "19650301"),
        element(0x0010, 0x0040, "CS", "F"),
        element(0x0018, 0x0015, "CS", "BREAST"),
        element(0x0018, 0x5101, "CS", "CC" if index % 4 < 2 else "MLO"),
        element(0x0020, 0x000D, "UI", uid("study", patient)),
        element(0x0020, 0x000E, "UI", uid(set_name, "series", patient)),
        element(0x0020, 0x0010, "SH", "1"),
        element(0x0020, 0x0011, "IS", "1"),
        element(0x0020, 0x0013, "IS", str(index + 1)),
        element(0x0020, 0x0020, "CS", "A\\R" if laterality == "L" else "P\\L"),
        element(0x0020, 0x0062, "CS", laterality),
        element(0x0028, 0x0002, "US", us(1)),
        element(0x0028, 0x0004, "CS", "MONOCHROME2"),
    ]
    if frames:
        ds.append(element(0x0028, 0x0008, "IS", str(frames)))
    ds += [
        element(0x0028, 0x0010, "US", us(rows)),
        element(0x0028, 0x0011, "US", us(cols)),
        element(0x0028, 0x0100, "US", us(16)),
        element(0x0028, 0x0101, "US", us(14)),
        element(0x0028, 0x0102, "US", us(13)),
        element(0x0028, 0x0103, "US", us(0)),
    ]
    pixel_header = struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, pixel_bytes)
    return b"\0" * 128 + b"DICM" + meta + b"".join(ds) + pixel_header


def write_pixels(out, rows, cols, frames, seed):
    """A 14-bit diagonal ramp, shifted per row, frame and file: never all zero, and
    cheap (one row pattern sliced, no per-pixel Python work)."""
    row = array.array("H", ((x * 5) & 0x3FFF for x in range(cols))).tobytes()
    doubled = row + row
    width = 2 * cols
    for frame in range(frames or 1):
        chunk = []
        for y in range(rows):
            shift = (2 * (y + frame * 7 + seed * 13)) % width
            chunk.append(doubled[shift:shift + width])
            if len(chunk) == 256:
                out.write(b"".join(chunk))
                chunk = []
        out.write(b"".join(chunk))


def generate(out_dir, set_name):
    sop_class, count, rows, cols, frames = SETS[set_name]
    target = os.path.join(out_dir, set_name)
    stamp = os.path.join(target, ".complete")
    signature = "%s %s %d %d %d %s\n" % (GENERATOR_VERSION, sop_class, count, rows, cols, frames)
    try:
        with open(stamp) as f:
            if f.read() == signature:
                return False
    except FileNotFoundError:
        pass
    os.makedirs(target, exist_ok=True)
    for name in os.listdir(target):
        os.unlink(os.path.join(target, name))
    pixel_bytes = rows * cols * 2 * (frames or 1)
    for index in range(count):
        path = os.path.join(target, "%s_%04d.dcm" % (set_name, index))
        with open(path + ".tmp", "wb", buffering=4 << 20) as out:
            out.write(header(set_name, index, sop_class, rows, cols, frames, pixel_bytes))
            write_pixels(out, rows, cols, frames, index)
        os.rename(path + ".tmp", path)
    with open(stamp, "w") as f:
        f.write(signature)
    return True


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    for set_name in argv[2:]:
        if set_name not in SETS:
            sys.exit("unknown set %r (known: %s)" % (set_name, ", ".join(SETS)))
    for set_name in argv[2:]:
        if generate(argv[1], set_name):
            print("gen_dicom: wrote set %s" % set_name, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
