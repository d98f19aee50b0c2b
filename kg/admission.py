"""Fair admission to a scarce resource (the SPARQL workers) shared by many clients.

At most ``slots`` tasks run at once and at most ``per_client`` of them for one client.
The others wait in a bounded queue and are let in round-robin over the clients, so a
client that sends a hundred slow queries delays its own queries, not everyone's. A
client whose share of the queue is full, or a full queue, is refused at once with the
number of seconds after which to try again.
"""

import asyncio
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class QueueFull(Exception):
    """Refused without waiting: the client's share of the queue, or the queue, is full."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WaitedTooLong(Exception):
    """Not admitted: every slot stayed busy for as long as a task may wait."""


class FairGate:
    """Round-robin admission over clients, with a concurrency limit per client.

    Not thread-safe: used from one event loop (each API process has its own gate).
    """

    def __init__(
        self,
        slots: int,
        per_client: int,
        waiting_per_client: int,
        waiting: int,
        max_wait: float,
    ) -> None:
        self.slots = slots
        self.per_client = per_client
        self.waiting_per_client = waiting_per_client
        self.waiting = waiting
        self.max_wait = max_wait
        self._running: Counter[str] = Counter()
        self._queues: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()

    def running(self) -> int:
        return sum(self._running.values())

    def queued(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    @asynccontextmanager
    async def admit(self, client: str) -> AsyncIterator[None]:
        """Run the body once the client's turn comes.

        Raises:
            QueueFull: the client already has ``waiting_per_client`` tasks waiting, or
                the queue holds ``waiting``.
            WaitedTooLong: no turn came within ``max_wait`` seconds.
        """
        if self.running() < self.slots and self._running[client] < self.per_client:
            self._running[client] += 1
        else:
            await self._wait_turn(client)
        try:
            yield
        finally:
            self._leave(client)

    def _leave(self, client: str) -> None:
        self._running[client] -= 1
        if not self._running[client]:
            del self._running[client]
        self._let_in()

    async def _wait_turn(self, client: str) -> None:
        mine = self._queues.get(client, ())
        retry_after = max(1, round(self.max_wait))
        if len(mine) >= self.waiting_per_client:
            raise QueueFull(
                f"you already have {len(mine)} SPARQL queries waiting: wait for their answers",
                retry_after,
            )
        if self.queued() >= self.waiting:
            raise QueueFull("the SPARQL queue is full: try again later", retry_after)
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues.setdefault(client, deque()).append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.max_wait)
        except BaseException as error:  # timed out, or the task was cancelled
            if turn.done() and not turn.cancelled():  # admitted meanwhile: give the turn back
                self._leave(client)
            else:
                turn.cancel()
                self._forget(client, turn)
            if isinstance(error, TimeoutError):
                raise WaitedTooLong(
                    f"no SPARQL worker was free for this query within {self.max_wait:g} s "
                    f"(at most {self.per_client} of your queries run at once): try again later"
                ) from error
            raise

    def _forget(self, client: str, turn: asyncio.Future[None]) -> None:
        queue = self._queues.get(client)
        if queue is not None and turn in queue:
            queue.remove(turn)
            if not queue:
                del self._queues[client]

    def _let_in(self) -> None:
        """Give free slots to waiting clients, one task per client per round."""
        progress = True
        while progress and self.running() < self.slots:
            progress = False
            for client in list(self._queues):
                if self.running() >= self.slots:
                    return
                if self._running[client] >= self.per_client:
                    continue
                queue = self._queues.pop(client)
                turn = queue.popleft()
                if queue:  # back of the round
                    self._queues[client] = queue
                self._running[client] += 1
                turn.set_result(None)
                progress = True
