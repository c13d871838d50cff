<?php
/**
 * What a server module's <name>_MetricProvider($params) returns (WHMCS 7.9+ usage billing;
 * developers.whmcs.com/provisioning-modules/usage-metrics, whmcs-runtime.md c.1):
 *  - metrics(): the metric definitions (MetricInterface[]), asked where no server is involved;
 *  - usage(): [tenant => MetricInterface[] with usage] for every tenant of the server (cron);
 *  - tenantUsage($tenant): MetricInterface[] with usage for one tenant (admin "Refresh Now").
 * No return types are declared, as in WHMCS, so a provider may declare its own (e.g. ": array").
 */

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface ProviderInterface
{
    public function metrics();

    public function usage();

    public function tenantUsage($tenant);
}
