<?php
/**
 * The two General Settings switches of usage billing: MetricUsageCollection (the cron's
 * TenantUsageMetrics task collects only when it is on) and MetricUsageInvoicing (usage lines on
 * invoices). WHMCS stores them as 'on' or '1' (whmcs-runtime.md c.2; docs/whmcs-standin-facts.md).
 */

namespace WHMCS\UsageBilling;

use WHMCS\Config\Setting;

class MetricUsageSettings
{
    public static function isCollectionEnable()
    {
        return self::isOn('MetricUsageCollection');
    }

    public static function isInvoicingEnabled()
    {
        return self::isOn('MetricUsageInvoicing');
    }

    private static function isOn($setting)
    {
        return in_array((string) Setting::getValue($setting), ['on', '1'], true);
    }
}
