#!/usr/bin/env python3
"""Regenerate kdlview's sample dumps: `make samples-regen` runs this.

For each variant: build the kernel (build-kernel.sh), the scenario module and
the user program, pack an initramfs, boot it under QEMU, wait for the guest's
marker, dump with QEMU's dump-guest-memory, post-process the dump with
makedumpfile, record the truth (console log, crash, drgn) and distill
expected.json. Paths are computed from this file's location; work files go to
build/gen (KDL_GEN_WORK). Idempotent: every step is redone from its inputs.

Each variant is built with its own suite's toolchain (variants.py, suite.py):
bookworm's on the host, bullseye's and trixie's in debootstrap chroots cached
under $KDL_CACHE (/var/cache/kdlview). Default: the committed variants; the
next revision's are named with --variant (see README "Next revision").

usage: generate.py [--variant V ...] [--only STEP ...]
steps: build, dumps, truth, distill
"""
import argparse, json, os, shutil, subprocess, sys, time

import suite
from variants import VARIANTS as TABLE, COMMITTED

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)
ROOT = os.path.dirname(SAMPLES)
WORK = os.environ.get("KDL_GEN_WORK", os.path.join(ROOT, "build", "gen"))
# Where each variant's folder goes: samples/ itself, or (to try a variant
# without touching the clone) any other directory.
DEST = os.environ.get("KDL_GEN_DEST", SAMPLES)
VARIANTS = list(TABLE)
SYS_PY = "/usr/bin/python3"          # Debian's python3 has the drgn module

PACKAGES = ["linux-source-6.1", "linux-source-6.12", "qemu-system-x86", "busybox-static",
            "makedumpfile", "crash", "python3-drgn", "build-essential", "flex", "bison",
            "bc", "libssl-dev", "libelf-dev", "cpio", "kmod", "dwarves", "xz-utils", "gzip",
            "binutils"]
NEEDED = {"/usr/bin/qemu-system-x86_64": "qemu-system-x86",
          "/bin/busybox": "busybox-static",
          "/usr/bin/makedumpfile": "makedumpfile",
          "/usr/bin/crash": "crash",
          "/usr/bin/flex": "flex", "/usr/bin/bison": "bison", "/usr/bin/bc": "bc",
          "/usr/bin/cpio": "cpio", "/usr/bin/pahole": "dwarves",
          "/usr/include/openssl/ssl.h": "libssl-dev", "/usr/include/libelf.h": "libelf-dev"}


def log(*a):
    print("[gen %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def run(argv, **kw):
    log("+", " ".join(argv) if isinstance(argv, list) else argv)
    return subprocess.run(argv, check=True, **kw)


def ensure_packages(variants):
    need = dict(NEEDED)
    for v in variants:          # the host's own kernel sources (others: suite.fetch_deb)
        if TABLE[v]["src"][1] is None:
            need["/usr/src/linux-source-%s.tar.xz" % TABLE[v]["ver"]] = "linux-source-" + TABLE[v]["ver"]
    missing = sorted({pkg for path, pkg in need.items() if not os.path.exists(path)})
    try:
        subprocess.run([SYS_PY, "-c", "import drgn"], check=True, capture_output=True)
    except Exception:
        missing.append("python3-drgn")
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit("missing packages (install as root): " + " ".join(missing))
    run(["apt-get", "update"])
    run(["apt-get", "install", "-y", "--no-install-recommends"] + missing,
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def paths(v):
    return {
        "out": os.path.join(WORK, "out-" + v),
        "mod": os.path.join(WORK, "mod-" + v),
        "run": os.path.join(WORK, "run-" + v),
        "dst": os.path.join(DEST, v),
    }


def source_tarball(v):
    """linux-source-VER.tar.xz of V: the host's package, or one fetched with a
    private apt state into $KDL_CACHE/src/PKG (nothing installed on the host)."""
    t = TABLE[v]
    suites, pkg = t["src"]
    if pkg is None:
        return "/usr/src/linux-source-%s.tar.xz" % t["ver"]
    d = suite.fetch_deb(suites, pkg, os.path.join(suite.CACHE, "src", pkg))
    return os.path.join(d, "usr/src", pkg + ".tar.xz")


def in_suite(v, argv):
    """Run ARGV with V's toolchain: on the host, or in its suite's chroot with the
    generator, the work tree and the fetched sources bound at their own paths."""
    t = TABLE[v]
    suite.ensure_chroot(t["suite"])
    binds = [HERE, WORK, os.path.join(suite.CACHE, "src")]
    os.makedirs(binds[-1], exist_ok=True)
    suite.chroot_run(t["suite"], argv, binds=binds, cwd=HERE)


def build(v):
    p = paths(v)
    t = TABLE[v]
    os.makedirs(WORK, exist_ok=True)
    t0 = time.time()
    in_suite(v, ["env", "KDL_GEN_WORK=" + WORK, "KDL_SRC_VER=" + t["ver"],
                 "KDL_SRC_TARBALL=" + source_tarball(v),
                 os.path.join(HERE, "build-kernel.sh"), v] + t["frags"])
    log("kernel %s: %.0f s" % (v, time.time() - t0))
    os.makedirs(p["mod"], exist_ok=True)
    for f in ("kdl_scen.c", "Kbuild"):
        shutil.copy(os.path.join(HERE, "module", f), p["mod"])
    in_suite(v, ["make", "-s", "-C", p["out"], "M=" + p["mod"], "modules"])
    user = os.path.join(WORK, "kdl_user")
    run(["gcc", "-static", "-O2", "-g", "-pthread", "-Wall", "-o", user,
         os.path.join(HERE, "user", "kdl_user.c")])
    # initramfs
    root = os.path.join(p["run"], "initramfs")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "bin"))
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    shutil.copy(os.path.join(HERE, "init.sh"), os.path.join(root, "init"))
    os.chmod(os.path.join(root, "init"), 0o755)
    shutil.copy(os.path.join(p["mod"], "kdl_scen.ko"), root)
    shutil.copy(user, root)
    cpio = os.path.join(p["run"], "initramfs.cpio.gz")
    run("cd %s && find . | sort | cpio -o -H newc --quiet | gzip -9 > %s" % (root, cpio), shell=True)


