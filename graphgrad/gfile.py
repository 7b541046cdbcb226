"""`tf.gfile`: TF1's file API on the local file system (os, shutil, glob). Failures raise TF's
error classes (NotFoundError, AlreadyExistsError, ...) as TF does.

Differs from TF: only local paths; no gs:// or hdfs:// file systems.
"""
import contextlib
import glob as _glob
import os
import shutil
from dataclasses import dataclass

from . import errors


@contextlib.contextmanager
def _os_errors(path):
    """OSError from the OS as the OpError TF raises."""
    try:
        yield
    except FileNotFoundError as e:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from e
    except FileExistsError as e:
        raise errors.AlreadyExistsError(None, None, f"{path}; File exists") from e
    except PermissionError as e:
        raise errors.PermissionDeniedError(None, None, f"{path}; Permission denied") from e
    except IsADirectoryError as e:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from e
    except OSError as e:
        raise errors.UnknownError(None, None, f"{path}; {e.strerror or e}") from e


class GFile:
    """A file (TF1 `tf.gfile.GFile`): read/write in text ('r', 'w', 'a') or binary ('rb', ...)
    mode, usable as a context manager and iterable by lines."""

    def __init__(self, name, mode="r"):
        self.name = os.fspath(name)
        self.mode = mode
        with _os_errors(self.name):
            self._file = open(self.name, mode)  # noqa: SIM115 - closed by close()/__exit__

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        return iter(self._file)

    def __next__(self):
        return next(self._file)

    def read(self, n=-1):
        return self._file.read(n)

    def readline(self):
        return self._file.readline()

    def readlines(self):
        return self._file.readlines()

    def write(self, file_content):
        self._file.write(file_content)

    def size(self):
        self._file.flush()
        return os.path.getsize(self.name)

    def seek(self, offset=None, whence=0, position=None):
        return self._file.seek(position if offset is None else offset, whence)

    def tell(self):
        return self._file.tell()

    def flush(self):
        self._file.flush()

    def close(self):
        self._file.close()

    closed = property(lambda self: self._file.closed)


Open = GFile
FastGFile = GFile


def Exists(filename):  # noqa: N802 - TF's public names
    """True if the path exists."""
    return os.path.exists(filename)


def IsDirectory(dirname):  # noqa: N802
    return os.path.isdir(dirname)


def MakeDirs(dirname):  # noqa: N802
    """Creates a directory and its parents; no error if it exists."""
    with _os_errors(dirname):
        os.makedirs(dirname, exist_ok=True)


def Mkdir(dirname):  # noqa: N802
    """Creates one directory: AlreadyExistsError if it exists, NotFoundError without parent."""
    with _os_errors(dirname):
        os.mkdir(dirname)


def DeleteRecursively(dirname):  # noqa: N802
    """Deletes a directory tree (or a file); NotFoundError if it does not exist."""
    with _os_errors(dirname):
        if os.path.isdir(dirname) and not os.path.islink(dirname):
            shutil.rmtree(dirname)
        else:
            os.remove(dirname)


def Remove(filename):  # noqa: N802
    """Deletes a file; NotFoundError if it does not exist."""
    with _os_errors(filename):
        os.remove(filename)


def Rename(oldname, newname, overwrite=False):  # noqa: N802
    """Renames a file; AlreadyExistsError if `newname` exists and not `overwrite`."""
    if not overwrite and os.path.exists(newname):
        raise errors.AlreadyExistsError(None, None, f"{newname}; File exists")
    with _os_errors(oldname):
        os.replace(oldname, newname)


def Copy(oldpath, newpath, overwrite=False):  # noqa: N802
    """Copies a file; AlreadyExistsError if `newpath` exists and not `overwrite`."""
    if not overwrite and os.path.exists(newpath):
        raise errors.AlreadyExistsError(None, None, f"{newpath}; File exists")
    with _os_errors(oldpath):
        shutil.copyfile(oldpath, newpath)


def Glob(filename):  # noqa: N802
    """The paths matching a pattern (or list of patterns), sorted."""
    patterns = [filename] if isinstance(filename, (str, bytes, os.PathLike)) else filename
    return sorted(p for pattern in patterns for p in _glob.glob(os.fspath(pattern)))


def ListDirectory(dirname):  # noqa: N802
    """The entries of a directory (names, not paths); NotFoundError if it does not exist."""
    if not os.path.isdir(dirname):
        raise errors.NotFoundError(None, None, f"Could not find directory {dirname}")
    return sorted(os.listdir(dirname))


def Walk(top, in_order=True):  # noqa: N802
    """(dirname, subdirectories, files) for each directory under `top`."""
    yield from os.walk(top, topdown=in_order)


@dataclass(frozen=True)
class FileStatistics:
    length: int
    mtime_nsec: int
    is_directory: bool


def Stat(filename):  # noqa: N802
    with _os_errors(filename):
        st = os.stat(filename)
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(filename))


__all__ = ["GFile", "Open", "FastGFile", "Exists", "IsDirectory", "MakeDirs", "Mkdir",
           "DeleteRecursively", "Remove", "Rename", "Copy", "Glob", "ListDirectory", "Walk",
           "Stat", "FileStatistics"]
