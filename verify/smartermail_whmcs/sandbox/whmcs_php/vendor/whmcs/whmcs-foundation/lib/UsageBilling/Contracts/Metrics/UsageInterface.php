<?php
/** A measured value and when it was measured (collectedAt) and for which span (startAt..endAt). */

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface UsageInterface
{
    public function collectedAt();

    public function startAt();

    public function endAt();

    public function value();
}
