#!/usr/bin/env python3
"""The durable-write baseline: what this disk can absorb when the same bytes are written
the way the gateway must write them, with no DICOM, no hashing and no index (stdlib only).

For each file: a new temporary file in OUT_DIR, the bytes in 1 MiB writes, fsync, rename to
its final name, fsync of the folder. Prints the wall seconds and the CPU seconds used.

Usage: durable_write.py OUT_DIR FILE [FILE ...]
"""
import os
import sys
import time

CHUNK = 1 << 20


def main(out_dir, files):
    os.makedirs(out_dir, exist_ok=True)
    folder = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    # Read every source first, outside the timing: the baseline is about writing.
    sources = []
    for path in files:
        with open(path, "rb") as f:
            sources.append((os.path.basename(path), f.read()))
    cpu0, start = time.process_time(), time.perf_counter()
    for i, (name, data) in enumerate(sources):
        temp = os.path.join(out_dir, ".incoming-%d" % i)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        view = memoryview(data)
        for offset in range(0, len(data), CHUNK):
            os.write(fd, view[offset:offset + CHUNK])
        os.fsync(fd)
        os.close(fd)
        os.rename(temp, os.path.join(out_dir, name))
        os.fsync(folder)
    seconds = time.perf_counter() - start
    print("%.4f %.2f" % (seconds, time.process_time() - cpu0))
    os.close(folder)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
