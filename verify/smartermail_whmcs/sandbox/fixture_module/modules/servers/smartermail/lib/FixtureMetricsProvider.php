<?php
/**
 * Usage metrics of the fixture module for WHMCS's usage billing (module-api-calls.md 3.12;
 * developers.whmcs.com provisioning-modules/usage-metrics). Built with the server's parameters.
 *
 * Not required by smartermail.php: WHMCS registers WHMCS\Module\Server\<Module>\ for autoloading
 * from the module's lib/ folder, and the real module relies on that the same way.
 *
 * Per domain, in the module's order: POST settings/sysadmin/manage-domain/{d} (sysadmin token)
 * for a domain-admin token, GET settings/domain/data (sizeMb, userCount, aliasCount), GET
 * active-sync-mailboxes and mapi-ews-mailboxes (their lengths). Every step writes an
 * activity-log line; a domain without a domain-admin token reports zeros.
 */

namespace WHMCS\Module\Server\Smartermail;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/FixtureApiClient.php';
require_once __DIR__ . '/FixtureActivityLog.php';

use WHMCS\Database\Capsule;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;
use WHMCS\UsageBilling\Metrics\Metric;
use WHMCS\UsageBilling\Metrics\Units\Accounts;
use WHMCS\UsageBilling\Metrics\Units\GigaBytes;
use WHMCS\UsageBilling\Metrics\Usage;

class FixtureMetricsProvider implements ProviderInterface
{
    const MB_PER_GB = 1024;

    /** @var array */
    private $params;
    /** @var \SmarterMailFixtureApiClient|null */
    private $api = null;
    /** @var string|null the sysadmin token; null until the first login */
    private $saToken = null;

    public function __construct(array $params)
    {
        $this->params = $params;
    }

    /** The five snapshot metrics; no I/O (WHMCS also asks for them where no server is involved). */
    public function metrics(): array
    {
        return [
            new Metric('disk_gb', 'Disk space', MetricInterface::TYPE_SNAPSHOT, new GigaBytes()),
            new Metric('email_accounts', 'Mailboxes', MetricInterface::TYPE_SNAPSHOT, new Accounts('Mailboxes')),
            new Metric('aliases', 'Aliases', MetricInterface::TYPE_SNAPSHOT, new Accounts('Aliases')),
            new Metric('eas_accounts', 'ActiveSync mailboxes', MetricInterface::TYPE_SNAPSHOT, new Accounts('Accounts')),
            new Metric('mapi_accounts', 'MAPI/EWS mailboxes', MetricInterface::TYPE_SNAPSHOT, new Accounts('Accounts')),
        ];
    }

    /**
     * [domain => metrics with usage] for the Active services of this server (what WHMCS's metrics
     * task stores per tenant); [] when the sysadmin login fails.
     */
    public function usage(): array
    {
        if (!$this->loginOnce()) {
            return [];
        }
        $domains = Capsule::table('tblhosting')
            ->where('server', (int) ($this->params['serverid'] ?? 0))
            ->where('domainstatus', 'Active')
            ->pluck('domain');
        $usage = [];
        foreach ($domains as $domain) {
            $domain = trim((string) $domain);
            if ($domain !== '') {  // a service without a domain has no tenant to report (fixture's choice)
                $usage[$domain] = $this->withUsage($this->collect($domain));
            }
        }
        return $usage;
    }

    /**
     * One tenant (the service's domain, WHMCS's default tenant field): the service found by domain on
     * this server (any server when serverid is 0), else by username; none, or no sysadmin login
     * (the fixture's guess), gives every metric at zero.
     */
    public function tenantUsage($tenant): array
    {
        $tenant = trim((string) $tenant);
        $zeros = $this->withUsage(self::zeroStats());
        if (!$this->loginOnce()) {
            return $zeros;
        }
        $serverId = (int) ($this->params['serverid'] ?? 0);
        $byDomain = Capsule::table('tblhosting')->where('domain', $tenant);
        if ($serverId > 0) {
            $byDomain->where('server', $serverId);
        }
        $domain = $byDomain->value('domain');
        if ($domain === null) {
            $domain = Capsule::table('tblhosting')->where('username', $tenant)->value('domain');
        }
        if ($domain === null || trim((string) $domain) === '') {
            return $zeros;
        }
        return $this->withUsage($this->collect(trim((string) $domain)));
    }

    private static function zeroStats()
    {
        return ['disk_gb' => 0.0, 'email_accounts' => 0, 'aliases' => 0, 'eas_accounts' => 0, 'mapi_accounts' => 0];
    }

    /** @param array $stats systemName => value */
    private function withUsage(array $stats)
    {
        $metrics = [];
        foreach ($this->metrics() as $metric) {
            $metrics[] = $metric->withUsage(new Usage($stats[$metric->systemName()] ?? 0));
        }
        return $metrics;
    }

    private function loginOnce()
    {
        if ($this->saToken === null) {
            $this->api = \smartermail_fixtureClient($this->params);
            $answer = $this->api->call('POST', 'auth/authenticate-user', [
                'username' => (string) ($this->params['serverusername'] ?? ''),
                'password' => (string) ($this->params['serverpassword'] ?? ''),
            ]);
            $this->saToken = $answer['ok'] ? (string) ($answer['data']['accessToken'] ?? '') : '';
            if ($this->saToken === '') {
                \smartermail_fixtureLogActivity('metrics: sysadmin login failed (' . $answer['error'] . ')');
            }
        }
        return $this->saToken !== '';
    }

    /** The domain's figures, each read with the domain-admin token manage-domain gives. */
    private function collect($domain)
    {
        $stats = self::zeroStats();
        $path = urlencode($domain);
        $managed = $this->api->call('POST', 'settings/sysadmin/manage-domain/' . $path, [], $this->saToken);
        $token = $managed['ok'] ? (string) ($managed['data']['impersonateAccessToken'] ?? '') : '';
        if ($token === '') {
            \smartermail_fixtureLogActivity("metrics: {$domain}: no domain-admin token (HTTP {$managed['status']})");
            return $stats;
        }
        $data = $this->read('settings/domain/data', $token)['domainData'] ?? [];
        $stats['disk_gb'] = round((float) ($data['sizeMb'] ?? 0) / self::MB_PER_GB, 4);
        $stats['email_accounts'] = (int) ($data['userCount'] ?? 0);
        $stats['aliases'] = (int) ($data['aliasCount'] ?? 0);
        \smartermail_fixtureLogActivity("metrics: {$domain}: {$stats['disk_gb']} GB, {$stats['email_accounts']} mailboxes, {$stats['aliases']} aliases");
        $stats['eas_accounts'] = self::length($this->read('settings/domain/active-sync-mailboxes', $token)['activeSyncAccounts'] ?? []);
        \smartermail_fixtureLogActivity("metrics: {$domain}: {$stats['eas_accounts']} ActiveSync mailboxes");
        $stats['mapi_accounts'] = self::length($this->read('settings/domain/mapi-ews-mailboxes', $token)['mapiEwsAccounts'] ?? []);
        \smartermail_fixtureLogActivity("metrics: {$domain}: {$stats['mapi_accounts']} MAPI/EWS mailboxes");
        return $stats;
    }

    private static function length($list)
    {
        return is_array($list) ? count($list) : 0;
    }

    /** A GET's body, or [] when it failed (the module cannot tell "failed" from "empty" either). */
    private function read($path, $token)
    {
        $answer = $this->api->call('GET', $path, [], $token);
        return $answer['ok'] && is_array($answer['data']) ? $answer['data'] : [];
    }
}
