"""Benchmark: the simulator's start time, and its memory (RSS) before and after 10,000 requests.

    python bench/simulator_footprint.py [--starts 5] [--requests 10000]

1. Start time: --starts fresh ``python -m smartermail_whmcs simulator`` processes over HTTP and
   over HTTPS (--tls writes a throwaway CA and certificate first), timed from the spawn to the
   "listening on" line; min and median.
2. Memory: one HTTP simulator holds a domain made the way the module's Create makes it, then
   answers --requests requests in the order the module's client area makes them: a domain-admin
   login as the hidden admin (the module logs in on every page), the dashboard reads, and a
   createuser / createredirect / deleteuser round that writes and removes state. The process's
   VmRSS (/proc/<pid>/status) is read after the set-up and after every quarter of the requests.
   The sessions the logins leave behind are counted too: they are state, kept until they expire.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from _common import SimulatorProcess, new_password, simulator_process

DOMAIN = "footprint.test"
HIDDEN_ADMIN, HIDDEN_PASSWORD = "hiddenadmn", "Hidden-Admin-Pass-24chars!"
DA = "/api/v1/settings/domain/"
LOGIN = "/api/v1/auth/authenticate-user"
LOGOUT = "/api/v1/auth/logout-user"


def rss_kib(process: SimulatorProcess) -> int:
    for line in Path(f"/proc/{process.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SystemExit("no VmRSS line in /proc/<pid>/status")


def start_times(starts: int, tls: bool) -> list[float]:
    seconds = []
    for _ in range(starts):
        with tempfile.TemporaryDirectory(prefix="smw-bench-sim-") as certs:
            extra = ("--tls", "--cert-dir", certs) if tls else ()
            with simulator_process(new_password(), *extra) as running:
                seconds.append(running.start_seconds)
    return seconds


def set_up_domain(client: httpx.Client, password: str) -> None:
    login = client.post(LOGIN, json={"username": "admin", "password": password})
    sa = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    body = {
        "adminUsername": HIDDEN_ADMIN,
        "adminPassword": HIDDEN_PASSWORD,
        "deliverLocallyForExternalDomain": False,
        "domainLocation": 0,
        "domainLocationAddress": "",
        "domainData": {"name": DOMAIN, "hostname": f"mail.{DOMAIN}", "userLimit": 0, "maxSize": 0},
    }
    client.post("/api/v1/settings/sysadmin/domain-put", json=body, headers=sa).raise_for_status()
    switches = {"enableActiveSyncAccountManagement": True, "enableMapiEwsAccountManagement": True}
    client.post(
        f"/api/v1/settings/sysadmin/domain-settings/{DOMAIN}", json={"domainSettings": switches}, headers=sa
    ).raise_for_status()


def client_area_requests(log_out: bool) -> Iterator[tuple[str, str, object]]:
    """Endless (method, path, body) in the order of the module's client area: a page view, then a write round.

    The module never logs out; ``log_out`` ends each round's session, to tell sessions from leaks.
    """
    search = {"search": None, "searchFlags": ["users"], "skip": 0, "take": 99999, "sortField": "userName"}
    round_number = 0
    while True:
        round_number += 1
        user, alias = f"user{round_number}", f"alias{round_number}"
        email = f"{user}@{DOMAIN}"
        yield "POST", LOGIN, {"username": f"{HIDDEN_ADMIN}@{DOMAIN}", "password": HIDDEN_PASSWORD}
        yield "GET", DA + "data", None
        yield "POST", DA + "account-list-search", search
        yield "POST", DA + "account-search-quick", search
        yield "POST", DA + "account-list-search", {**search, "searchFlags": ["aliases"]}
        yield "GET", DA + "active-sync-mailboxes", None
        yield "GET", DA + "mapi-ews-mailboxes", None
        yield "POST", DA + "get-mailbox-forward-list", {"email": f"{HIDDEN_ADMIN}@{DOMAIN}"}
        yield "GET", DA + "domain", None
        user_data = {
            "userName": user,
            "password": "Mailbox-Pass-1",
            "securityFlags": {"isDomainAdmin": False},
        }
        yield "POST", DA + "user-put", {"userData": user_data}
        yield "POST", DA + "alias-put/", {"alias": {"name": alias, "aliasTargetList": [email]}}
        forward = {"forwardList": ["out@elsewhere.test"]}
        yield "POST", DA + "post-mailbox-forward-list", {"email": email, "mailboxForwardList": forward}
        yield "POST", DA + "active-sync-mailboxes-patch", [{"emailAddress": email, "isActive": True}]
        yield "POST", DA + "alias-delete/" + alias, []
        yield "POST", DA + "account-list-delete", {"input": [user]}
        if log_out:
            yield "POST", LOGOUT, []


def memory_run(requests: int, log_out: bool) -> tuple[list[tuple[int, int]], int, float]:
    """RSS after the set-up and at each quarter: [(requests done, KiB)], sessions left, seconds."""
    password = new_password()
    with simulator_process(password) as running, httpx.Client(base_url=running.url, timeout=30) as client:
        set_up_domain(client, password)
        samples = [(0, rss_kib(running))]
        checkpoints = {requests * quarter // 4 for quarter in (1, 2, 3, 4)}
        calls = client_area_requests(log_out)
        token: dict[str, str] = {}
        started = time.monotonic()
        for done in range(1, requests + 1):
            method, path, body = next(calls)
            answer = client.request(method, path, json=body, headers=token)
            if path == LOGIN:  # the module logs in again on every page
                token = {"Authorization": f"Bearer {answer.json()['accessToken']}"}
            if answer.status_code != 200:
                raise SystemExit(f"request {done} answered {answer.status_code}: {answer.text[:200]}")
            if done in checkpoints:
                samples.append((done, rss_kib(running)))
        elapsed = time.monotonic() - started
        state = client.get("/__simulator/state").json()
        return samples, state["tokens"]["access"], elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument(
        "--logout",
        action="store_true",
        help="also a run that logs out after each round (the module does not)",
    )
    options = parser.parse_args()

    print(
        f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"
    )
    print("start time (spawn to 'listening on')   min (s)  median (s)")
    for label, tls in (("HTTP", False), ("HTTPS (new CA + certificate)", True)):
        seconds = start_times(options.starts, tls)
        print(f"{label:<38}{min(seconds):>8.3f}  {statistics.median(seconds):>10.3f}")

    for log_out in (False, True) if options.logout else (False,):
        samples, sessions, elapsed = memory_run(options.requests, log_out)
        before = samples[0][1]
        how = "logging out after each round" if log_out else "as the module makes them (no logout)"
        print(f"\n{options.requests} requests in the client-area order, {how}: {elapsed:.1f} s")
        print("requests done   RSS (MiB)   vs before (MiB)")
        for done, kib in samples:
            print(f"{done:>13}   {kib / 1024:>9.1f}   {(kib - before) / 1024:>+15.1f}")
        print(
            f"RSS before / after: {before / 1024:.1f} MiB / {samples[-1][1] / 1024:.1f} MiB "
            f"({(samples[-1][1] - before) / 1024:+.1f} MiB); sessions held at the end: {sessions}"
        )


if __name__ == "__main__":
    main()
