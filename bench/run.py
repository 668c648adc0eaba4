#!/usr/bin/env python3
"""Measurement helpers for bench/compare.sh. Standard library only (the CI image has python3, nothing more).

  run.py race ROUNDS NAME CMD [NAME CMD ...]   run each command ROUNDS times, alternated (one of each per round,
                                               after one untimed warm-up each), stdout to a new file; print the
                                               median, min and max wall time, the median CPU time (user + system,
                                               every thread) and the peak resident memory of each, and its wall and
                                               CPU ratios to the first
  run.py tally-race ROUNDS BIN PARSE DIR [nojq] the side-by-side race of `BIN tally --format json DIR`, the bare
                                               parse (PARSE DIR), bench/tally_equiv.py (run with this interpreter)
                                               and bench/tally.jq (unless nojq), with the issues' targets checked
  run.py canon TALLY.json DIR                  innolab's tally JSON as the counts the jq and Python programs print
  run.py same A.json B.json ...                exit 1 unless every file holds the same JSON value
  run.py first-frame ROUNDS BIN FILE           spawn `BIN run FILE` in a 200x60 pseudo-terminal; time to the end of
                                               its first screen (the first burst of output)
  run.py idle SECONDS BIN FILE                 start the timer (key t), then the CPU the process uses over SECONDS
  run.py rss BIN FILE                          resident memory after the first frame and after capturing an idea
  run.py capture ROUNDS BIN FILE               capture ROUNDS ideas through the pty: Enter -> frame, and the CPU of
                                               the UI thread and of the other threads (the writer) per idea
  run.py attach-follow ROUNDS BIN FILE         the coach's screen: `BIN run FILE` (the wall, 200x60) and `BIN attach
                                               FILE` (80x24); ROUNDS times a key on the coach's screen (→, then ←)
                                               -> the frame on the wall that shows the block it moved to; the same
                                               key pressed on the wall itself, for comparison
  run.py room-load LOADER BIN FILE PHONES IDEAS  room mode under load: `BIN run FILE --room --bind 127.0.0.1:0`
                                               on its first idea-capturing block, LOADER (the room_load example)
                                               sends PHONES x IDEAS ideas over loopback; meanwhile a key every
                                               20 ms measures key -> frame on the wall; then the same traffic
                                               to a hello-world server of the same framework (LOADER --hello);
                                               after quitting, the saved submissions are counted (0 lost)
The TUI runs with LANG=C, TERM=xterm-256color and INNOLAB_NOW pinned unless the environment sets them."""

import fcntl
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

COLS, ROWS = 200, 60


def race(rounds, pairs):
    """Wall time, CPU time (user + system, all threads) and peak resident memory of each command, medians. The
    peak is never below this interpreter's own (about 16 MiB): the child starts as a fork of it."""
    names = [n for n, _ in pairs]
    argv = {n: shlex.split(c) for n, c in pairs}
    times = {n: [] for n in names}
    cpus = {n: [] for n in names}
    peaks = {n: [] for n in names}

    def run(n):
        # Output goes to a fresh file, as `innolab tally --format json sessions/ > rekap.json` does.
        with tempfile.TemporaryFile() as out:
            start = time.perf_counter()
            child = subprocess.Popen(argv[n], stdout=out)
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode != 0:
                raise SystemExit(f"{n} failed with {child.returncode}")
            return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

    for n in names:  # warm-up: page cache, binary loaded
        run(n)
    for r in range(rounds):
        order = names if r % 2 == 0 else list(reversed(names))
        for n in order:
            wall, cpu, peak = run(n)
            times[n].append(wall)
            cpus[n].append(cpu)
            peaks[n].append(peak)
    base = statistics.median(times[names[0]])
    base_cpu = statistics.median(cpus[names[0]])
    print(f"{'command':<28} {'median':>10} {'min':>10} {'max':>10} {'CPU':>10} {'peak RSS':>10}   "
          f"wall, CPU ratio to {names[0]}")
    for n in names:
        med, cpu = statistics.median(times[n]), statistics.median(cpus[n])
        print(f"{n:<28} {fmt(med):>10} {fmt(min(times[n])):>10} {fmt(max(times[n])):>10} {fmt(cpu):>10} "
              f"{max(peaks[n]):7.1f} MiB   {med / base:6.2f}x {cpu / base_cpu:6.2f}x")
    return {n: (statistics.median(times[n]), statistics.median(cpus[n]), max(peaks[n])) for n in names}


