"""Writes that never leave a half-written file: temp file in the same folder, then rename.
Mode bits are kept; symlinks are recreated as links and never written through."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        raise OSError(f"refusing to write through the symlink {path}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".migrate-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def copy_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.is_symlink():
        dst.unlink()
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".migrate-tmp", dir=dst.parent)
    os.close(fd)
    try:
        # copyfile (sendfile on Linux) + mode + times: what copy2 keeps, without its xattr calls,
        # which cost more than the copy itself for small files
        shutil.copyfile(src, tmp, follow_symlinks=False)
        st = os.stat(src, follow_symlinks=False)
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def same_content(path: Path, data: bytes) -> bool:
    """`path` is a regular file holding exactly `data` (so writing it again can be skipped)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
        return False
    try:
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def same_copy(src: Path, dst: Path) -> bool:
    """`dst` is what copy_file(src, dst) would leave: a regular file with src's size, mode and
    modification time (copy_file keeps them; rsync's quick check). Lets a second run skip I/O."""
    try:
        a, b = os.lstat(src), os.lstat(dst)
    except OSError:
        return False
    return (stat.S_ISREG(b.st_mode) and a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns
            and stat.S_IMODE(a.st_mode) == stat.S_IMODE(b.st_mode))


def copy_symlink(target: str, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.is_symlink() or dst.exists():
        if dst.is_dir() and not dst.is_symlink():
            shutil.rmtree(dst)
        else:
            dst.unlink()
    os.symlink(target, dst)


def ignore_folder(path: Path) -> None:
    """Make a tool folder (.migrate/) invisible to git, as pytest and ruff do with their caches."""
    path.mkdir(parents=True, exist_ok=True)
    gi = path / ".gitignore"
    if not gi.exists():
        gi.write_text("# created by migrate\n*\n", encoding="utf-8")
