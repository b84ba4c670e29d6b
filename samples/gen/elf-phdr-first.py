#!/usr/bin/env python3
"""Rewrite QEMU's ELF vmcore so that the program headers directly follow the
ELF header (makedumpfile 1.7.2 refuses QEMU's layout, which puts a section
header there). Segments and notes are copied unchanged; offsets are adjusted.

usage: elf-phdr-first.py IN OUT
"""
import shutil, struct, sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        eh = bytearray(f.read(64))
        assert eh[:4] == b"\x7fELF" and eh[4] == 2, "not ELF64"
        phoff, shoff = struct.unpack_from("<QQ", eh, 0x20)
        phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", eh, 0x36)
        if phnum == 0xFFFF:
            # PN_XNUM: real count in section 0's sh_info
            f.seek(shoff)
            sh0 = f.read(shentsize)
            phnum = struct.unpack_from("<I", sh0, 0x2C)[0]
        f.seek(phoff)
        phs = [bytearray(f.read(phentsize)) for _ in range(phnum)]
        offs = [struct.unpack_from("<Q", p, 8)[0] for p in phs]
        filesz = [struct.unpack_from("<Q", p, 0x20)[0] for p in phs]
        start = min(o for o, s in zip(offs, filesz) if s)
        newstart = 64 + phentsize * phnum
        # keep page alignment of the copied data irrelevant: offsets are exact
        delta = newstart - start
        for p, o in zip(phs, offs):
            struct.pack_into("<Q", p, 8, o + delta if o >= start else o)
        struct.pack_into("<Q", eh, 0x20, 64)
        struct.pack_into("<Q", eh, 0x28, 0)
        struct.pack_into("<HHHHH", eh, 0x36, phentsize, min(phnum, 0xFFFF), 0, 0, 0)
        if phnum >= 0xFFFF:
            raise SystemExit("too many program headers for this simple rewrite")
        with open(dst, "wb") as o:
            o.write(eh)
            for p in phs:
                o.write(p)
            f.seek(start)
            shutil.copyfileobj(f, o, 1 << 22)


if __name__ == "__main__":
    main()
