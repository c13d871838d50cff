<?php
/**
 * The admin service page's "Refresh Now" (clientsservices.php?action=refreshStats), as WHMCS does
 * it (whmcs-runtime.md c.2): the tenant is the service field named by the product module's
 * MetaData ListAccountsUniqueIdentifierField (default domain; "customfield.<name>" reads that
 * custom field), the server is the service's; with both, the server's MetricProvider is asked
 * tenantUsage(tenant) and the answer stored like the cron's. Without a tenant or a server WHMCS
 * answers "Tenant Identifier or Server ID missing".
 */

namespace WHMCS\Sandbox\Metrics;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\ModuleException;
use WHMCS\Sandbox\ServerModule;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;

class ServiceUsageRefresh
{
    const DEFAULT_FIELD = 'domain';
    const CUSTOM_FIELD_PREFIX = 'customfield.';

    /**
     * Refresh service $serviceId. Returns ['tenant', 'server_id', 'provider' (bool), 'metrics'
     * (systemName => value)]; throws ModuleException with WHMCS's message when it cannot.
     */
    public static function refresh($serviceId)
    {
        $service = Capsule::table('tblhosting')->where('id', (int) $serviceId)->first();
        if ($service === null) {
            throw new ModuleException('Service ID Not Found');
        }
        $productModule = (string) Capsule::table('tblproducts')->where('id', $service->packageid)->value('servertype');
        $field = '';
        if ($productModule !== '') {
            $field = (string) ((new ServerModule($productModule))->metaData()['ListAccountsUniqueIdentifierField'] ?? '');
        }
        $tenant = (string) self::fieldValue($service, $field);
        $server = $service->server ? Capsule::table('tblservers')->where('id', $service->server)->first() : null;
        if ($tenant === '' || $server === null) {
            throw new ModuleException('Tenant Identifier or Server ID missing');
        }
        $metrics = new ServerMetrics($server, new ServerModule((string) $server->type));
        $provider = $metrics->provider();
        $stored = $provider === null ? [] : $metrics->syncTenant($tenant, $provider);
        $values = [];
        foreach ($stored as $metric) {
            if ($metric instanceof MetricInterface) {
                $values[(string) $metric->systemName()] = (float) $metric->usage()->value();
            }
        }
        return ['tenant' => $tenant, 'server_id' => (int) $server->id, 'provider' => $provider !== null,
            'metrics' => $values];
    }

    /** The service's value for a ListAccountsUniqueIdentifierField (Service::getUniqueIdentifierValue). */
    private static function fieldValue($service, $field)
    {
        $field = $field === '' ? self::DEFAULT_FIELD : $field;
        if (strpos($field, self::CUSTOM_FIELD_PREFIX) !== 0) {
            return isset($service->$field) ? $service->$field : null;
        }
        $name = substr($field, strlen(self::CUSTOM_FIELD_PREFIX));
        $schema = Capsule::schema();
        if (!$schema->hasTable('tblcustomfields') || !$schema->hasTable('tblcustomfieldsvalues')) {
            return null;
        }
        // Custom field names may carry a display name after "|" ("tenant|Tenant ID").
        $fieldIds = Capsule::table('tblcustomfields')->where('type', 'product')->where('relid', $service->packageid)
            ->where(function ($query) use ($name) {
                $query->where('fieldname', $name)->orWhere('fieldname', 'like', $name . '|%');
            })->pluck('id');
        return Capsule::table('tblcustomfieldsvalues')->whereIn('fieldid', $fieldIds)
            ->where('relid', $service->id)->value('value');
    }
}