def tally_race(rounds, binary, parse_only, folder, with_jq=True):
    bench = os.path.dirname(os.path.abspath(__file__))
    files = " ".join(shlex.quote(os.path.join(folder, n)) for n in session_names(folder))
    python = shlex.quote(sys.executable)  # the interpreter itself, not a version manager's shim
    pairs = [
        ("innolab tally --format json", f"{shlex.quote(binary)} tally --format json {shlex.quote(folder)}"),
        ("serde_json parse, 1 core", f"{shlex.quote(parse_only)} {shlex.quote(folder)}"),
        ("python3 tally_equiv.py", f"{python} {shlex.quote(os.path.join(bench, 'tally_equiv.py'))} {shlex.quote(folder)}"),
    ]
    if with_jq:
        pairs.append(("jq -s tally.jq", f"jq -s -S -c -f {shlex.quote(os.path.join(bench, 'tally.jq'))} {files}"))
    medians = race(rounds, pairs)
    (ours, ours_cpu, ours_peak), (parse, _, _), (py, py_cpu, _) = list(medians.values())[:3]
    print()
    verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    if with_jq:
        jq, jq_cpu, _ = medians["jq -s tally.jq"]
        print(f"innolab vs jq:        {jq / ours:6.1f}x faster (wall), {jq_cpu / ours_cpu:6.1f}x (CPU)   "
              f"(target >= 20x CPU)  {verdict(jq_cpu / ours_cpu >= 20)}")
    print(f"innolab vs python:    {py / ours:6.1f}x faster (wall)   (target >= 4x)   {verdict(py / ours >= 4)}")
    print(f"                      {py_cpu / ours_cpu:6.1f}x less CPU        (target >= 3x)   "
          f"{verdict(py_cpu / ours_cpu >= 3)}")
    print(f"innolab / bare parse: {ours / parse:6.2f}x (wall)")
    print(f"innolab peak memory:  {ours_peak:6.1f} MiB            (target <= 64 MiB at 10,000 files)")


def fmt(secs):
    return f"{secs * 1000:.1f} ms" if secs < 10 else f"{secs:.2f} s"


def session_names(folder):
    return sorted(n for n in os.listdir(folder)
                  if n.endswith(".json") and not n.startswith(".") and not n.endswith(".tally.json")
                  and ".emergency-" not in n)


def canon(tally_path, folder):
    with open(tally_path, encoding="utf-8") as f:
        tally = json.load(f)
    position = {name: i for i, name in enumerate(session_names(folder))}
    by_group = {}
    for g in tally["by_group"]:
        if g["ideas"]:
            by_group[f"{position[g['session']]}|{g['group']}"] = g["ideas"]
    by_agency = {}
    for a in tally["by_agency"]:
        key = (a["agency"] or "").lower()
        by_agency[key] = by_agency.get(key, 0) + a["ideas"]
    counts = {"ideas": tally["ideas"], "flagship": tally["flagship"], "digital": tally["digital"],
              "by_stage": {k: v for k, v in tally["by_stage"].items() if v}, "by_group": by_group,
              "by_agency": by_agency}
    json.dump(counts, sys.stdout, sort_keys=True)
    print()


def same(paths):
    values = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            values.append(json.load(f))
    for p, v in zip(paths[1:], values[1:]):
        if v != values[0]:
            diff = [k for k in set(v) | set(values[0]) if v.get(k) != values[0].get(k)]
            print(f"{p} differs from {paths[0]} in {sorted(diff)}")
            return 1
    return 0


class Tui:
    """`BIN run FILE` in a pseudo-terminal of COLS x ROWS, with its output drained as it comes."""

    def __init__(self, binary, session_file, extra=(), size=(COLS, ROWS), command="run", env_extra=None):
        env = dict(os.environ)
        env.update(env_extra or {})
        env.setdefault("LANG", "C")
        env.setdefault("TERM", "xterm-256color")
        env.setdefault("INNOLAB_NOW", "2022-11-03T13:42:10+07:00")
        self.spawned_at = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            os.execve(binary, [binary, command, session_file, *extra], env)
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        self.last_byte_at = None

    def pump(self, seconds):
        """Reads whatever comes for `seconds`; returns True if anything did."""
        got = False
        end = time.perf_counter() + seconds
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                return got
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return got
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return got
            if not chunk:
                return got
            got = True
            self.output += chunk
            self.last_byte_at = time.perf_counter()

    def first_frame(self, quiet=0.05, limit=10.0):
        """Seconds from spawn to the last byte of the first burst of output (the first screen)."""
        deadline = time.perf_counter() + limit
        while not self.output and time.perf_counter() < deadline:
            self.pump(0.01)
        while time.perf_counter() < deadline and self.pump(quiet):
            pass
        text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", bytes(self.output)).decode("utf-8", "replace")
        if "Day" not in text:
            raise SystemExit(f"no agenda screen in the first output: {text[:300]!r}")
        return self.last_byte_at - self.spawned_at

    def send(self, keys):
        os.write(self.fd, keys)

    def cpu_ns(self):
        with open(f"/proc/{self.pid}/schedstat") as f:
            return int(f.read().split()[0])

    def cpu_ticks(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    def memory(self):
        found = {}
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0]) / 1024
        return found

    def quit(self):
        self.send(b"q")
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            self.pump(0.05)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return status
        os.kill(self.pid, signal.SIGTERM)
        return os.waitpid(self.pid, 0)[1]


