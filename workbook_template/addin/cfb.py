"""A minimal writer for Compound File Binary (MS-CFB) version 3 files.

Enough for ``vbaProject.bin``: storages and streams, 512-byte sectors, a mini stream for streams
under 4096 bytes, no DIFAT sectors (so at most 109 FAT sectors, about 6.8 MB), zeroed CLSIDs and
timestamps (the output depends only on the input). Reading is left to ``olefile``.

Each storage's children form a red-black tree ordered as MS-CFB 2.6.4 prescribes (shorter name
first, then code-unit-wise comparison of the upper-cased names). We build a balanced tree from the
sorted names and colour only its deepest level red, which satisfies the red-black rules.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

__all__ = ["write_cfb", "CfbError"]

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_MAX_FAT_SECTORS = 109  # all listed in the header's DIFAT array
_EMPTY, _STORAGE, _STREAM, _ROOT = 0, 1, 2, 5
_RED, _BLACK = 0, 1


class CfbError(ValueError):
    pass


class _Node:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Node] = {}
        self.sid = 0
        self.left = self.right = self.child = NOSTREAM
        self.color = _BLACK
        self.start = 0
        self.size = 0


def _sort_key(name: str) -> tuple[int, list[int]]:
    units = name.upper().encode("utf-16-le")
    return len(name.encode("utf-16-le")), list(struct.unpack(f"<{len(units) // 2}H", units))


def _build_tree(nodes: list[_Node]) -> int:
    """Link ``nodes`` (one storage's children) into a red-black tree; return the root's id."""
    ordered = sorted(nodes, key=lambda n: _sort_key(n.name))
    depth_of: dict[int, int] = {}

    def link(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depth_of[id(node)] = depth
        node.left = link(lo, mid, depth + 1)
        node.right = link(mid + 1, hi, depth + 1)
        return node.sid

    root = link(0, len(ordered), 0)
    deepest = max(depth_of.values(), default=0)
    for node in ordered:
        node.color = _RED if deepest > 0 and depth_of[id(node)] == deepest else _BLACK
    return root


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i + 1 < count else ENDOFCHAIN


def write_cfb(streams: Mapping[str, bytes]) -> bytes:
    """Return a compound file holding ``streams`` ({"VBA/dir": b"...", "PROJECT": b"..."})."""
    root = _Node("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        parent = root
        for part in parts[:-1]:
            child = parent.children.setdefault(part, _Node(part, _STORAGE))
            if child.kind != _STORAGE:
                raise CfbError(f"{path!r}: {part!r} is a stream, not a storage")
            parent = child
        if parts[-1] in parent.children:
            raise CfbError(f"duplicate entry {path!r}")
        parent.children[parts[-1]] = _Node(parts[-1], _STREAM, bytes(data))

    entries: list[_Node] = []

    def number(node: _Node) -> None:  # breadth per storage, deterministic
        node.sid = len(entries)
        entries.append(node)
        for name in sorted(node.children):
            number(node.children[name])

    number(root)
    for node in entries:
        name_bytes = len(node.name.encode("utf-16-le"))
        if not node.name or name_bytes > 62 or any(c in node.name for c in "/\\:!"):
            raise CfbError(f"invalid compound-file entry name {node.name!r}")
        if node.children:
            node.child = _build_tree(list(node.children.values()))

    # mini stream: streams under the cutoff, each rounded up to 64 bytes
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Node] = []
    for node in entries:
        if node.kind != _STREAM:
            continue
        node.size = len(node.data)
        if node.size == 0:
            node.start = ENDOFCHAIN
        elif node.size < MINI_CUTOFF:
            count = -(-node.size // MINI_SECTOR)
            node.start = len(minifat)
            minifat.extend([0] * count)
            _chain(minifat, node.start, count)
            mini += node.data + b"\0" * (count * MINI_SECTOR - node.size)
        else:
            big.append(node)
    root.size = len(mini)

    def sectors(n_bytes: int) -> int:
        return -(-n_bytes // SECTOR)

    n_dir = sectors(len(entries) * 128)
    n_minifat = sectors(len(minifat) * 4)
    n_mini = sectors(len(mini))
    n_big = sum(sectors(n.size) for n in big)
    others = n_dir + n_minifat + n_mini + n_big
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + others:
        n_fat += 1
    if n_fat > _MAX_FAT_SECTORS:
        raise CfbError("compound file too large for a writer without DIFAT sectors")

    fat = [FREESECT] * (n_fat * (SECTOR // 4))
    for i in range(n_fat):
        fat[i] = FATSECT
    cursor = n_fat

    def place(count: int) -> int:
        nonlocal cursor
        if count == 0:
            return ENDOFCHAIN
        first = cursor
        _chain(fat, first, count)
        cursor += count
        return first

    dir_start = place(n_dir)
    minifat_start = place(n_minifat)
    root.start = place(n_mini)
    for node in big:
        node.start = place(sectors(node.size))

    def pad(blob: bytes | bytearray) -> bytes:
        return bytes(blob) + b"\0" * (-len(blob) % SECTOR)

    directory = bytearray()
    for node in entries:
        encoded = node.name.encode("utf-16-le") + b"\0\0"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded, len(encoded), node.kind, node.color, node.left, node.right, node.child,
            b"\0" * 16, 0, 0, 0, node.start if node.kind != _STORAGE else 0, node.size,
        )
    while len(directory) % SECTOR:
        directory += struct.pack("<64sHBBIII16sIQQIQ", b"", 0, _EMPTY, _RED,
                                 NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0)

    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_bytes += struct.pack("<I", FREESECT) * ((-len(minifat_bytes) % SECTOR) // 4)

    difat = list(range(n_fat)) + [FREESECT] * (_MAX_FAT_SECTORS - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, dir_start, 0, MINI_CUTOFF,
        minifat_start if n_minifat else ENDOFCHAIN, n_minifat, ENDOFCHAIN, 0,
    ) + struct.pack(f"<{_MAX_FAT_SECTORS}I", *difat)
    assert len(header) == SECTOR

    body = [struct.pack(f"<{len(fat)}I", *fat), bytes(directory), minifat_bytes, pad(mini)]
    body += [pad(node.data) for node in big]
    out = header + b"".join(body)
    assert len(out) == SECTOR * (1 + n_fat + others)
    return out
