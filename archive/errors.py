"""The store's errors, each with a Chinese message that names the file.

They are defined apart from ``archive.store`` so that ``archive.fs`` can raise them too.
Several also derive from the exception older callers already catch (``OSError`` for a
failed read or write, ``ArchiveError`` for an unusable archive entry), so that code written
before these classes existed keeps turning them into a message instead of a traceback.
"""

from __future__ import annotations

import errno
import os


class ArchiveError(ValueError):
    """An archive document that is not valid; the message is Chinese."""


class StoreError(Exception):
    """A store operation refused; the message is Chinese."""


class ConflictError(StoreError):
    """A year already archived with different content, and no ``replace``."""


class UnsafePathError(StoreError):
    """A path that would leave the archive or work folder: a symbolic link, '..', a file
    where a folder belongs or the other way round.  Refused, never followed."""


class FileRefused(StoreError):
    """Not a regular file (a folder, a pipe, a device) or larger than allowed."""


class _OSStoreError(StoreError, OSError):
    """An OSError with a Chinese message; still an OSError for callers that catch those."""

    def __init__(self, message: str, cause: OSError | None = None, filename: str | None = None):
        super().__init__(message)
        self.message = message
        self.errno = cause.errno if cause is not None else None
        self.strerror = cause.strerror if cause is not None else None
        self.filename = filename

    def __str__(self) -> str:
        return self.message


class WriteError(_OSStoreError):
    """Writing failed: a full disk, a read-only file system, no permission, a name too long."""


class ReadError(_OSStoreError):
    """Reading failed: no permission, an I/O error."""


class EntryError(StoreError, ArchiveError):
    """An archived year that cannot be used: truncated, empty, with a DOCTYPE, invalid against
    the schema, not a regular file, a link, unreadable.  Callers make it that agency's error."""


_ZH = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统为只读，无法写入",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限（操作不被允许）",
    errno.EIO: "读写出错（磁盘或网络文件夹可能有故障）",
    errno.ELOOP: "路径中有符号链接",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EMFILE: "打开的文件过多",
    errno.ENFILE: "打开的文件过多",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EXDEV: "不能跨文件系统移动文件",
    errno.EEXIST: "已有同名的文件、文件夹或链接",
}


def os_error_zh(e: OSError) -> str:
    """What an OSError means, in Chinese (the system's own words for the rare ones)."""
    if isinstance(e, _OSStoreError):
        return e.message
    return _ZH.get(e.errno or 0) or (e.strerror and f"{e.strerror}（错误号 {e.errno}）") or str(e)


def write_error(path: str | os.PathLike, e: OSError) -> WriteError:
    if isinstance(e, WriteError):
        return e
    return WriteError(f"无法写入 {os.fspath(path)}：{os_error_zh(e)}", e, os.fspath(path))


def read_error(path: str | os.PathLike, e: OSError) -> ReadError:
    if isinstance(e, ReadError):
        return e
    return ReadError(f"无法读取 {os.fspath(path)}：{os_error_zh(e)}", e, os.fspath(path))
