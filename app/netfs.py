"""Is a workspace file on a network filesystem? SQLite's WAL needs memory shared on one host, so a
file on NFS, SMB/CIFS or sshfs is not safe to share: the team should use a server instead.

Linux: the mount holding the path, from ``/proc/self/mountinfo`` (the last mount on the longest
matching mount point wins, as mounts stack). macOS and the BSDs: the same from the output of
``mount``. Windows: a UNC path (``\\\\server\\share``) or a drive that ``GetDriveTypeW`` calls
remote.
Elsewhere, or when the table cannot be read, the check says nothing rather than guess.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from app.errors import WorkspaceError

#: Filesystem types that live on another machine (``fuse.`` types by their helper's name).
NETWORK_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "coda", "9p",
    "ceph", "glusterfs", "lustre", "gpfs", "beegfs", "davfs", "webdav", "afpfs", "sshfs",
    "fuse.sshfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse", "fuse.glusterfs",
    "fuse.ceph", "fuse.cephfs", "fuse.smbnetfs", "fuse.curlftpfs", "fuse.juicefs", "fuse.goofys",
})
_OCTAL = re.compile(r"\\([0-7]{3})")
_BSD_LINE = re.compile(r"^(?P<source>.+?) on (?P<point>.+) \((?P<type>[^,)]+)")


class NetworkFilesystem(WorkspaceError):
    """The workspace file is on a network filesystem, where SQLite cannot share it safely."""


@dataclass(frozen=True)
class Mount:
    """One mounted filesystem."""

    point: str
    fstype: str
    source: str


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts of a Linux ``/proc/…/mountinfo`` table, in its order."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        if len(fields) < dash + 3:
            continue
        mounts.append(Mount(_unescape(fields[4]), fields[dash + 1], _unescape(fields[dash + 2])))
    return mounts


def parse_bsd_mount(text: str) -> list[Mount]:
    """The mounts listed by ``mount`` on macOS and the BSDs (``SRC on POINT (TYPE, …)``)."""
    found = (_BSD_LINE.match(line) for line in text.splitlines())
    return [Mount(m["point"], m["type"].strip(), m["source"]) for m in found if m]


def mount_of(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount that holds ``path`` (an absolute, resolved path)."""
    best: Mount | None = None
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        inside = path == point or path.startswith(point if point == "/" else point + "/")
        if inside and (best is None or len(point) >= len(best.point.rstrip("/") or "/")):
            best = mount
    return best


def is_network(fstype: str) -> bool:
    """True for a filesystem type that lives on another machine."""
    kind = fstype.lower()
    return kind in NETWORK_TYPES or kind.split(".")[-1] in NETWORK_TYPES


def network_filesystem(path: str | os.PathLike) -> str | None:
    """The network filesystem's type when ``path`` (or, for a file not made yet, its nearest
    existing folder) is on one; None when it is local or the platform cannot tell."""
    target = _existing(Path(path).expanduser().absolute())
    if sys.platform == "win32":
        return _windows_remote(str(target))
    mounts = _mount_table()
    mount = mount_of(str(target), mounts) if mounts else None
    return mount.fstype if mount is not None and is_network(mount.fstype) else None


def refuse_network(path: str | os.PathLike) -> None:
    """Raise ``NetworkFilesystem`` (pointing to the server option) for a file on a network share."""
    fstype = network_filesystem(path)
    if fstype is not None:
        raise NetworkFilesystem(
            path, f"is on a network filesystem ({fstype}). A workspace file cannot be shared "
                  "safely over the network: keep it on this computer, or put the team's "
                  "workspace on a PostgreSQL server (--workspace postgresql://host/database).")


def _existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.resolve()
    return path


def _mount_table() -> list[Mount]:
    try:
        return parse_mountinfo(Path("/proc/self/mountinfo").read_text(encoding="utf-8"))
    except OSError:
        pass
    try:
        out = subprocess.run(["mount"], capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_bsd_mount(out.stdout)


def _windows_remote(path: str) -> str | None:  # pragma: no cover - runs on Windows only
    if path.startswith(("\\\\", "//")):
        return "UNC share"
    import ctypes

    drive = os.path.splitdrive(path)[0] + "\\"
    drive_remote = 4
    return "network drive" if ctypes.windll.kernel32.GetDriveTypeW(drive) == drive_remote else None


def _unescape(text: str) -> str:
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), text)
