<?php
/**
 * The $params WHMCS passes to server-module functions (whmcs-runtime.md (b);
 * developers.whmcs.com/provisioning-modules/module-parameters):
 *  - service functions get the service, product, server and client fields, configoption1..24
 *    (the product's Module Settings), decrypted passwords;
 *  - server-level functions (TestConnection, UsageUpdate, MetricProvider) get the server fields only.
 */

namespace WHMCS\Sandbox;

use WHMCS\Database\Capsule;

class ModuleParams
{
    const CONFIG_OPTIONS = 24;

    /** Server fields as WHMCS passes them; the port falls back to the module's MetaData defaults. */
    public static function forServer($server, ServerModule $module)
    {
        $server = (array) $server;
        $meta = $module->metaData();
        $secure = in_array((string) ($server['secure'] ?? ''), ['on', '1'], true);
        $port = $server['port'] ?? null;
        if ($port === null || (int) $port === 0) {
            $port = $secure ? ($meta['DefaultSSLPort'] ?? '') : ($meta['DefaultNonSSLPort'] ?? '');
        }
        return self::decoded($module, [
            'server' => true,
            'serverid' => (int) $server['id'],
            'serverip' => (string) $server['ipaddress'],
            'serverhostname' => (string) $server['hostname'],
            'serverusername' => (string) $server['username'],
            'serverpassword' => decrypt((string) $server['password']),
            'serveraccesshash' => (string) $server['accesshash'],
            'serversecure' => $secure,
            'serverhttpprefix' => $secure ? 'https' : 'http',
            'serverport' => (string) $port,
        ]);
    }

    /** Fields of a server that is not assigned: what WHMCS passes when a service has none. */
    private static function noServer()
    {
        return [
            'server' => false, 'serverid' => 0, 'serverip' => '', 'serverhostname' => '', 'serverusername' => '',
            'serverpassword' => '', 'serveraccesshash' => '', 'serversecure' => false, 'serverhttpprefix' => 'http',
            'serverport' => '',
        ];
    }

    /** Everything a service function receives, built from tblhosting and its relations. */
    public static function forService($serviceId, ServerModule $module)
    {
        $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($service === null) {
            throw new ModuleException('Service ID not found');
        }
        $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
        $server = $service->server ? Capsule::table('tblservers')->where('id', $service->server)->first() : null;
        $client = Capsule::table('tblclients')->where('id', $service->userid)->first();
        $params = [
            'accountid' => (int) $service->id,
            'serviceid' => (int) $service->id,
            'addonId' => 0,
            'userid' => (int) $service->userid,
            'pid' => (int) $service->packageid,
            'packageid' => (int) $service->packageid,
            'domain' => (string) $service->domain,
            'username' => (string) $service->username,
            'password' => decrypt((string) $service->password),
            'producttype' => $product ? (string) $product->type : '',
            'moduletype' => $module->name(),
            'status' => (string) $service->domainstatus,
            'suspendreason' => (string) $service->suspendreason,
            'customfields' => [],
            'configoptions' => [],
            'clientsdetails' => self::clientDetails($client),
        ];
        for ($n = 1; $n <= self::CONFIG_OPTIONS; $n++) {
            $column = 'configoption' . $n;
            $params[$column] = $product && isset($product->$column) ? (string) $product->$column : '';
        }
        $serverParams = $server ? self::forServer($server, $module) : self::noServer();
        return self::decoded($module, array_merge($params, $serverParams));
    }

    /** The owner's details array (the client row plus the derived keys modules read). */
    private static function clientDetails($client)
    {
        if ($client === null) {
            return [];
        }
        $details = array_map(function ($value) {
            return $value === null ? '' : (string) $value;
        }, (array) $client);
        unset($details['password'], $details['cardnum'], $details['bankacct'], $details['bankcode']);
        $details['userid'] = (int) $client->id;
        $details['id'] = (int) $client->id;
        $details['fullname'] = trim($client->firstname . ' ' . $client->lastname);
        $details['countrycode'] = (string) $client->country;
        $details['fullstate'] = (string) $client->state;
        $details['language'] = (string) $client->language !== '' ? (string) $client->language
            : (string) ($GLOBALS['CONFIG']['Language'] ?? 'english');
        return $details;
    }

    /** APIVersion 1.1 modules get every string parameter HTML-entity-decoded (whmcs-runtime.md (b)). */
    private static function decoded(ServerModule $module, array $params)
    {
        $meta = $module->metaData();
        if ((string) ($meta['APIVersion'] ?? '1.0') !== '1.1') {
            return $params;
        }
        array_walk_recursive($params, function (&$value) {
            if (is_string($value)) {
                $value = html_entity_decode($value, ENT_QUOTES, 'UTF-8');
            }
        });
        return $params;
    }
}
