"""A workspace file on a network filesystem is recognised (mount tables of Linux and macOS) and
refused with a message that points to the server option; a local temporary folder is not."""

from __future__ import annotations

import pytest

from app import netfs
from app.netfs import Mount, NetworkFilesystem, mount_of, parse_bsd_mount, parse_mountinfo

MOUNTINFO = r"""22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
24 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
40 22 0:35 / /home/dana/shared rw,relatime shared:20 - nfs4 files:/export/team rw,vers=4.2
41 40 0:36 / /home/dana/shared/local rw,relatime shared:21 - tmpfs tmpfs rw
42 22 0:37 / /mnt/office rw,relatime shared:22 - cifs //nas/office rw,vers=3.1.1
43 22 0:38 / /home/dana/remote\040box rw,nosuid shared:23 - fuse.sshfs dana@box:/srv rw
44 22 0:39 / /mnt/stacked rw shared:24 - nfs srv:/a rw
45 22 8:1 / /mnt/stacked rw shared:25 - ext4 /dev/sda1 rw
46 22 0:40 / /media/usb rw,relatime shared:26 master:3 - vfat /dev/sdb1 rw
"""

MACOS_MOUNT = """/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect)
//dana@nas._smb._tcp.local/Team on /Volumes/Team (smbfs, nodev, nosuid, mounted by dana)
files:/export/caucus on /Volumes/caucus (nfs, asynchronous)
"""


def linux(path: str) -> str | None:
    mount = mount_of(path, parse_mountinfo(MOUNTINFO))
    return mount.fstype if mount and netfs.is_network(mount.fstype) else None


@pytest.mark.parametrize(("path", "fstype"), [
    ("/home/dana/team.caucus", None),
    ("/home/dana/shared/team.caucus", "nfs4"),
    ("/home/dana/shared", "nfs4"),
    ("/home/dana/sharedX/team.caucus", None),  # a prefix of the name is not the folder
    ("/home/dana/shared/local/team.caucus", None),  # a local mount inside the share
    ("/mnt/office/deals/q3.caucus", "cifs"),
    ("/home/dana/remote box/team.caucus", "fuse.sshfs"),  # \040 in the table is a space
    ("/mnt/stacked/team.caucus", None),  # the later of two mounts on one point wins
    ("/media/usb/team.caucus", None),
])
def test_the_mount_holding_a_path_decides(path, fstype):
    assert linux(path) == fstype


def test_mountinfo_lines_are_read_with_their_optional_fields():
    mounts = parse_mountinfo(MOUNTINFO + "garbage line\n")
    assert len(mounts) == 9
    assert mounts[-1] == Mount("/media/usb", "vfat", "/dev/sdb1")
    assert mounts[5] == Mount("/home/dana/remote box", "fuse.sshfs", "dana@box:/srv")


def test_macos_mount_output():
    mounts = parse_bsd_mount(MACOS_MOUNT)
    assert mount_of("/Volumes/Team/deal.caucus", mounts).fstype == "smbfs"
    assert mount_of("/Volumes/caucus/x.caucus", mounts).fstype == "nfs"
    assert mount_of("/Users/dana/deal.caucus", mounts).fstype == "apfs"


@pytest.mark.parametrize("fstype", ["nfs", "NFS4", "cifs", "smb3", "fuse.sshfs", "sshfs",
                                    "fuse.rclone", "9p"])
def test_network_types(fstype):
    assert netfs.is_network(fstype)


@pytest.mark.parametrize("fstype", ["ext4", "xfs", "btrfs", "apfs", "tmpfs", "overlay",
                                    "fuse.portal", "vfat"])
def test_local_types(fstype):
    assert not netfs.is_network(fstype)


def test_a_local_temporary_folder_is_not_a_network_share(tmp_path):
    assert netfs.network_filesystem(tmp_path / "w.caucus") is None  # not made yet: its folder
    (tmp_path / "w.caucus").write_bytes(b"")
    assert netfs.network_filesystem(tmp_path / "w.caucus") is None
    netfs.refuse_network(tmp_path / "w.caucus")


def test_a_share_is_refused_with_the_way_out(monkeypatch, tmp_path):
    table = [Mount("/", "ext4", "/dev/sda1"), Mount(str(tmp_path), "cifs", "//nas/team")]
    monkeypatch.setattr(netfs, "_mount_table", lambda: table)
    with pytest.raises(NetworkFilesystem) as refused:
        netfs.refuse_network(tmp_path / "team.caucus")
    message = str(refused.value)
    assert "network filesystem (cifs)" in message and "postgresql://" in message
    assert str(tmp_path / "team.caucus") in message
