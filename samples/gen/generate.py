#!/usr/bin/env python3
"""Regenerate kdlview's sample dumps: `make samples-regen` runs this.

For each variant: build the kernel (build-kernel.sh), the scenario module and
the user program, pack an initramfs, boot it under QEMU, wait for the guest's
marker, dump with QEMU's dump-guest-memory, post-process the dump with
makedumpfile, record the truth (console log, crash, drgn) and distill
expected.json. Paths are computed from this file's location; work files go to
build/gen (KDL_GEN_WORK). Idempotent: every step is redone from its inputs.

usage: generate.py [--variant V ...] [--no-build] [--only STEP ...]
steps: build, boot, dumps, truth, distill
"""
import argparse, os, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)
ROOT = os.path.dirname(SAMPLES)
WORK = os.environ.get("KDL_GEN_WORK", os.path.join(ROOT, "build", "gen"))
VARIANTS = ["6.1-orc", "6.1-fp", "6.12-lockdep", "6.12-rt"]
SYS_PY = "/usr/bin/python3"          # Debian's python3 has the drgn module

PACKAGES = ["linux-source-6.1", "linux-source-6.12", "qemu-system-x86", "busybox-static",
            "makedumpfile", "crash", "python3-drgn", "build-essential", "flex", "bison",
            "bc", "libssl-dev", "libelf-dev", "cpio", "kmod", "dwarves", "xz-utils", "gzip",
            "binutils"]
NEEDED = {"/usr/src/linux-source-6.1.tar.xz": "linux-source-6.1",
          "/usr/src/linux-source-6.12.tar.xz": "linux-source-6.12",
          "/usr/bin/qemu-system-x86_64": "qemu-system-x86",
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


def ensure_packages():
    missing = sorted({pkg for path, pkg in NEEDED.items() if not os.path.exists(path)})
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
        "dst": os.path.join(SAMPLES, v),
    }


def build(v):
    p = paths(v)
    run([os.path.join(HERE, "build-kernel.sh"), v])
    os.makedirs(p["mod"], exist_ok=True)
    for f in ("kdl_scen.c", "Kbuild"):
        shutil.copy(os.path.join(HERE, "module", f), p["mod"])
    run(["make", "-s", "-C", p["out"], "M=" + p["mod"], "modules"])
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


def makedumpfile_from_elf(elf, out):
    fixed = elf + ".phdr-first"
    run([sys.executable, os.path.join(HERE, "elf-phdr-first.py"), elf, fixed])
    if os.path.exists(out):
        os.unlink(out)
    run(["makedumpfile", "-c", "-d", "31", fixed, out], stdout=subprocess.DEVNULL)
    os.unlink(fixed)


def dumps(v):
    """Boot(s) and the dump files in samples/V."""
    p = paths(v)
    os.makedirs(os.path.join(p["dst"], "truth"), exist_ok=True)
    boot(v, "main")
    r = p["run"]
    makedumpfile_from_elf(os.path.join(r, "main.elf"), os.path.join(p["dst"], "vmcore.kdump"))
    shutil.copy(os.path.join(r, "main.console.log"), os.path.join(p["dst"], "truth", "console.log"))
    if v == "6.1-orc":
        shutil.copy(os.path.join(r, "main.qemu-kdump"), os.path.join(p["dst"], "vmcore.qemu-kdump"))
        xz(os.path.join(r, "main.elf"), os.path.join(p["dst"], "vmcore.elf.xz"))
        boot(v, "novmcoreinfo", no_vmcoreinfo=True, formats=("elf",))
        xz(os.path.join(r, "novmcoreinfo.elf"), os.path.join(p["dst"], "vmcore-novmcoreinfo.elf.xz"))
        shutil.copy(os.path.join(r, "novmcoreinfo.console.log"),
                    os.path.join(p["dst"], "truth", "console-novmcoreinfo.log"))
    # vmlinux without .rela.debug_* (useless in an ET_EXEC, ~60 MB), then xz
    vml = os.path.join(r, "vmlinux")
    run(["objcopy", "--remove-section=.rela.debug_*", os.path.join(p["out"], "vmlinux"), vml])
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
    run([SYS_PY, os.path.join(HERE, "truth-drgn.py"), core, vml, ko, man,
         os.path.join(tdir, "drgn.txt")])
    if v.split("-")[0] == "6.1":        # crash 8.0.2 cannot read 6.12
        run([SYS_PY, os.path.join(HERE, "truth-crash.py"), core, vml, ko, man, tdir])


def distill(v):
    p = paths(v)
    run([sys.executable, os.path.join(HERE, "distill.py"), p["dst"]])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", action="append", choices=VARIANTS)
    ap.add_argument("--only", action="append", choices=["build", "dumps", "truth", "distill"])
    a = ap.parse_args()
    steps = a.only or ["build", "dumps", "truth", "distill"]
    ensure_packages()
    for v in a.variant or VARIANTS:
        for s in steps:
            log("==", v, s)
            globals()[s](v)
    run([sys.executable, os.path.join(HERE, "readme-tables.py")])
    log("done")


if __name__ == "__main__":
    main()
