"""Network shares and synced folders: where SQLite files get damaged.

SQLite's locking relies on the file system; SMB and NFS shares often do it imperfectly, and
sync programs (Dropbox, OneDrive, Google Drive) copy a file while it is being written and
may bring back an older copy beside a newer -wal. Sorot says so once per project.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# Beside the settings: the projects already warned about (see `warn_once`).
WARNED_FILE = "network-warned.json"
NETWORK_FILESYSTEMS = {
    "cifs",
    "smb3",
    "smbfs",
    "nfs",
    "nfs4",
    "afs",
    "9p",
    "ncpfs",
    "coda",
    "davfs",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "beegfs",
    "sshfs",
    "webdav",
}
# Words in a FUSE file system's type that name a network or cloud store.
_FUSE_REMOTE = (
    "sshfs",
    "rclone",
    "s3fs",
    "gcsfuse",
    "davfs",
    "gvfs",
    "smb",
    "nfs",
    "onedrive",
    "dropbox",
    "drive",
    "cloud",
    "glusterfs",
    "ceph",
)
# The start of a folder's name (lower case) that sync programs create, and whose it is.
SYNCED_FOLDERS = (
    ("dropbox", "Dropbox"),
    ("onedrive", "OneDrive"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("my drive", "Google Drive"),
    ("icloud drive", "iCloud Drive"),
    ("mobile documents", "iCloud Drive"),
    ("cloudstorage", "a cloud storage app"),
    ("nextcloud", "Nextcloud"),
    ("owncloud", "ownCloud"),
    ("pcloud", "pCloud"),
    ("box sync", "Box"),
    ("seafile", "Seafile"),
)


def storage_kind(path: Path, mounts: str | None = None) -> str | None:
    """'a folder synced by Dropbox', 'a network share (nfs4)', or None for a local disk.

    `mounts`: the text of /proc/mounts (read from the system when None, on Linux).
    """
    resolved = Path(os.path.abspath(path))
    for part in resolved.parts[:-1]:
        low = part.lower()
        for prefix, owner in SYNCED_FOLDERS:
            if low.startswith(prefix):
                return f"a folder synced by {owner}"
    if str(resolved).startswith("\\\\"):
        return "a network share"
    fstype = _filesystem(resolved, mounts)
    if fstype and (
        fstype in NETWORK_FILESYSTEMS
        or (fstype.startswith("fuse") and any(w in fstype for w in _FUSE_REMOTE))
    ):
        return f"a network share ({fstype})"
    return None


def warning(path: Path, kind: str) -> str:
    return (
        f"{path} is in {kind}. Project files there can be damaged when the share or the "
        f"sync program copies them while Sorot writes. Keep the project on a local disk "
        f"and put copies there with `sorot backup {path.name} COPY.sorot` (File → Save a "
        f"copy in the window)"
    )


def warn_once(path: Path, record: Path, mounts: str | None = None) -> str | None:
    """The warning for a project on a network share or synced folder, the first time only
    (the projects warned about are listed in the JSON file `record`)."""
    kind = storage_kind(path, mounts)
    if kind is None:
        return None
    key = os.path.abspath(path)
    try:
        seen = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        seen = []
    if not isinstance(seen, list):
        seen = []
    if key in seen:
        return None
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        tmp = record.with_name(f".{record.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps([*seen, key], ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, record)
    except OSError:
        pass  # warned again next time: better than never
    return warning(path, kind)


def _filesystem(path: Path, mounts: str | None) -> str | None:
    if mounts is None:
        if not sys.platform.startswith("linux"):
            return None
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    best, fstype = -1, None
    text = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best:
            best, fstype = len(point), fields[2]
    return fstype


def _unescape(field: str) -> str:
    # /proc/mounts writes a space as \040, a tab as \011, a backslash as \134.
    return (
        field.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
    )
