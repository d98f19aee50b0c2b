"""Run every benchmark and write one markdown report with the machine's description.

    .venv/bin/python bench/report.py [--quick] [--output bench/REPORT.md]

Quality (`kg eval`), search (`bench/search.py`), SPARQL (`bench/sparql.py`),
startup (`bench/startup.py`) and load (`bench/load.py`). `--quick` shortens the
scale and load runs (10,000 passages, 20 s of load) for a run of a few minutes.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def machine() -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory_kib / 1024 / 1024:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def run(title: str, command: list[str]) -> str:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    root = str(HERE.parent) + "/"
    shown = " ".join(
        str(c).replace(str(BIN) + "/", ".venv/bin/").replace(root, "") for c in command
    )
    body = result.stdout.strip() or result.stderr.strip()[-2000:]
    heading_free = "\n".join(
        line.replace("# ", "### ", 1) if line.startswith("#") else line
        for line in body.splitlines()
    )
    status = "" if result.returncode == 0 else f" — **failed (exit {result.returncode})**"
    return f"## {title}{status}\n\n`{shown}` ({elapsed:.0f} s)\n\n{heading_free}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=HERE / "REPORT.md")
    args = parser.parse_args()
    python = str(BIN / "python")
    scales = ["--scales", "10000"] if args.quick else []
    seconds = ["--seconds", "20"] if args.quick else []
    sections = [
        run("Quality", [str(BIN / "kg"), "eval"]),
        run("Search", [python, str(HERE / "search.py"), *scales]),
        run("SPARQL", [python, str(HERE / "sparql.py")]),
        run("Startup", [python, str(HERE / "startup.py")]),
        run("Load", [python, str(HERE / "load.py"), *seconds]),
    ]
    report = (
        "# VirtuKG benchmark report\n\n"
        f"Machine: {machine()}. Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        "by `.venv/bin/python bench/report.py"
        + (" --quick" if args.quick else "")
        + "`.\n\n"
        + "\n".join(sections)
    )
    args.output.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
