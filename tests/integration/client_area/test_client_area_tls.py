"""The client area of a sandbox whose simulator serves HTTPS (`sandbox up --tls`): the web server's
PHP trusts the simulator's throwaway CA as every PHP process of the sandbox does, so the module's
dashboard reaches SmarterMail over TLS from a page request."""

from __future__ import annotations

import pytest
from fixtures.client_area import DOMAIN, client_area_host

pytestmark = pytest.mark.slow


def test_the_dashboard_reaches_a_tls_simulator() -> None:
    with client_area_host(tls=True) as host:
        assert host.state.simulator is not None and host.state.simulator.secure
        with host.login() as browser:
            page = browser.get(host.product_details)
    assert page.status_code == 200, page.text
    assert f"<h3>Email hosting: {DOMAIN}</h3>" in page.text
    assert "The email service cannot be reached" not in page.text
