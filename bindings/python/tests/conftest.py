import itertools
import os

import pytest

import splinter

_counter = itertools.count()


@pytest.fixture
def shm_name():
    """A shared-memory bus name unique to this test (includes the pid); removed afterwards."""
    name = "splinter-py-%d-%d" % (os.getpid(), next(_counter))
    yield name
    try:
        splinter.destroy(name)
    except splinter.SplinterError:
        pass


@pytest.fixture
def bus(shm_name):
    with splinter.Bus.create(shm_name, slots=16, max_value_size=64) as b:
        yield b