def fresh_copy(session_file):
    """A private copy per run, in a new temporary folder: the TUI takes a lock and saves beside the file."""
    folder = tempfile.mkdtemp(prefix="innolab-bench-")
    target = os.path.join(folder, os.path.basename(session_file))
    with open(session_file, "rb") as src, open(target, "wb") as dst:
        dst.write(src.read())
    return target


def first_frame(rounds, binary, session_file):
    times = []
    for _ in range(rounds):
        copy = fresh_copy(session_file)
        tui = Tui(binary, copy)
        times.append(tui.first_frame())
        tui.quit()
        shutil.rmtree(os.path.dirname(copy))
    print(f"first frame: median {fmt(statistics.median(times))}, min {fmt(min(times))}, "
          f"max {fmt(max(times))} over {rounds} starts")


def idle(seconds, binary, session_file):
    copy = fresh_copy(session_file)
    tui = Tui(binary, copy)
    tui.first_frame()
    tui.send(b"t")  # start the timer: the screen now changes every second
    tui.pump(2.0)   # let the start's save go through
    ns0, ticks0, t0 = tui.cpu_ns(), tui.cpu_ticks(), time.perf_counter()
    drawn_before = len(tui.output)
    while time.perf_counter() - t0 < seconds:
        tui.pump(min(1.0, seconds - (time.perf_counter() - t0)))
    ns1, ticks1, t1 = tui.cpu_ns(), tui.cpu_ticks(), time.perf_counter()
    drawn = len(tui.output) - drawn_before
    status = tui.quit()
    shutil.rmtree(os.path.dirname(copy))
    wall = t1 - t0
    hz = os.sysconf("SC_CLK_TCK")
    print(f"idle with the timer running, {wall:.1f} s: {100 * (ns1 - ns0) / 1e9 / wall:.3f}% of a core "
          f"(schedstat), {100 * (ticks1 - ticks0) / hz / wall:.2f}% (utime+stime ticks); {drawn} bytes drawn; "
          f"exit status {status}")


def rss(binary, session_file):
    copy = fresh_copy(session_file)
    tui = Tui(binary, copy)
    tui.first_frame()
    tui.pump(0.5)
    after_start = tui.memory()
    # Capture one idea (table 1, a title, Enter), close the bar, and let the background save run.
    tui.send(b"1")
    tui.pump(0.2)
    tui.send(b"Posyandu keliling")
    tui.pump(0.2)
    tui.send(b"\r")
    tui.pump(0.2)
    tui.send(b"\x1b")
    tui.pump(2.0)
    after_capture = tui.memory()
    status = tui.quit()
    shutil.rmtree(os.path.dirname(copy))
    print(f"resident memory: {after_start['VmRSS']:.1f} MiB after the first frame, "
          f"{after_capture['VmRSS']:.1f} MiB after capturing an idea and saving; "
          f"peak (VmHWM) {after_capture['VmHWM']:.1f} MiB; exit status {status}")


def thread_ns(pid):
    """CPU time of each thread of `pid` (schedstat, ns): {tid: ns}; the main (UI) thread's tid is `pid`."""
    found = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                found[int(tid)] = int(f.read().split()[0])
        except OSError:
            pass
    return found


