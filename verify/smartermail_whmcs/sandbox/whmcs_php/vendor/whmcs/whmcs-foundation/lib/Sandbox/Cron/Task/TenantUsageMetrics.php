<?php
/**
 * WHMCS\Cron\Task\TenantUsageMetrics ("Tenant Usage Metrics", priority 1519, every 720 minutes,
 * not part of the daily run; whmcs-runtime.md c.2): returns at once unless MetricUsageCollection
 * is on ('on' or '1'); otherwise, for every enabled server whose module's MetricProvider returns
 * a ProviderInterface, stores provider->usage() per tenant (Metrics\ServerMetrics, TenantStats).
 *
 * A provider that throws: the sandbox logs "Tenant Usage Metrics Failed: <message> - Server ID:
 * <id>" to the activity log and stderr and goes on with the next server. That is the sandbox's
 * rule, not WHMCS's: the decoded WHMCS task has no per-server guard, so there the exception ends
 * the task (reported as an incomplete task) and the servers after it are not collected (MEDIUM).
 */

namespace WHMCS\Sandbox\Cron\Task;

use WHMCS\Sandbox\Cron\Output;
use WHMCS\Sandbox\Cron\Task;
use WHMCS\Sandbox\Metrics\ServerMetrics;
use WHMCS\UsageBilling\MetricUsageSettings;

class TenantUsageMetrics extends Task
{
    const SYSTEM_NAME = 'TenantUsageMetrics';
    const PRIORITY = 1519;
    const FREQUENCY = 720;
    const NAME = 'Tenant Usage Metrics';
    const DESCRIPTION = 'Collect tenant usage metrics from servers';
    const SKIP_DAILY_CRON = true;

    public function run(Output $out)
    {
        if (!MetricUsageSettings::isCollectionEnable()) {
            $out->info('TenantUsageMetrics: skipped, MetricUsageCollection is off');
            return;
        }
        $servers = 0;
        $tenants = 0;
        foreach (EnabledServers::withModules($out) as list($server, $module)) {
            try {
                $metrics = new ServerMetrics($server, $module);
                $provider = $metrics->provider();
                if ($provider === null) {
                    continue;
                }
                $usage = $metrics->syncAll($provider);
            } catch (\Throwable $e) {
                $message = 'Tenant Usage Metrics Failed: ' . get_class($e) . ': ' . $e->getMessage()
                    . ' - Server ID: ' . $server->id;
                logActivity($message);
                $out->warning($message);
                continue;
            }
            $servers++;
            $tenants += count($usage);
            $out->info('TenantUsageMetrics: server "' . $server->name . '" (ID ' . $server->id . '): '
                . count($usage) . ' tenant(s)');
        }
        $out->info('TenantUsageMetrics: ' . $servers . ' server(s), ' . $tenants . ' tenant(s) updated');
    }
}
