"""Find the files under the operator's input paths, and open them without following a link.

Folders are walked with an explicit stack, never recursion, down to MAX_DEPTH levels below a
folder named on the command line: a tree 1,200 folders deep costs one FOLDER_TOO_DEEP finding,
not a RecursionError. Where the system allows it (Linux, macOS), every folder and file below a
named folder is opened relative to its parent's open descriptor with O_NOFOLLOW, then fstat'ed:
so a folder or file replaced by a symbolic link between listing and reading is refused (never
followed), and a path longer than the system's PATH_MAX (4,096 bytes on Linux) is read all the
same. A folder that cannot be listed (no read permission) is a FOLDER_UNREADABLE finding naming
it; the rest of the run goes on.

A path named on the command line itself is the operator's choice: if it is a link, it is followed
once, when the run starts (the folder is opened then and held open; a named file is resolved then
and opened without following a link later). Windows has no descriptor-relative open: there each
file's identity (device, inode) and kind are compared before and after opening instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from rbxl.core.atomic import LOCK_NAME, TEMP_PREFIX, os_reason
from rbxl.core.findings import Finding, finding
from rbxl.core.messages import message

MAX_DEPTH = 32  # folder levels searched below a folder named on the command line

FILE = "file"
LINK = "tautan simbolik, tidak diikuti dan tidak diarsipkan"
LINK_DIR = "tautan simbolik/junction ke folder, tidak diikuti"
SPECIAL = "bukan berkas biasa (perangkat/pipa), tidak dibaca"
RBXL_TEMP = (f"namanya diawali '{TEMP_PREFIX}' seperti berkas sementara rbxl, sehingga tidak dibaca sebagai "
             "kiriman (dan tidak dihapus); bila ini berkas kiriman unit, ganti namanya lalu periksa ulang")

_AT = (os.open in os.supports_dir_fd and os.scandir in os.supports_fd and hasattr(os, "O_NOFOLLOW")
       and hasattr(os, "O_DIRECTORY"))
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0)


@dataclass(frozen=True)
class Entry:
    """One thing found: a file to read (`kind` FILE) or why it is skipped (`kind` is the reason)."""

    path: Path  # as shown: the named path joined with the names below it
    kind: str
    root: int | None = None  # index of the named folder it was found under (Tree.roots); None: named itself
    names: tuple[str, ...] = ()  # below that folder
    ident: tuple[int, int] = (0, 0)  # (device, inode) when listed
    target: Path | None = None  # a named link: where it pointed when the run started (opened, not followed again)


class Tree:
    """The operator's input paths, listed once; their files read later without following links."""

    def __init__(self, paths: list[Path], exclude: list[Path] | None = None) -> None:
        self.entries: list[Entry] = []
        self.findings: list[Finding] = []
        self.roots: list[int | Path] = []  # an open descriptor (or, without descriptor support, the path)
        self._skip = _identities(exclude or [])
        # Windows' scandir gives no file identity (st_ino 0), and Wine's stat may give none at all:
        # there rbxl's own output folders are also recognised by their resolved path
        self._skip_paths = {_key(p) for p in exclude or [] if os.path.lexists(p)}
        for p in paths:
            self._add_named(Path(p))

    def close(self) -> None:
        for r in self.roots:
            if isinstance(r, int):
                with contextlib.suppress(OSError):
                    os.close(r)
        self.roots = []

    def __enter__(self) -> Tree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- listing ---------------------------------------------------------------------------

    def _add_named(self, p: Path) -> None:
        try:
            st = os.stat(p)
        except OSError:
            self.entries.append(Entry(p, "missing"))
            return
        if self._skipped((st.st_dev, st.st_ino), p):
            return  # one of rbxl's own outputs, named as an input
        if stat.S_ISDIR(st.st_mode):
            try:
                root: int | Path = os.open(p, _FLAGS | _DIRECTORY) if _AT else p
            except OSError as err:
                self.findings.append(_unreadable_folder(p, err))
                return
            self.roots.append(root)
            self._walk(len(self.roots) - 1, p)
        elif stat.S_ISREG(st.st_mode):
            self.entries.append(Entry(p, FILE, ident=(st.st_dev, st.st_ino),
                                      target=Path(os.path.realpath(p)) if os.path.islink(p) else None))
        else:
            self.entries.append(Entry(p, SPECIAL))

    def _walk(self, index: int, top: Path) -> None:
        found: list[Entry] = []
        stack: list[tuple[str, ...]] = [()]
        while stack:
            names = stack.pop()
            folder = top.joinpath(*names)
            try:
                listing = self._list(index, names)
            except OSError as err:
                self.findings.append(_unreadable_folder(folder, err))
                continue
            for name, kind, ident in listing:
                below = (*names, name)
                if self._skipped(ident, top.joinpath(*below)):
                    continue  # rbxl's own outputs: never read back
                if kind == "dir":
                    if len(below) > MAX_DEPTH:
                        self.findings.append(finding("FOLDER_TOO_DEEP", file=_show(top.joinpath(*below)),
                                                     detail=MAX_DEPTH))
                    else:
                        stack.append(below)
                elif kind:
                    found.append(Entry(top.joinpath(*below), kind, index, below, ident))
        self.entries += sorted(found, key=lambda e: str(e.path))

    def _skipped(self, ident: tuple[int, int], path: Path) -> bool:
        if ident != (0, 0) and ident in self._skip:
            return True
        if ident == (0, 0) or len(self._skip) < len(self._skip_paths):  # some identity missing: by path
            return _key(path) in self._skip_paths
        return False

    def _list(self, index: int, names: tuple[str, ...]) -> list[tuple[str, str, tuple[int, int]]]:
        """(name, 'dir' | FILE | why skipped | '' (silent), identity) of one folder's entries."""
        root = self.roots[index]
        fd = None
        if isinstance(root, int):
            fd = _open_below(root, names, directory=True)
            it = os.scandir(fd)
        else:
            it = os.scandir(root.joinpath(*names))
        out = []
        try:
            with it:
                for e in it:
                    try:
                        st = e.stat(follow_symlinks=False)
                        if st.st_ino == 0 and fd is None:  # Windows: scandir's entries carry no identity
                            st = os.stat(e.path, follow_symlinks=False)
                    except OSError:
                        continue  # gone since listed
                    ident = (st.st_dev, st.st_ino)
                    junction = bool(getattr(e, "is_junction", lambda: False)())
                    if stat.S_ISLNK(st.st_mode) or junction:
                        target_dir = False
                        with contextlib.suppress(OSError):
                            target_dir = e.is_dir(follow_symlinks=True) if fd is None else stat.S_ISDIR(
                                os.stat(e.name, dir_fd=fd).st_mode)
                        out.append((e.name, LINK_DIR if target_dir or junction else LINK, ident))
                    elif stat.S_ISDIR(st.st_mode):
                        out.append((e.name, "dir", ident))
                    elif e.name == LOCK_NAME:
                        out.append((e.name, "", ident))  # a period folder's lock, when --out lies inside the input
                    elif e.name.startswith(TEMP_PREFIX):
                        out.append((e.name, RBXL_TEMP, ident))
                    elif stat.S_ISREG(st.st_mode):
                        out.append((e.name, FILE, ident))
                    else:
                        out.append((e.name, SPECIAL, ident))
        finally:
            if fd is not None:
                os.close(fd)
        return out

    # --- reading ---------------------------------------------------------------------------

    def read(self, entry: Entry, limit: int) -> tuple[bytes, float]:
        """At most limit + 1 bytes of a listed file, and its modification time.

        Raises OSError (ELOOP for a file or folder that became a link since it was listed,
        EINVAL for one that is no longer a regular file).
        """
        fd = self._open(entry)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise OSError(errno.EINVAL, message("WALK_NOT_REGULAR"))
            if entry.ident != (0, 0) and (st.st_dev, st.st_ino) != entry.ident and not _AT:
                raise OSError(errno.ELOOP, message("WALK_SWAPPED"))
            chunks, size = [], 0
            while size <= limit:
                chunk = os.read(fd, min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            return b"".join(chunks), st.st_mtime
        finally:
            os.close(fd)

    def head(self, entry: Entry, n: int = 8) -> bytes:
        try:
            return self.read(entry, n)[0][:n]
        except OSError:
            return b""

    def _open(self, entry: Entry) -> int:
        if entry.root is None:
            return os.open(entry.target or entry.path, _FLAGS | _NOFOLLOW)
        root = self.roots[entry.root]
        if isinstance(root, int):
            parent = _open_below(root, entry.names[:-1], directory=True)
            try:
                return os.open(entry.names[-1], _FLAGS | _NOFOLLOW, dir_fd=parent)
            finally:
                os.close(parent)
        path = root.joinpath(*entry.names)
        for i in range(1, len(entry.names) + 1):  # no descriptor-relative open: no link on the way, then the file
            if os.path.islink(root.joinpath(*entry.names[:i])):
                raise OSError(errno.ELOOP, message("WALK_SYMLINK"))
        return os.open(path, _FLAGS)


def _open_below(root: int, names: tuple[str, ...], directory: bool) -> int:
    """A descriptor of the folder `names` below `root`, opened one level at a time, never through a link."""
    fd = os.dup(root)
    try:
        for name in names:
            nxt = os.open(name, _FLAGS | _NOFOLLOW | (_DIRECTORY if directory else 0), dir_fd=fd)
            os.close(fd)
            fd = nxt
    except BaseException:
        os.close(fd)
        raise
    return fd


def _identities(paths: list[Path]) -> set[tuple[int, int]]:
    out = set()
    for p in paths:
        with contextlib.suppress(OSError):
            st = os.stat(p)
            if (st.st_dev, st.st_ino) != (0, 0):  # no identity (Wine): never one that matches everything
                out.add((st.st_dev, st.st_ino))
    return out


def _key(path: Path | str) -> str:
    """A path as the file system compares it (resolved; case-folded on Windows)."""
    with contextlib.suppress(OSError, ValueError):
        return os.path.normcase(os.path.realpath(path))
    return os.path.normcase(os.path.abspath(path))


def _unreadable_folder(folder: Path, err: OSError) -> Finding:
    why, step = os_reason(err)
    return finding("FOLDER_UNREADABLE", file=_show(folder), detail=why, step=step)


def _show(path: Path | str) -> str:
    return re.sub("[\ud800-\udfff]", "\ufffd", str(path))


def is_link_error(err: OSError) -> bool:
    """The error a file or folder swapped for a link gives when opened without following it."""
    return err.errno in (errno.ELOOP, errno.EMLINK) or (err.errno == errno.ENOTDIR and _AT)
