<?php
/**
 * Storing collected usage the way WHMCS stores it (whmcs-runtime.md c.2 and c.3):
 *  - one tblserver_tenants row per (server_id, tenant), created on first sight;
 *  - per metric one tbltenant_stats row keyed (tenant_id, metric = systemName): a snapshot metric
 *    keeps a single row whose value is overwritten; a day / month metric has one row per period,
 *    found by measured_at falling inside the period of the usage's collectedAt;
 *  - type is rewritten each time; measured_at (Unix time with micro-seconds) is set on a new row
 *    and afterwards only moves forward;
 *  - the tenant's updated_at is touched after each store.
 */

namespace WHMCS\Sandbox\Metrics;

use Carbon\Carbon;
use WHMCS\Database\Capsule;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;

class TenantStats
{
    /** Store $metrics (MetricInterface[] with usage) for $tenant of server $serverId; returns the tenant id. */
    public static function store($serverId, $tenant, array $metrics)
    {
        $tenantId = self::tenantId((int) $serverId, (string) $tenant);
        foreach ($metrics as $metric) {
            if (!$metric instanceof MetricInterface) {
                throw new \UnexpectedValueException('usage for tenant "' . $tenant . '" holds '
                    . (is_object($metric) ? get_class($metric) : gettype($metric)) . ', not a MetricInterface');
            }
            self::storeMetric($tenantId, $metric);
        }
        Capsule::table('tblserver_tenants')->where('id', $tenantId)->update(['updated_at' => self::now()]);
        return $tenantId;
    }

    /** firstOrCreate(server_id, tenant). */
    public static function tenantId($serverId, $tenant)
    {
        $id = Capsule::table('tblserver_tenants')->where('server_id', $serverId)->where('tenant', $tenant)->value('id');
        if ($id !== null) {
            return (int) $id;
        }
        $now = self::now();
        return (int) Capsule::table('tblserver_tenants')->insertGetId([
            'server_id' => $serverId, 'tenant' => $tenant, 'created_at' => $now, 'updated_at' => $now,
        ]);
    }

    private static function storeMetric($tenantId, MetricInterface $metric)
    {
        $usage = $metric->usage();
        $collectedAt = Carbon::instance($usage->collectedAt());
        $measuredAt = (float) $collectedAt->format('U.u');
        $query = Capsule::table('tbltenant_stats')->where('tenant_id', $tenantId)
            ->where('metric', (string) $metric->systemName());
        $period = self::period((string) $metric->type(), $collectedAt);
        if ($period !== null) {
            $query->whereBetween('measured_at', $period);
        }
        $existing = $query->orderBy('id')->first();
        $fields = ['value' => (float) $usage->value(), 'type' => (string) $metric->type(), 'updated_at' => self::now()];
        if ($existing === null) {
            Capsule::table('tbltenant_stats')->insert($fields + [
                'tenant_id' => $tenantId,
                'metric' => (string) $metric->systemName(),
                'measured_at' => $measuredAt,
                'created_at' => self::now(),
            ]);
            return;
        }
        if ((float) $existing->measured_at < $measuredAt) {
            $fields['measured_at'] = $measuredAt;
        }
        Capsule::table('tbltenant_stats')->where('id', $existing->id)->update($fields);
    }

    /** [start, end] as Unix micro-times of the day or month holding $when; null for a snapshot. */
    private static function period($type, Carbon $when)
    {
        if ($type === MetricInterface::TYPE_PERIOD_DAY) {
            $start = $when->copy()->startOfDay();
            $end = $when->copy()->endOfDay();
        } elseif ($type === MetricInterface::TYPE_PERIOD_MONTH) {
            $start = $when->copy()->startOfMonth();
            $end = $when->copy()->endOfMonth();
        } else {
            return null;
        }
        return [(float) $start->format('U.u'), (float) $end->format('U.u')];
    }

    private static function now()
    {
        return date('Y-m-d H:i:s');
    }
}
