"""Child processes that die with their parent and live under a memory ceiling (Linux)."""

import contextlib
import ctypes
import os
import resource
import signal
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
try:  # resolved before any fork: a forked child of a threaded parent only calls it
    _prctl: Callable[..., int] | None = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: the parent's stop() still ends its children
    _prctl = None


def child_setup(
    memory_bytes: int = 0, death_signal: int = signal.SIGKILL, niceness: int = 0
) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets ``death_signal`` when the thread that started it
    ends (so start children from long-lived threads), at most ``memory_bytes`` of address
    space (0: no ceiling), and ``niceness`` more than its parent (it yields the cores)."""
    parent = os.getpid()

    def setup() -> None:
        if _prctl is not None:
            _prctl(_PR_SET_PDEATHSIG, death_signal)
            if os.getppid() != parent:  # the parent died before the signal was armed
                os._exit(1)
        if memory_bytes:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        if niceness:
            with contextlib.suppress(OSError):
                os.nice(niceness)

    return setup