def capture(rounds, binary, session_file):
    """Captures `rounds` ideas through the pty (table digit, title, Enter) and reports, per idea: Enter to the
    frame that shows it (the byte that completes its title on the screen), the UI thread's CPU and the other
    threads' CPU (the writer) from Enter until the save is acknowledged and the screen is quiet."""
    copy = fresh_copy(session_file)
    # On the first block that captures ideas, where the board shows them.
    with open(copy, encoding="utf-8") as f:
        session = json.load(f)
    blocks = [b for day in session["plan"]["days"] for b in day["blocks"] if b.get("captures_ideas")]
    if blocks:
        session["progress"]["block"] = blocks[0]["id"]
        with open(copy, "w", encoding="utf-8") as f:
            json.dump(session, f, ensure_ascii=False, indent=2)
    tui = Tui(binary, copy)
    tui.first_frame()
    tui.pump(1.0)
    latencies, ui, others, hidden = [], [], [], 0
    for i in range(rounds):
        tui.send(f"{1 + i % 6}".encode())
        tui.pump(0.05)
        tui.send(f"Ukur{i}".encode())
        tui.pump(0.1)
        before = thread_ns(tui.pid)
        start = len(tui.output)
        sent = time.perf_counter()
        tui.send(b"\r")
        # The frame that shows the idea: until its title is on the screen (escape sequences aside).
        title = f"Ukur{i}"
        while time.perf_counter() - sent < 2:
            tui.pump(0.002)
            shown = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", bytes(tui.output[start:])).decode("utf-8", "replace")
            if title in shown:
                latencies.append(tui.last_byte_at - sent)
                break
        else:
            hidden += 1  # on a board page not on the wall just then (the board pages every 8 s)
        # Let the save finish (its acknowledgement redraws the status bar) before the threads are read.
        tui.pump(0.3)
        after = thread_ns(tui.pid)
        ui.append((after.get(tui.pid, 0) - before.get(tui.pid, 0)) / 1e9)
        others.append(sum(v - before.get(t, 0) for t, v in after.items() if t != tui.pid) / 1e9)
    status = tui.quit()
    shutil.rmtree(os.path.dirname(copy))
    med = statistics.median
    if not latencies:
        raise SystemExit("no captured idea was seen on the wall")
    print(f"capture, {rounds} ideas: Enter -> frame median {fmt(med(latencies))} (max {fmt(max(latencies))}); "
          f"UI thread per idea median {fmt(med(ui))}; other threads (writer) per idea median {fmt(med(others))}; "
          f"{hidden} not on the wall's page at once; exit status {status}")


def room_load(loader, binary, session_file, phones, ideas):
    copy = fresh_copy(session_file)
    with open(copy) as f:
        session = json.load(f)
    blocks = [b for d in session["plan"]["days"] for b in d["blocks"] if b.get("captures_ideas")]
    session["progress"]["block"] = blocks[0]["id"]
    with open(copy, "w") as f:
        json.dump(session, f, indent=2)
    # 90x30: the join address on one line (at 200x60 it wraps inside the panel beside the code).
    tui = Tui(binary, copy, ("--room", "--bind", "127.0.0.1:0"), (90, 30))
    tui.first_frame()
    deadline = time.perf_counter() + 10
    url = None
    while url is None and time.perf_counter() < deadline:
        tui.pump(0.05)
        text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", bytes(tui.output)).decode("utf-8", "replace")
        found = re.search(r"http://127\.0\.0\.1:\d+/j/[a-z0-9]{26}", text)
        url = found.group(0) if found else None
    if url is None:
        raise SystemExit("no join address on the wall")
    load = subprocess.Popen([loader, url, str(phones), str(ideas)], stdout=subprocess.PIPE, text=True)
    # The coach's keys while the room sends: `n` turns the board's page, a frame each time.
    frames = []
    while load.poll() is None:
        tui.pump(0.02)
        sent = time.perf_counter()
        tui.send(b"n")
        got_at = None
        end = sent + 2.0
        while time.perf_counter() < end:
            ready, _, _ = select.select([tui.fd], [], [], end - time.perf_counter())
            if not ready:
                break
            chunk = os.read(tui.fd, 65536)
            if not chunk:
                break
            tui.output += chunk
            got_at = got_at or time.perf_counter()
            break
        if got_at:
            frames.append(got_at - sent)
    real = json.loads(load.stdout.read())
    hello = json.loads(subprocess.run([loader, "--hello", str(phones), str(ideas)], capture_output=True,
                                      text=True, check=True).stdout)
    status = tui.quit()
    with open(copy) as f:
        saved = json.load(f)
    kept = len(saved.get("room", {}).get("submissions", []))
    shutil.rmtree(os.path.dirname(copy))
    lost = real["acknowledged"] - kept
    print(f"room, {phones} phones x {ideas} ideas: {real['acknowledged']} acknowledged of {real['sent']}, "
          f"{kept} saved, {max(lost, 0)} lost; latency p50 {real['p50_ms']} ms, p99 {real['p99_ms']} ms "
          f"(max {real['max_ms']} ms); {real['per_second']} ideas/s; {real['retries']} retries after 503/429")
    print(f"hello-world server, same traffic: {hello['per_second']} requests/s, p50 {hello['p50_ms']} ms, "
          f"p99 {hello['p99_ms']} ms; throughput ratio {real['per_second'] / hello['per_second']:.2f} (goal >= 0.5)")
    if frames:
        print(f"the wall under load: key -> frame median {fmt(statistics.median(frames))}, "
              f"max {fmt(max(frames))} over {len(frames)} keys; exit status {status}")
    return 0 if lost <= 0 and real["failed"] == 0 else 1


