"""Files under one root folder (the archive, the January job's work folder), never outside it.

Every path is taken relative to the root and opened one component at a time from the root's
directory descriptor with ``O_NOFOLLOW``: a symbolic link anywhere below the root (an agency
folder, a year file, a history or source file) is refused with a Chinese message, never
followed, and no path leaves the root ('..' is refused too).  The root itself may be a link:
that is the user's choice, made on the command line.

Writes are atomic (temporary file, fsync, rename, fsync of the folder); inside
:func:`synced_in_batches` they skip both fsyncs and the file system is synced once per batch
instead (the rename is still atomic: a process killed at any moment leaves the old file or the
new one, never half of one).  Files are created
with mode 0o666 and folders with 0o777 and the kernel applies the user's umask (and any
default ACL), so colleagues on a shared folder can open what gknb writes.  A temporary file
is held under ``flock`` while it is written, so a sweep by another process (a second January
job on the same folder) removes only the temporaries of writers that died.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path

from .errors import FileRefused, StoreError, UnsafePathError, read_error, write_error

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC  # NONBLOCK: a FIFO must not hang us
TMP_SUFFIX = ".tmp"
DIR, FILE, LINK, OTHER = "dir", "file", "link", "other"

_umask_lock = threading.Lock()
BATCH = 512  # writes between two syncs of the file system in synced_in_batches


class _Batch:
    """The file systems written to since the last sync, each by one folder descriptor of it."""

    def __init__(self, size: int):
        self.size, self.count, self.lock = size, 0, threading.Lock()
        self.pid = os.getpid()  # a worker forked inside the block writes as usual
        self.devices: dict[int, int] = {}

    def wrote(self, dir_fd: int) -> None:
        with self.lock:
            dev = os.fstat(dir_fd).st_dev
            if dev not in self.devices:
                self.devices[dev] = os.dup(dir_fd)
            self.count += 1
            if self.count >= self.size:
                self._sync()

    def _sync(self) -> None:
        for fd in self.devices.values():
            try:
                _syncfs(fd)
            finally:
                os.close(fd)
        self.devices, self.count = {}, 0

    def sync(self) -> None:
        with self.lock:
            self._sync()


_batch: _Batch | None = None


def _syncfs(fd: int) -> None:
    """Every write on the file system holding ``fd`` made durable (its data and its names)."""
    libc = _libc()
    if libc is None or libc.syncfs(fd) != 0:
        os.sync()


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syncfs  # noqa: B018 -- Linux only
        return libc
    except (OSError, AttributeError):
        return None


@contextmanager
def synced_in_batches(size: int = BATCH) -> Iterator[None]:
    """Writes in this process skip their two fsyncs each; the file systems written to are synced
    every ``size`` writes and when the block ends.  For a job writing thousands of files: 4 fsyncs
    an agency become one sync a batch.  A kill leaves every file old or new, as always; a power
    cut loses at most the writes since the last sync (a job that reads its state back from its
    files redoes them).  Nested blocks join the outer one."""
    global _batch
    if _batch is not None:
        yield
        return
    _batch = batch = _Batch(size)
    try:
        yield
    finally:
        _batch = None
        batch.sync()


def _durable(fd: int, dir_fd: int | None = None) -> None:
    """fsync a written file (``dir_fd`` None) or the folder its name went into, unless batched."""
    if _batch is None or _batch.pid != os.getpid():
        os.fsync(fd)
    elif dir_fd is not None:
        _batch.wrote(dir_fd)


@lru_cache(maxsize=1)
def umask() -> int:
    """The process's umask, read once without changing it (Linux: /proc/self/status).

    Where that line is missing the mask is read the only other way, by setting it; it is set
    to a stricter value meanwhile, so a file another thread creates then is never more open."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets: 0o666 less the umask (what ``open()`` gives)."""
    return 0o666 & ~umask()


def kind_of(st: os.stat_result) -> str:
    if stat.S_ISLNK(st.st_mode):
        return LINK
    if stat.S_ISDIR(st.st_mode):
        return DIR
    return FILE if stat.S_ISREG(st.st_mode) else OTHER


def _short(name: str, limit: int = 40) -> str:
    """At most ``limit`` UTF-8 bytes of a name, cut at a character boundary."""
    data = name.encode("utf-8", "surrogatepass")[:limit]
    return data.decode("utf-8", "ignore")


def _tmp_name(name: str) -> str:
    return f".{_short(name)}.{secrets.token_hex(6)}{TMP_SUFFIX}"


