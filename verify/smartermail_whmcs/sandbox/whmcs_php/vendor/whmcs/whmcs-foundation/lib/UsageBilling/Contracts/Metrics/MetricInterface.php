<?php
/**
 * One usage metric: a system name (the tbltenant_stats.metric key), a display name, how its
 * value is kept (snapshot: one row overwritten; day / month: one row per period) and its units.
 */

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface MetricInterface
{
    const TYPE_SNAPSHOT = 'snapshot';
    const TYPE_PERIOD_DAY = 'day';
    const TYPE_PERIOD_MONTH = 'month';

    public function usage();

    public function withUsage(UsageInterface $usage = null);

    public function units();

    public function systemName();

    public function displayName();

    public function type();
}
