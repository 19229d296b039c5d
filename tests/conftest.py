"""Fixtures shared by every test module."""

import os

import pytest


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tests train tiny networks on tiny batches: a second torch thread only adds contention on
    a 2-core machine. Torch is set only where a test module has imported it already."""
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def device():
    """The torch device the agent tests build their models on: ``GVGAI_TEST_DEVICE`` (a
    ``--device`` name, default cpu), so that ``GVGAI_TEST_DEVICE=cuda pytest`` runs them on a
    GPU. Tests that use it are skipped where that device is unavailable."""
    # Imported here, not at the top: most test modules never load torch and SB3.
    from gvgai_agents.algorithms import resolve_device
    from gvgai_agents.config import check_device_name
    from gvgai_agents.errors import ConfigError

    name = os.environ.get("GVGAI_TEST_DEVICE", "cpu")
    check_device_name(name)  # a misspelt name is an error, not a reason to skip
    try:
        return resolve_device(name)
    except ConfigError as err:
        pytest.skip(f"GVGAI_TEST_DEVICE={name} is unavailable: {err}")