def visible(data):
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", bytes(data)).decode("utf-8", "replace")


def attach_follow(rounds, binary, session_file):
    """A key on the coach's screen (`innolab attach`) to the wall's frame that shows its effect, against the same
    key on the wall's own terminal: the coach's key crosses the socket, the same `update`, then both are drawn."""
    copy = fresh_copy(session_file)
    with open(copy, encoding="utf-8") as f:
        session = json.load(f)
    blocks = session["plan"]["days"][0]["blocks"]
    # The longest word of each title: ratatui skips unchanged cells, so a title's spaces may not be sent.
    first, second = (max(b["title"].split(), key=len) for b in blocks[:2])
    session["progress"]["block"] = blocks[0]["id"]
    with open(copy, "w", encoding="utf-8") as f:
        json.dump(session, f, ensure_ascii=False, indent=2)
    run_dir = tempfile.mkdtemp(prefix="innolab-attach-")
    os.chmod(run_dir, 0o700)
    env = {"XDG_RUNTIME_DIR": run_dir}
    wall = Tui(binary, copy, extra=("--lang", "en"), env_extra=env)
    wall.first_frame()
    wall.pump(0.5)
    coach = Tui(binary, copy, extra=("--lang", "en"), size=(80, 24), command="attach", env_extra=env)
    deadline = time.perf_counter() + 10
    while "COACH" not in visible(coach.output) and time.perf_counter() < deadline:
        coach.pump(0.05)
        wall.pump(0.0)
    if "COACH" not in visible(coach.output):
        raise SystemExit(f"the coach's screen did not attach: {visible(coach.output)[-300:]!r}")
    wall.pump(0.5)
    coach.pump(0.1)

    def follow(sender, keys, title):
        start = len(wall.output)
        sent = time.perf_counter()
        sender.send(keys)
        while time.perf_counter() - sent < 2:
            wall.pump(0.001)
            coach.pump(0.0)
            if title in visible(wall.output[start:]):
                return wall.last_byte_at - sent
        raise SystemExit(f"the wall never showed {title!r}")

    from_coach, from_wall = [], []
    for i in range(rounds):
        for sender, found in ((coach, from_coach), (wall, from_wall)):
            found.append(follow(sender, b"\x1b[C", second))
            wall.pump(0.15)
            coach.pump(0.05)
            found.append(follow(sender, b"\x1b[D", first))
            wall.pump(0.15)
            coach.pump(0.05)
    os.kill(coach.pid, signal.SIGKILL)
    os.waitpid(coach.pid, 0)
    status = wall.quit()
    shutil.rmtree(os.path.dirname(copy))
    shutil.rmtree(run_dir, ignore_errors=True)
    med = statistics.median
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
    print(f"attach-follow, {len(from_coach)} keys each: coach's key -> wall frame median {fmt(med(from_coach))} "
          f"(p95 {fmt(q(from_coach, 0.95))}, max {fmt(max(from_coach))}); the wall's own key -> frame median "
          f"{fmt(med(from_wall))} (p95 {fmt(q(from_wall, 0.95))}, max {fmt(max(from_wall))}); exit status {status}")


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    cmd, rest = args[0], args[1:]
    if cmd == "race":
        rounds, pairs = int(rest[0]), list(zip(rest[1::2], rest[2::2]))
        race(rounds, pairs)
    elif cmd == "tally-race":
        tally_race(int(rest[0]), rest[1], rest[2], rest[3], with_jq=len(rest) < 5 or rest[4] != "nojq")
    elif cmd == "canon":
        canon(rest[0], rest[1])
    elif cmd == "same":
        return same(rest)
    elif cmd == "first-frame":
        first_frame(int(rest[0]), rest[1], rest[2])
    elif cmd == "idle":
        idle(float(rest[0]), rest[1], rest[2])
    elif cmd == "rss":
        rss(rest[0], rest[1])
    elif cmd == "capture":
        capture(int(rest[0]), rest[1], rest[2])
    elif cmd == "attach-follow":
        attach_follow(int(rest[0]), rest[1], rest[2])
    elif cmd == "room-load":
        return room_load(rest[0], rest[1], rest[2], int(rest[3]), int(rest[4]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
