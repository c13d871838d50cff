<?php
/**
 * A server's usage metrics through its module's MetricProvider, as WHMCS's server model does
 * (whmcs-runtime.md c.2): the provider is <module>_MetricProvider(server params) when that
 * returns a ProviderInterface, otherwise the server has none and is left alone.
 *  - syncAll(): provider->usage(), every tenant stored (the TenantUsageMetrics cron task);
 *  - syncTenant($tenant): provider->tenantUsage($tenant), stored when not empty (the admin
 *    service page's "Refresh Now").
 */

namespace WHMCS\Sandbox\Metrics;

use WHMCS\Sandbox\ModuleParams;
use WHMCS\Sandbox\ServerModule;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;

class ServerMetrics
{
    /** @var object a tblservers row */
    private $server;
    /** @var ServerModule */
    private $module;

    public function __construct($server, ServerModule $module)
    {
        $this->server = (object) $server;
        $this->module = $module;
    }

    /** The module's provider for this server, or null when the module has none. */
    public function provider()
    {
        if (!$this->module->hasFunction('MetricProvider')) {
            return null;
        }
        $provider = $this->module->call('MetricProvider', ModuleParams::forServer($this->server, $this->module));
        return $provider instanceof ProviderInterface ? $provider : null;
    }

    /**
     * Collect and store every tenant's usage; returns [tenant => metrics], [] without a provider.
     * $provider: one already obtained from provider(), so MetricProvider is not called twice.
     */
    public function syncAll(ProviderInterface $provider = null)
    {
        $provider = $provider ?? $this->provider();
        if ($provider === null) {
            return [];
        }
        $usage = $provider->usage();
        if (!is_iterable($usage)) {
            throw new \UnexpectedValueException('MetricProvider usage() returned '
                . gettype($usage) . ', not an array of tenants');
        }
        $stored = [];
        foreach ($usage as $tenant => $metrics) {
            TenantStats::store($this->server->id, (string) $tenant, self::metricList($metrics));
            $stored[(string) $tenant] = $metrics;
        }
        return $stored;
    }

    /** Collect and store one tenant's usage; returns its metrics ([] when none were reported). */
    public function syncTenant($tenant, ProviderInterface $provider = null)
    {
        $provider = $provider ?? $this->provider();
        if ($provider === null) {
            return [];
        }
        $metrics = $provider->tenantUsage($tenant);
        if (empty($metrics)) {
            return [];
        }
        $metrics = self::metricList($metrics);
        TenantStats::store($this->server->id, (string) $tenant, $metrics);
        return $metrics;
    }

    private static function metricList($metrics)
    {
        if (!is_iterable($metrics)) {
            throw new \UnexpectedValueException('MetricProvider returned ' . gettype($metrics)
                . ' where a list of metrics was expected');
        }
        return is_array($metrics) ? $metrics : iterator_to_array($metrics, false);
    }
}
