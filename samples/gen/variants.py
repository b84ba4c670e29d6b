"""The sample variants: what each kernel is built from, with which toolchain,
with which config fragments, and how its dump is filtered. Read by
generate.py and readme-tables.py; README.md ("Kernel variants", "Next
revision") explains the choices.

Fields:
  ver        kernel version (the build's source tree is src-VER)
  src        (apt suites, package) of linux-source-VER; the host's own bookworm
             packages come from its apt sources, any other suite through a
             private apt state (suite.fetch_deb)
  suite      whose toolchain builds kernel and module (suite.SUITES): bookworm
             is the host, others a debootstrap chroot
  frags      config/*.frag applied after base.frag, in order
  dump_level makedumpfile -d level of vmcore.kdump; generate.py checks that the
             filtered dump still holds every task (count-tasks.py)
  peers      suite whose drgn (and crash) give the peer truth
  crash      crash can read this kernel ("" = no crash truth), with its options
  rt         PREEMPT_RT (no CPU-wedging scenarios)
  state      "committed": binaries in samples/V (never regenerated in place when
             fuzz inputs depend on them: 6.1-orc); "next": planned for the next
             samples revision (README "Next revision"), not committed yet
"""

BOOKWORM = (["bookworm"], None)        # the host's own linux-source-VER package


def _v(ver, src, suite, frags, dump_level, peers, crash, rt=False, state="next"):
    return dict(ver=ver, src=src, suite=suite, frags=frags, dump_level=dump_level,
                peers=peers, crash=crash, rt=rt, state=state)


VARIANTS = {
    # today's variants (gcc-12, pahole 1.24, makedumpfile 1.7.2, drgn 0.0.22, crash 8.0.2)
    "6.1-orc": _v("6.1", BOOKWORM, "bookworm", ["6.1-orc"], 31, "bookworm", "8.0.2+fix802",
                  state="committed"),
    "6.1-fp": _v("6.1", BOOKWORM, "bookworm", ["6.1-fp"], 31, "bookworm", "8.0.2+fix802",
                 state="committed"),
    "6.12-lockdep": _v("6.12", BOOKWORM, "bookworm", ["6.12-lockdep"], 31, "bookworm", "",
                       state="committed"),
    "6.12-rt": _v("6.12", BOOKWORM, "bookworm", ["6.12-rt"], 31, "bookworm", "", rt=True,
                  state="committed"),
    # next revision (issues 11, 12, 13, 14): every new variant carries BTF
    "6.1-btf": _v("6.1", BOOKWORM, "bookworm", ["6.1-orc", "btf"], 31, "trixie", "8.0.6"),
    "6.12-btf": _v("6.12", BOOKWORM, "bookworm", ["6.12-orc", "btf"], 31, "trixie", "8.0.6"),
    "5.10-orc": _v("5.10", (["bullseye"], "linux-source-5.10"), "bullseye",
                   ["5.10-orc", "btf"], 31, "trixie", "8.0.6"),
    # -d 23 keeps user pages: -d 31 lost the pid IDR of 7.3 (makedumpfile 1.7.2 and 1.7.6)
    "7.3-orc": _v("7.3", (["trixie-backports"], "linux-source-7.3"), "trixie",
                  ["7.3-orc", "btf"], 23, "trixie", "8.0.6 --no_kmem_cache --no_modules"),
    "7.3-rt": _v("7.3", (["trixie-backports"], "linux-source-7.3"), "trixie",
                 ["7.3-rt", "btf"], 23, "trixie", "8.0.6 --no_kmem_cache --no_modules", rt=True),
}
ORDER = list(VARIANTS)
COMMITTED = [v for v in ORDER if VARIANTS[v]["state"] == "committed"]