def read_regular(path: str | os.PathLike, limit: int | None = None) -> bytes:
    """A file's bytes, refusing a symbolic link (the last component) and anything not a regular file."""
    name = os.fspath(path)
    try:
        fd = os.open(name, _READ_FLAGS)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise UnsafePathError(f"{name}：是符号链接，出于安全原因不予读取（请给出实际文件的路径）") from None
        if isinstance(e, FileNotFoundError):
            raise
        raise read_error(name, e) from None
    try:
        return _read_fd(fd, name, limit)[0]
    finally:
        os.close(fd)


def _read_fd(fd: int, name: str, limit: int | None) -> tuple[bytes, os.stat_result]:
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileRefused(f"{name}：是一个文件夹，不是文件")
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused(f"{name}：不是普通文件（管道、设备或套接字），不予读取")
        if limit is not None and st.st_size > limit:
            raise FileRefused(f"{name}：文件过大（{st.st_size // 1024 // 1024} MB，上限 {limit // 1024 // 1024} MB）")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                raise FileRefused(f"{name}：文件过大（读取时仍在变大，上限 {limit // 1024 // 1024} MB）")
    except OSError as e:
        raise read_error(name, e) from None
    return b"".join(chunks), st


class Tree:
    """Reads and writes below ``root`` that cannot leave it (see the module's docstring)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # ---- paths
    def parts(self, path: str | os.PathLike) -> tuple[str, ...]:
        """``path`` relative to the root, component by component (lexically; '..' that leaves is refused)."""
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        if rel == os.curdir:
            return ()
        parts = tuple(Path(rel).parts)
        if parts[0] == os.pardir or os.path.isabs(rel):
            raise UnsafePathError(f"{os.fspath(path)}：不在 {self.root} 之内，不予读写")
        return parts

    def _path(self, parts: tuple[str, ...]) -> Path:
        return self.root.joinpath(*parts)

    def _refuse(self, parts: tuple[str, ...], e: OSError, dir_fd: int | None = None,
                writing: bool = False) -> StoreError:
        where = self._path(parts)
        if e.errno == errno.ENOTDIR and dir_fd is not None:  # O_DIRECTORY|O_NOFOLLOW on a link says ENOTDIR
            try:
                if stat.S_ISLNK(os.stat(parts[-1], dir_fd=dir_fd, follow_symlinks=False).st_mode):
                    e = OSError(errno.ELOOP, os.strerror(errno.ELOOP))
            except OSError:
                pass
        if e.errno == errno.ELOOP:
            return UnsafePathError(f"{where}：是符号链接，出于安全原因不予读写（档案和工作文件夹中不允许符号链接）")
        if e.errno == errno.ENOTDIR:
            return UnsafePathError(f"{where}：应为文件夹，但不是文件夹")
        return write_error(where, e) if writing else read_error(where, e)

    @contextmanager
    def _dir(self, parts: tuple[str, ...], create: bool = False) -> Iterator[int]:
        """A descriptor of the folder at ``parts`` (created if asked), reached without following links."""
        try:
            fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
        except FileNotFoundError:
            if not create:
                raise
            try:
                os.makedirs(self.root, exist_ok=True)
                fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
            except OSError as e:
                raise write_error(self.root, e) from None
        except OSError as e:
            raise (write_error if create else read_error)(self.root, e) from None
        try:
            for i in range(len(parts)):
                nfd = self._open_dir(fd, parts[: i + 1], create)
                os.close(fd)
                fd = nfd
            yield fd
        finally:
            os.close(fd)

    def _open_dir(self, fd: int, parts: tuple[str, ...], create: bool) -> int:
        name = parts[-1]
        try:
            return os.open(name, _DIR_FLAGS, dir_fd=fd)
        except FileNotFoundError:
            if not create:
                raise
        except OSError as e:
            raise self._refuse(parts, e, fd, create) from None
        try:
            os.mkdir(name, 0o777, dir_fd=fd)
        except FileExistsError:
            pass
        except OSError as e:
            raise write_error(self._path(parts), e) from None
        try:
            return os.open(name, _DIR_FLAGS, dir_fd=fd)
        except OSError as e:
            raise self._refuse(parts, e, fd, create) from None

    # ---- reading
    def lstat(self, path: str | os.PathLike) -> os.stat_result | None:
        """What is at ``path`` (a link is reported, not followed); None if nothing is."""
        parts = self.parts(path)
        if not parts:
            return os.stat(self.root) if self.root.exists() else None
        try:
            with self._dir(parts[:-1]) as d:
                return os.stat(parts[-1], dir_fd=d, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except StoreError:
            raise
        except OSError as e:
            raise read_error(path, e) from None

    def kind(self, path: str | os.PathLike) -> str | None:
        st = self.lstat(path)
        return None if st is None else kind_of(st)

    def is_file(self, path: str | os.PathLike) -> bool:
        """Whether a regular file is at ``path``; a link there is refused."""
        k = self.kind(path)
        if k == LINK:
            raise UnsafePathError(f"{path}：是符号链接，出于安全原因不予读写（档案和工作文件夹中不允许符号链接）")
        return k == FILE

    def read(self, path: str | os.PathLike, limit: int | None = None) -> bytes:
        return self.read_stat(path, limit)[0]

    def read_stat(self, path: str | os.PathLike, limit: int | None = None) -> tuple[bytes, os.stat_result]:
        """A regular file's bytes and its stat, taken before reading.  FileNotFoundError if missing."""
        parts = self.parts(path)
        if not parts:
            raise FileRefused(f"{path}：是一个文件夹，不是文件")
        with self._dir(parts[:-1]) as d:
            try:
                fd = os.open(parts[-1], _READ_FLAGS, dir_fd=d)
            except FileNotFoundError:
                raise
            except OSError as e:
                raise self._refuse(parts, e) from None
        try:
            return _read_fd(fd, str(path), limit)
        finally:
            os.close(fd)

    def list(self, path: str | os.PathLike) -> list[tuple[str, str]]:
        """(name, kind) of what a folder holds, sorted by name; links are listed as links."""
        with self._dir(self.parts(path)) as d:
            try:
                with os.scandir(d) as it:
                    out = []
                    for e in it:
                        try:
                            k = DIR if e.is_dir(follow_symlinks=False) else LINK if e.is_symlink() else \
                                FILE if e.is_file(follow_symlinks=False) else OTHER
                        except OSError:
                            k = OTHER
                        out.append((e.name, k))
            except OSError as e:
                raise read_error(path, e) from None
        return sorted(out)

    # ---- writing
    def write(self, path: str | os.PathLike, data: bytes, tmpdir: str | os.PathLike | None = None) -> None:
        """Atomically replace ``path`` by ``data`` (temporary file in ``tmpdir``, same file system)."""
        parts = self.parts(path)
        if not parts:
            raise UnsafePathError(f"{path}：是一个文件夹，不能写成文件")
        tparts = self.parts(tmpdir) if tmpdir is not None else parts[:-1]
        try:
            self._write(parts, tparts, data)
        except FileNotFoundError:  # our temporary was swept away by another process: once more
            try:
                self._write(parts, tparts, data)
            except OSError as e:
                raise write_error(path, e) from None
        except StoreError:
            raise
        except OSError as e:
            raise write_error(path, e) from None

    def _write(self, parts: tuple[str, ...], tparts: tuple[str, ...], data: bytes) -> None:
        name = parts[-1]
        with self._dir(parts[:-1], create=True) as d, \
                (nullcontext(d) if tparts == parts[:-1] else self._dir(tparts, create=True)) as t:
            self._check_target(d, parts)
            tmp = _tmp_name(name)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC, 0o666, dir_fd=t)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # held until closed: sweeps leave a live temporary alone
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                _durable(fd)
                os.replace(tmp, name, src_dir_fd=t, dst_dir_fd=d)
            except BaseException:
                try:
                    os.unlink(tmp, dir_fd=t)
                except OSError:
                    pass
                raise
            finally:
                os.close(fd)
            _durable(d, d)

    def _check_target(self, d: int, parts: tuple[str, ...]) -> None:
        try:
            st = os.stat(parts[-1], dir_fd=d, follow_symlinks=False)
        except FileNotFoundError:
            return
        k = kind_of(st)
        if k == LINK:
            raise UnsafePathError(f"{self._path(parts)}：是符号链接，出于安全原因不予写入（不会写到链接指向的文件）")
        if k != FILE:
            raise UnsafePathError(f"{self._path(parts)}：已存在且不是普通文件（{'文件夹' if k == DIR else '特殊文件'}），无法写入")

    def write_if_changed(self, path: str | os.PathLike, data: bytes) -> bool:
        """Write ``data`` unless ``path`` already holds exactly it; whether it wrote."""
        try:
            if self.read(path) == data:
                return False
        except FileNotFoundError:
            pass
        except (FileRefused, UnsafePathError):
            raise
        except StoreError:  # unreadable: write it again (the write says why, if it fails too)
            pass
        self.write(path, data)
        return True

    def move_in(self, src: str | os.PathLike, path: str | os.PathLike) -> None:
        """Rename a file of ours (a temporary somewhere below the root) to ``path``, atomically."""
        parts = self.parts(path)
        self.parts(src)
        try:
            with self._dir(parts[:-1], create=True) as d:
                self._check_target(d, parts)
                fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | _CLOEXEC)
                try:
                    os.fchmod(fd, file_mode())  # made by another program (LibreOffice): the user's umask
                finally:
                    os.close(fd)
                os.replace(src, parts[-1], dst_dir_fd=d)
                _durable(d, d)
        except StoreError:
            raise
        except OSError as e:
            raise write_error(path, e) from None

    def unlink(self, path: str | os.PathLike) -> None:
        """Remove a file or a link (never what a link points to); nothing if missing."""
        parts = self.parts(path)
        try:
            with self._dir(parts[:-1]) as d:
                os.unlink(parts[-1], dir_fd=d)
        except FileNotFoundError:
            pass
        except StoreError:
            raise
        except OSError as e:
            raise write_error(path, e) from None

    @contextmanager
    def open_lock(self, path: str | os.PathLike) -> Iterator[int]:
        """An exclusive ``flock`` on ``path`` (created), held for the ``with`` block."""
        parts = self.parts(path)
        try:
            with self._dir(parts[:-1], create=True) as d:
                fd = os.open(parts[-1], os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | _CLOEXEC, 0o666, dir_fd=d)
        except StoreError:
            raise
        except OSError as e:
            raise self._refuse(parts, e) if e.errno == errno.ELOOP else write_error(path, e) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield fd
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # ---- sweeping what killed writers left
    def sweep(self, path: str | os.PathLike, pattern: re.Pattern = re.compile(r"\..*\.tmp")) -> int:
        """Remove temporaries (``pattern``) below ``path`` that no live writer holds; links are not entered."""
        parts = self.parts(path)
        if self.kind(path) != DIR:
            return 0
        removed = 0
        with self._dir(parts[:-1]) as d:
            for _root, _dirs, files, rfd in os.fwalk(parts[-1] if parts else ".", dir_fd=d):
                for name in files:
                    if pattern.fullmatch(name) and _dead(name, rfd):
                        try:
                            os.unlink(name, dir_fd=rfd)
                            removed += 1
                        except OSError:
                            pass
        return removed

    @contextmanager
    def scratch(self, parent: str | os.PathLike, prefix: str) -> Iterator[Path]:
        """A private folder below ``parent`` for one process, removed afterwards; ``sweep_scratch``
        removes those of processes that died (their lock is free)."""
        parts = self.parts(parent)
        name = f"{prefix}{secrets.token_hex(6)}"
        try:
            with self._dir(parts, create=True) as d:
                os.mkdir(name, 0o700, dir_fd=d)
                sd = os.open(name, _DIR_FLAGS, dir_fd=d)
            try:
                lock = os.open(".lock", os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC, 0o600,
                               dir_fd=sd)
            finally:
                os.close(sd)
            fcntl.flock(lock, fcntl.LOCK_EX)
        except StoreError:
            raise
        except OSError as e:
            raise write_error(self._path(parts + (name,)), e) from None
        try:
            yield self._path(parts + (name,))
        finally:
            try:
                with self._dir(parts) as d:
                    shutil.rmtree(name, dir_fd=d, ignore_errors=True)
            except (OSError, StoreError):
                pass
            os.close(lock)

    def sweep_scratch(self, parent: str | os.PathLike, prefix: str) -> None:
        parts = self.parts(parent)
        if self.kind(parent) != DIR:
            return
        with self._dir(parts) as d:
            with os.scandir(d) as it:
                names = [e.name for e in it if e.name.startswith(prefix) and e.is_dir(follow_symlinks=False)]
            for name in names:
                try:
                    sd = os.open(name, _DIR_FLAGS, dir_fd=d)
                except OSError:
                    continue
                try:
                    alive = not _dead(".lock", sd)
                finally:
                    os.close(sd)
                if not alive:
                    shutil.rmtree(name, dir_fd=d, ignore_errors=True)


def _dead(name: str, dir_fd: int) -> bool:
    """Whether the file's writer is gone: no lock on it (a link, or a file without a lock, counts as dead)."""
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        return True
    except OSError:
        return True  # a link (ELOOP) or unreadable: nobody writes through it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