def boot(v, name, no_vmcoreinfo=False, formats=("kdump-zlib", "elf")):
    p = paths(v)
    os.makedirs(p["run"], exist_ok=True)
    argv = [sys.executable, os.path.join(HERE, "qemu-dump.py"),
            "--kernel", os.path.join(p["out"], "arch/x86/boot/bzImage"),
            "--initrd", os.path.join(p["run"], "initramfs.cpio.gz"),
            "--console", os.path.join(p["run"], name + ".console.log"), "--timeout", "900"]
    if "kdump-zlib" in formats:
        argv += ["--kdump-zlib", os.path.join(p["run"], name + ".qemu-kdump")]
    if "elf" in formats:
        argv += ["--elf", os.path.join(p["run"], name + ".elf")]
    if no_vmcoreinfo:
        argv.append("--no-vmcoreinfo")
    run(argv)
    con = open(os.path.join(p["run"], name + ".console.log"), "rb").read().decode("utf-8", "replace")
    if "KDL-WARN" in con or "KDL-INIT timeout" in con:
        log("WARNING: %s/%s: some scenario did not reach its state (see console log)" % (v, name))


def xz(src, dst):
    run("xz -T2 -9 -c %s > %s.tmp && mv %s.tmp %s" % (src, dst, dst, dst), shell=True)


