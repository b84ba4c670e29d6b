#!/usr/bin/env python3
"""Boot a sample kernel under QEMU (TCG, 4 vCPUs, 256 MB), record the serial
console, wait for the guest's marker line, stop the VM and dump its memory with
QEMU's own `dump-guest-memory` (QMP), in one or more formats, then quit.

usage: qemu-dump.py --kernel BZIMAGE --initrd CPIO.GZ --console LOG
                    [--append EXTRA] [--kdump-zlib FILE] [--elf FILE]
                    [--no-vmcoreinfo] [--marker TEXT] [--timeout SEC]
"""
import argparse, json, os, socket, subprocess, sys, tempfile, time


def qmp_connect(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


class QMP:
    def __init__(self, sock):
        self.f = sock.makefile("rw")
        json.loads(self.f.readline())          # greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                raise RuntimeError("QMP closed during " + name)
            r = json.loads(line)
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError(f"QMP {name}: {r['error']}")
            # events are ignored


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--console", required=True)
    ap.add_argument("--append", default="")
    ap.add_argument("--kdump-zlib")
    ap.add_argument("--elf")
    ap.add_argument("--no-vmcoreinfo", action="store_true")
    ap.add_argument("--marker", default="KDL-DUMP-NOW")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--mem", default="256")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="kdlqmp")
    qsock = os.path.join(tmp, "qmp.sock")
    cmdline = ("console=ttyS0 panic_on_oops=0 loglevel=8 log_buf_len=1M "
               "watchdog_thresh=4 rcupdate.rcu_cpu_stall_timeout=10 "
               + a.append).strip()
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max,la57=off",
            "-smp", "4", "-m", a.mem, "-display", "none", "-no-reboot",
            "-monitor", "none", "-nodefaults",
            "-serial", "file:" + a.console,
            "-qmp", f"unix:{qsock},server=on,wait=off",
            "-kernel", a.kernel, "-initrd", a.initrd, "-append", cmdline]
    if not a.no_vmcoreinfo:
        argv += ["-device", "vmcoreinfo"]
    if os.path.exists(a.console):
        os.unlink(a.console)
    print("+", " ".join(argv), file=sys.stderr)
    q = subprocess.Popen(argv)
    deadline = time.time() + a.timeout
    try:
        qmp = QMP(qmp_connect(qsock, time.time() + 30))
        seen = False
        while time.time() < deadline and q.poll() is None:
            try:
                with open(a.console, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                data = b""
            if a.marker.encode() in data:
                seen = True
                break
            time.sleep(0.5)
        if not seen:
            raise SystemExit(f"marker {a.marker!r} not seen (qemu rc={q.poll()})")
        time.sleep(1.0)                 # let the console drain
        qmp.cmd("stop")
        for fmt, path in (("kdump-zlib", a.kdump_zlib), ("elf", a.elf)):
            if not path:
                continue
            if os.path.exists(path):
                os.unlink(path)
            t0 = time.time()
            qmp.cmd("dump-guest-memory", paging=False, protocol="file:" + os.path.abspath(path),
                    format=fmt)
            print(f"dumped {fmt} -> {path} ({os.path.getsize(path)} bytes, "
                  f"{time.time() - t0:.1f}s)", file=sys.stderr)
        try:
            qmp.cmd("quit")
        except Exception:
            pass
        q.wait(timeout=30)
    finally:
        if q.poll() is None:
            q.kill()
            q.wait()
        try:
            os.unlink(qsock)
            os.rmdir(tmp)
        except OSError:
            pass


if __name__ == "__main__":
    main()
