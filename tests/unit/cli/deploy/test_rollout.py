"""deploy's rollout lines: the final batch's summary out of the callback document."""

from __future__ import annotations

from smartermail_whmcs.deploy.rollout import MODULE, rollout_lines


def summary_event(*lines: str) -> dict:
    return {"status": "ok", "module": MODULE, "task": "Rollout summary", "msg": list(lines)}


def test_the_summary_with_no_host_pending_is_the_final_one() -> None:
    document = {
        "hosts": {
            "whmcs1": {
                "events": [
                    summary_event(
                        "Rollout: 1 moved, 2 pending", "moved: whmcs1", "pending: whmcs2", "pending: whmcs3"
                    )
                ]
            },
            "whmcs3": {
                "events": [
                    summary_event("Rollout: 3 moved", "moved: whmcs1", "moved: whmcs2", "moved: whmcs3")
                ]
            },
            "whmcs2": {
                "events": [
                    summary_event(
                        "Rollout: 2 moved, 1 pending", "moved: whmcs1", "moved: whmcs2", "pending: whmcs3"
                    )
                ]
            },
        }
    }
    assert rollout_lines(document) == ["Rollout: 3 moved", "moved: whmcs1", "moved: whmcs2", "moved: whmcs3"]


def test_no_summary_task_means_no_lines() -> None:
    skipped = {**summary_event(), "status": "skipped"}
    assert rollout_lines({"hosts": {"whmcs1": {"events": [skipped]}}}) == []
    assert rollout_lines({}) == []
