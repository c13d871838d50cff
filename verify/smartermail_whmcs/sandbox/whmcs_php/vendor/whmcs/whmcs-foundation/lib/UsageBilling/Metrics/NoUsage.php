<?php
/** The usage a metric carries before any was collected: value 0, measured now. */

namespace WHMCS\UsageBilling\Metrics;

class NoUsage extends Usage
{
}