def count_tasks(v, core, vmlinux):
    """Tasks of CORE by list and by pid IDR (count-tasks.py, the peers' drgn)."""
    argv = ["/usr/bin/python3", os.path.join(HERE, "count-tasks.py"), core, vmlinux]
    peers = TABLE[v]["peers"]
    if peers == suite.HOST_SUITE:
        r = subprocess.run(argv, check=True, capture_output=True, text=True)
    else:
        suite.ensure_chroot(peers)
        binds = [HERE, os.path.dirname(os.path.abspath(core)), os.path.dirname(os.path.abspath(vmlinux))]
        r = suite.chroot_run(peers, argv, binds=sorted(set(binds)), capture_output=True, text=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def makedumpfile_from_elf(v, elf, out, vmlinux):
    """makedumpfile -c -d LEVEL (the variant's level) of QEMU's ELF dump, then
    check that the filtered dump still holds every task of the unfiltered one
    (by task list and by pid IDR), and record the level beside it."""
    level = str(TABLE[v]["dump_level"])
    fixed = elf + ".phdr-first"
    run([sys.executable, os.path.join(HERE, "elf-phdr-first.py"), elf, fixed])
    if os.path.exists(out):
        os.unlink(out)
    run(["makedumpfile", "-c", "-d", level, fixed, out], stdout=subprocess.DEVNULL)
    # The reference: the same ELF unfiltered (-d 0) in kdump form, which drgn reads
    # through libkdumpfile with its VMCOREINFO (drgn cannot translate QEMU's ELF).
    full_kdump = elf + ".d0.kdump"
    if os.path.exists(full_kdump):
        os.unlink(full_kdump)
    run(["makedumpfile", "-c", "-d", "0", fixed, full_kdump], stdout=subprocess.DEVNULL)
    full, filt = count_tasks(v, full_kdump, vmlinux), count_tasks(v, out, vmlinux)
    os.unlink(fixed)
    os.unlink(full_kdump)
    log("tasks (list, pid IDR): unfiltered %s/%s, -d %s %s/%s" % (
        full["list"], full["idr"], level, filt["list"], filt["idr"]))
    if full["errors"] or full["list"] != full["idr"]:
        sys.exit("%s: the unfiltered dump's task counts disagree: %s" % (v, full))
    if filt["errors"] or (filt["list"], filt["idr"]) != (full["list"], full["idr"]):
        sys.exit("%s: makedumpfile -d %s lost tasks (%s, unfiltered %s): lower the level in "
                 "variants.py" % (v, level, filt, full))
    with open(out + ".filter.json", "w") as f:
        json.dump({"makedumpfile_d": int(level), "tasks_list": filt["list"],
                   "tasks_pid_idr": filt["idr"]}, f)
        f.write("\n")


def dumps(v):
    """Boot(s) and the dump files in samples/V."""
    p = paths(v)
    os.makedirs(os.path.join(p["dst"], "truth"), exist_ok=True)
    boot(v, "main")
    r = p["run"]
    # vmlinux without .rela.debug_* (useless in an ET_EXEC, ~60 MB)
    vml = os.path.join(r, "vmlinux")
    run(["objcopy", "--remove-section=.rela.debug_*", os.path.join(p["out"], "vmlinux"), vml])
    makedumpfile_from_elf(v, os.path.join(r, "main.elf"), os.path.join(r, "vmcore.kdump"), vml)
    shutil.copy(os.path.join(r, "vmcore.kdump"), os.path.join(p["dst"], "vmcore.kdump"))
    shutil.copy(os.path.join(r, "main.console.log"), os.path.join(p["dst"], "truth", "console.log"))
    if v == "6.1-orc":
        shutil.copy(os.path.join(r, "main.qemu-kdump"), os.path.join(p["dst"], "vmcore.qemu-kdump"))
        xz(os.path.join(r, "main.elf"), os.path.join(p["dst"], "vmcore.elf.xz"))
        boot(v, "novmcoreinfo", no_vmcoreinfo=True, formats=("elf",))
        xz(os.path.join(r, "novmcoreinfo.elf"), os.path.join(p["dst"], "vmcore-novmcoreinfo.elf.xz"))
        shutil.copy(os.path.join(r, "novmcoreinfo.console.log"),
                    os.path.join(p["dst"], "truth", "console-novmcoreinfo.log"))
    xz(vml, os.path.join(p["dst"], "vmlinux.xz"))
    shutil.copy(os.path.join(p["mod"], "kdl_scen.ko"), p["dst"])
    for f in os.listdir(p["dst"]):
        if os.path.isfile(os.path.join(p["dst"], f)):
            os.chmod(os.path.join(p["dst"], f), 0o644)


def truth(v):
    p = paths(v)
    r = p["run"]
    vml = os.path.join(r, "vmlinux")
    ko = os.path.join(p["dst"], "kdl_scen.ko")
    core = os.path.join(p["dst"], "vmcore.kdump")
    tdir = os.path.join(p["dst"], "truth")
    man = os.path.join(tdir, "console.log")
    argv = [SYS_PY, os.path.join(HERE, "truth-drgn.py"), core, vml, ko, man,
            os.path.join(tdir, "drgn.txt")]
    if TABLE[v]["peers"] == suite.HOST_SUITE:
        run(argv)
    else:                               # the peers' drgn (trixie: 0.0.31)
        suite.ensure_chroot(TABLE[v]["peers"])
        suite.chroot_run(TABLE[v]["peers"], argv, binds=sorted({HERE, WORK, p["dst"]}))
    if TABLE[v]["crash"].startswith("8.0.2"):   # host crash 8.0.2: 6.1 only
        run([SYS_PY, os.path.join(HERE, "truth-crash.py"), core, vml, ko, man, tdir])
    elif TABLE[v]["crash"]:
        log("%s: crash %s truth not written yet (README: Next revision, step 3)" % (v, TABLE[v]["crash"]))


def distill(v):
    p = paths(v)
    run([sys.executable, os.path.join(HERE, "distill.py"), p["dst"]])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", action="append", choices=VARIANTS,
                    help="default: the committed ones (%s)" % ", ".join(COMMITTED))
    ap.add_argument("--only", action="append", choices=["build", "dumps", "truth", "distill"])
    a = ap.parse_args()
    steps = a.only or ["build", "dumps", "truth", "distill"]
    variants = a.variant or COMMITTED
    ensure_packages(variants)
    for v in variants:
        for s in steps:
            log("==", v, s)
            globals()[s](v)
    if DEST == SAMPLES:
        run([sys.executable, os.path.join(HERE, "readme-tables.py")])
    log("done")


if __name__ == "__main__":
    main()
