#!/usr/bin/env python3
"""Checks that the gateway stored each sent object bit for bit (stdlib only).

Usage: check_stored.py SOURCE_DIR STORAGE_ROOT
For every SOURCE_DIR/*.dcm, finds the gateway's file (SHA-256 of the SOP Instance UID:
h[0:2]/h[2:4]/h[0:16].dcm) and compares everything after the file meta header, which
the gateway writes itself. Prints one line per problem; exit 1 if there is any.
"""
import glob
import hashlib
import os
import struct
import sys

CHUNK = 8 << 20


def meta_end_and_uid(path):
    """Offset where the data set starts, and the Media Storage SOP Instance UID."""
    with open(path, "rb") as f:
        head = f.read(132 + 12)
        if len(head) < 144 or head[128:132] != b"DICM":
            raise ValueError("no DICM preamble")
        group, elem, vr, _length = struct.unpack("<HH2sH", head[132:140])
        if (group, elem, vr) != (2, 0, b"UL"):
            raise ValueError("file meta header does not start with its group length")
        end = 144 + struct.unpack("<I", head[140:144])[0]
        meta = f.read(end - 144)
    pos, uid = 0, None
    while pos + 8 <= len(meta):
        group, elem, vr = struct.unpack("<HH2s", meta[pos:pos + 6])
        if vr in (b"OB", b"OW", b"UN", b"SQ", b"UT", b"UC", b"UR"):
            length, pos = struct.unpack("<I", meta[pos + 8:pos + 12])[0], pos + 12
        else:
            length, pos = struct.unpack("<H", meta[pos + 6:pos + 8])[0], pos + 8
        if (group, elem) == (2, 3):
            uid = meta[pos:pos + length].rstrip(b"\0 ").decode("ascii")
        pos += length
    if uid is None:
        raise ValueError("no Media Storage SOP Instance UID")
    return end, uid


def same_tail(a, a_from, b, b_from):
    if os.path.getsize(a) - a_from != os.path.getsize(b) - b_from:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        fa.seek(a_from)
        fb.seek(b_from)
        while True:
            x, y = fa.read(CHUNK), fb.read(CHUNK)
            if x != y:
                return False
            if not x:
                return True


def main(source_dir, storage_root):
    problems = 0
    for source in sorted(glob.glob(os.path.join(source_dir, "*.dcm"))):
        src_end, uid = meta_end_and_uid(source)
        h = hashlib.sha256(uid.encode("ascii")).hexdigest()
        stored = os.path.join(storage_root, h[0:2], h[2:4], h[0:16] + ".dcm")
        try:
            dst_end, dst_uid = meta_end_and_uid(stored)
        except (OSError, ValueError) as e:
            print("%s: stored file %s unreadable: %s" % (os.path.basename(source), stored, e))
            problems += 1
            continue
        if dst_uid != uid or not same_tail(source, src_end, stored, dst_end):
            print("%s: data set differs in %s" % (os.path.basename(source), stored))
            problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
