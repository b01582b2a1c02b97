"""MS-OVBA 2.4.1 compression: the "RLE" container used by every VBA project stream.

A CompressedContainer is a signature byte ``0x01`` followed by chunks. Each chunk holds up to
4096 decompressed bytes behind a 2-byte header: bits 0-11 are the chunk size minus 3, bits 12-14
the signature ``0b011`` and bit 15 says whether the chunk is compressed. A compressed chunk is a
series of token sequences: one flag byte, then eight tokens, each a literal byte (flag bit 0) or
a 2-byte copy token (flag bit 1) that packs an offset and a length. How many bits go to each
depends on how far into the chunk the decoder is (2.4.1.3.19.1 CopyToken Help).

The pitfall seen in the ``ms-ovba`` 0.0.1 package: the maximum length of a copy token is
``(0xFFFF >> bit_count) + 3``; writing ``0xFFFF << bit_count + 3`` lets the compressor emit
lengths the offset field overwrites, which corrupts any stream with long repeats (large modules
and the ``dir`` stream). ``_copy_token_help`` below is the single place that computes it.
"""

from __future__ import annotations

import struct

__all__ = ["compress", "decompress", "OvbaError"]

CHUNK_SIZE = 4096
_MIN_MATCH = 3
_MAX_CANDIDATES = 256  # how many earlier positions with the same 3-byte prefix are tried


class OvbaError(ValueError):
    """Corrupt compressed data, or data the format cannot represent faithfully."""


def _copy_token_help(position_in_chunk: int) -> tuple[int, int, int]:
    """Return (length_mask, bit_count, maximum_length) per MS-OVBA 2.4.1.3.19.1.

    ``position_in_chunk`` is DecompressedCurrent - DecompressedChunkStart (>= 1 when a copy
    token can occur).
    """
    bit_count = 4
    while (1 << bit_count) < position_in_chunk:
        bit_count += 1
    length_mask = 0xFFFF >> bit_count
    maximum_length = length_mask + 3
    return length_mask, bit_count, maximum_length


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """Compress data[start:end] (at most 4096 bytes) into compressed chunk *data* (no header)."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = start
    while pos < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len = 0
            best_off = 0
            offset_in_chunk = pos - start
            if offset_in_chunk > 0 and pos + _MIN_MATCH <= end:
                _mask, _bits, max_len = _copy_token_help(offset_in_chunk)
                limit = min(max_len, end - pos)
                key = data[pos:pos + _MIN_MATCH]
                candidates = heads.get(key, ())
                tried = 0
                for cand in reversed(candidates):
                    if tried >= _MAX_CANDIDATES:
                        break
                    tried += 1
                    length = _MIN_MATCH
                    while length < limit and data[cand + length] == data[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len = length
                        best_off = pos - cand
                        if length == limit:
                            break
            if best_len >= _MIN_MATCH:
                _mask, bit_count, _max = _copy_token_help(offset_in_chunk)
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[pos])
                step = 1
            # index every position we pass, so later matches can start anywhere
            for p in range(pos, min(pos + step, end - _MIN_MATCH + 1)):
                heads.setdefault(data[p:p + _MIN_MATCH], []).append(p)
            pos += step
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an MS-OVBA CompressedContainer.

    A chunk whose compressed form would exceed 4096 bytes is stored raw. The spec pads a raw
    chunk to 4096 bytes with zeros, which would append NUL bytes to the decompressed result if
    that chunk is the last, short one; rather than change the content we refuse it (VBA source
    text never comes close: it compresses well below that).
    """
    data = bytes(data)
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK_SIZE):
        end = min(start + CHUNK_SIZE, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) <= CHUNK_SIZE:
            header = 0x8000 | 0x3000 | ((len(body) + 2 - 3) & 0x0FFF)
            out += struct.pack("<H", header) + body
        elif end - start == CHUNK_SIZE:
            out += struct.pack("<H", 0x3000 | 0x0FFF) + data[start:end]
        else:
            raise OvbaError(
                f"final chunk of {end - start} bytes does not compress below 4096 bytes; "
                "storing it raw would pad the content with NUL bytes"
            )
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (2.4.1.3.1)."""
    container = bytes(container)
    if not container or container[0] != 0x01:
        raise OvbaError("not an MS-OVBA compressed container (signature byte is not 0x01)")
    out = bytearray()
    pos = 1
    n = len(container)
    while pos < n:
        if pos + 2 > n:
            raise OvbaError(f"truncated chunk header at offset {pos}")
        (header,) = struct.unpack_from("<H", container, pos)
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x7 != 0b011:
            raise OvbaError(f"bad chunk signature at offset {pos}")
        compressed = bool(header & 0x8000)
        chunk_end = min(pos + size, n)
        pos += 2
        chunk_start = len(out)
        if not compressed:
            if pos + CHUNK_SIZE > n:
                raise OvbaError(f"truncated raw chunk at offset {pos - 2}")
            out += container[pos:pos + CHUNK_SIZE]
            pos += CHUNK_SIZE
            continue
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(container[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise OvbaError(f"truncated copy token at offset {pos}")
                (token,) = struct.unpack_from("<H", container, pos)
                pos += 2
                length_mask, bit_count, _max = _copy_token_help(len(out) - chunk_start)
                length = (token & length_mask) + 3
                offset = (token >> (16 - bit_count)) + 1
                src = len(out) - offset
                if src < chunk_start:
                    raise OvbaError(f"copy token reaches before its chunk at offset {pos - 2}")
                if offset >= length:
                    out += out[src:src + length]
                else:  # overlapping copy: byte by byte
                    for i in range(length):
                        out.append(out[src + i])
        if len(out) - chunk_start > CHUNK_SIZE:
            raise OvbaError("a chunk decompressed to more than 4096 bytes")
    return bytes(out)
