"""Bad-input suite, module source archives: the install playbook refuses a hostile or damaged
``smartermail_module_src`` on the controller, naming the source and the member, before anything
is sent to the host (issue 10, defect 6).

Each archive is the fixture module plus one fault, made on the fly (tests/fixtures/hostile_archives.py).
The run must fail in the module files step with the refusal, and nothing the install may change on
the host (database rows, files, crontab) may have changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fixtures.hostile_archives import HOSTILE_ARCHIVES, HostileArchive
from fixtures.install import host_snapshot, run_playbook
from fixtures.sandbox import SandboxInfo, sandbox
from fixtures.working_tree import use_working_tree_collection  # noqa: F401 - fixture

pytestmark = pytest.mark.slow

INSTALL = "astral360.smartermail.install"
HOST = "whmcs1"


@pytest.fixture(scope="module")
def box(use_working_tree_collection: None) -> Iterator[SandboxInfo]:  # noqa: F811 - fixture
    with sandbox(hosts=1) as info:
        yield info


@pytest.mark.parametrize("make", list(HOSTILE_ARCHIVES.values()), ids=list(HOSTILE_ARCHIVES))
def test_hostile_module_archive_is_refused_before_any_host_change(
    box: SandboxInfo, tmp_path: Path, make: Callable[[Path], HostileArchive]
) -> None:
    case = make(tmp_path)
    before = host_snapshot(box, HOST)
    run = run_playbook(box, INSTALL, extra_vars={"smartermail_module_src": str(case.path)}, tmp_path=tmp_path)
    assert run.returncode != 0, run.output[-3000:]
    assert run.failed(HOST) == 1, run.recap
    failure = next(line for line in run.output.splitlines() if line.startswith("fatal: [whmcs1]"))
    assert "Install the SmarterMail module files" in run.output.split(failure)[0].rsplit("TASK [", 1)[1]
    assert f"smartermail_module_src={case.path}" in failure, failure
    assert case.phrase in failure, failure
    assert "Traceback" not in run.output
    assert host_snapshot(box, HOST) == before


def test_a_limit_below_one_is_refused_before_any_host_change(box: SandboxInfo, tmp_path: Path) -> None:
    before = host_snapshot(box, HOST)
    run = run_playbook(box, INSTALL, extra_vars={"smartermail_module_max_file_mb": 0}, tmp_path=tmp_path)
    assert run.returncode != 0 and run.failed(HOST) == 1, run.output[-3000:]
    assert (
        "max_file_mb (smartermail_module_max_file_mb) must be a whole number of 1 or more, got 0"
        in run.output
    )
    assert host_snapshot(box, HOST) == before
