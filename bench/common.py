"""Helpers the benchmark scripts share (run them as `python bench/<name>.py`)."""

import socket
from pathlib import Path


def free_port() -> int:
    """A free TCP port on 127.0.0.1 for a server under test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def table(rows: list[dict[str, object]], columns: list[str] | None = None) -> str:
    """A markdown table; floats with two decimals."""
    columns = columns or list(rows[0])

    def cell(value: object) -> str:
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def rss_mib(pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
