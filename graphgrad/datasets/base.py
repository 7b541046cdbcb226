"""Shared pieces of the dataset readers: the Datasets tuple and an atomic, offline-aware download.

Parsing of any file format lives in the per-dataset modules (mnist.py).
"""
import collections
import os
import shutil
import sys
import tempfile
from urllib.request import urlopen

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])

DOWNLOAD_TIMEOUT_S = 30


def maybe_download(filename, work_directory, source_url):
    """Returns the path of `filename` in `work_directory`, downloading it from `source_url` first
    when it is absent.

    The download goes to a temporary file in the same directory that is renamed into place only
    once complete, so an interrupted download never leaves a half-written file behind.
    Differs from TF: no retries; any network failure propagates (as an OSError).
    """
    filepath = os.path.join(work_directory, filename)
    if os.path.exists(filepath):
        return filepath
    os.makedirs(work_directory, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=work_directory, prefix=f".{filename}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urlopen(source_url, timeout=DOWNLOAD_TIMEOUT_S) as resp:
            shutil.copyfileobj(resp, out)
        os.replace(partial, filepath)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    print(f"Successfully downloaded {filename} {os.path.getsize(filepath)} bytes.",
          file=sys.stderr)
    return filepath
