"""The fair gate in front of the SPARQL workers: limits, round-robin order, refusals."""

import asyncio

import pytest

from kg.admission import FairGate, QueueFull, WaitedTooLong


def gate(slots: int = 1, per_client: int = 1, per_client_queue: int = 10, queue: int = 100):
    return FairGate(slots, per_client, per_client_queue, queue, max_wait=5.0)


async def hold(gate: FairGate, client: str, started: list[str], release: asyncio.Event) -> None:
    async with gate.admit(client):
        started.append(client)
        await release.wait()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_waiting_clients_take_turns_whatever_order_they_arrived_in():
    async def scenario() -> list[str]:
        fair, started, order = gate(), [], []
        release = asyncio.Event()
        first = asyncio.create_task(hold(fair, "flood", started, release))
        await settle()

        async def one(client: str) -> None:
            async with fair.admit(client):
                order.append(client)

        tasks = [asyncio.create_task(one("flood")) for _ in range(4)]
        await settle()
        tasks += [asyncio.create_task(one(name)) for name in ("ana", "bob")]
        await settle()
        release.set()
        await asyncio.gather(first, *tasks)
        return order

    order = asyncio.run(scenario())
    # The flood's second query arrived first and goes first; then each client in turn.
    assert order[:3] == ["flood", "ana", "bob"]
    assert order.count("flood") == 4


def test_one_client_never_holds_more_slots_than_its_share():
    async def scenario() -> tuple[list[str], int]:
        fair, started = gate(slots=3, per_client=1), []
        release = asyncio.Event()
        tasks = [asyncio.create_task(hold(fair, "flood", started, release)) for _ in range(3)]
        await settle()
        running_alone = len(started)
        tasks.append(asyncio.create_task(hold(fair, "other", started, release)))
        await settle()
        release.set()
        await asyncio.gather(*tasks)
        return started, running_alone

    started, running_alone = asyncio.run(scenario())
    assert running_alone == 1
    assert started[1] == "other"  # a free slot, and not the flood's


@pytest.mark.parametrize(
    ("per_client_queue", "queue", "refused_client"),
    [(2, 100, "flood"), (100, 3, "other")],
)
def test_a_full_queue_refuses_at_once_with_a_delay(per_client_queue, queue, refused_client):
    async def scenario() -> QueueFull:
        fair, started = gate(per_client_queue=per_client_queue, queue=queue), []
        release = asyncio.Event()
        tasks = [asyncio.create_task(hold(fair, "flood", started, release)) for _ in range(4)]
        await settle()
        try:
            async with fair.admit(refused_client):
                raise AssertionError("admitted past a full queue")
        except QueueFull as error:
            return error
        finally:
            release.set()
            await asyncio.gather(*tasks, return_exceptions=True)

    refusal = asyncio.run(scenario())
    assert refusal.retry_after >= 1


def test_a_wait_past_the_limit_ends_and_leaves_the_gate_whole():
    async def scenario() -> tuple[int, int]:
        fair = FairGate(1, 1, 10, 100, max_wait=0.05)
        release = asyncio.Event()
        holder = asyncio.create_task(hold(fair, "a", [], release))
        await settle()
        with pytest.raises(WaitedTooLong):
            async with fair.admit("b"):
                pass
        release.set()
        await holder
        return fair.running(), fair.queued()

    assert asyncio.run(scenario()) == (0, 0)


def test_a_client_that_leaves_while_waiting_gives_its_place_back():
    async def scenario() -> tuple[int, int, list[str]]:
        fair, started = gate(), []
        release = asyncio.Event()
        holder = asyncio.create_task(hold(fair, "a", started, release))
        await settle()
        leaving = asyncio.create_task(hold(fair, "b", started, release))
        staying = asyncio.create_task(hold(fair, "c", started, release))
        await settle()
        leaving.cancel()
        release.set()
        await asyncio.gather(holder, staying)
        return fair.running(), fair.queued(), started

    running, queued, started = asyncio.run(scenario())
    assert (running, queued) == (0, 0)
    assert started == ["a", "c"]
