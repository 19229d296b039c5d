"""Fixtures shared by every test module."""

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
