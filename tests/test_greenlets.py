"""`greenlets`: a plain function run on the event loop's thread, its waits awaited by the loop."""

import anyio
import pytest

from specmock import greenlets

pytestmark = pytest.mark.anyio


def waits_then_adds(delay: float, value: int, seen: list[str]) -> int:
    seen.append(f"start {value}")
    greenlets.wait(anyio.sleep(delay))
    seen.append(f"end {value}")
    return value + 1


async def test_greenlets_spawn_returns_what_the_function_returns_after_its_waits():
    seen: list[str] = []
    assert await greenlets.spawn(waits_then_adds, 0, 41, seen) == 42
    assert seen == ["start 41", "end 41"]


async def test_greenlets_two_functions_waiting_run_side_by_side_not_one_after_the_other():
    seen: list[str] = []
    results: list[int] = []

    async def run(delay: float, value: int) -> None:
        results.append(await greenlets.spawn(waits_then_adds, delay, value, seen))

    async with anyio.create_task_group() as group:
        group.start_soon(run, 0.2, 1)
        group.start_soon(run, 0.01, 2)
    assert seen == ["start 1", "start 2", "end 2", "end 1"]
    assert results == [3, 2]


async def test_greenlets_an_exception_of_the_awaitable_is_raised_in_the_function_where_it_waits():
    async def fails() -> None:
        raise KeyError("gone")

    def catches() -> str:
        try:
            greenlets.wait(fails())
        except KeyError as error:
            return f"caught {error}"
        return "not raised"

    assert await greenlets.spawn(catches) == "caught 'gone'"


async def test_greenlets_an_exception_of_the_function_reaches_the_caller():
    def raises() -> None:
        greenlets.wait(anyio.sleep(0))
        raise ValueError("bad value 7")

    with pytest.raises(ValueError, match="bad value 7"):
        await greenlets.spawn(raises)


async def test_greenlets_a_cancelled_caller_unwinds_the_function_at_its_wait():
    unwound: list[bool] = []

    def slow() -> None:
        try:
            greenlets.wait(anyio.sleep(10))
        finally:
            unwound.append(True)

    with anyio.move_on_after(0.05):
        await greenlets.spawn(slow)
    assert unwound == [True]


def test_greenlets_wait_outside_spawn_says_so():
    assert not greenlets.inside()
    sleeping = anyio.sleep(0)
    with pytest.raises(RuntimeError, match=r"outside a function that greenlets.spawn runs"):
        greenlets.wait(sleeping)
    sleeping.close()
