<?php
/**
 * Fixture SmarterMail server module for the smartermail-whmcs sandbox.
 *
 * Written for the toolkit's tests: it declares the same 23 module settings, in the same
 * order and with the same types and defaults, as the Astral 360 "SmarterMail - Email
 * Hosting" module, and implements just enough behaviour (TestConnection, UsageUpdate) for
 * the install and verify steps to be exercised end to end. It is not that module.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/FixtureApiClient.php';

use WHMCS\Database\Capsule;

const SMARTERMAIL_FIXTURE_BYTES_PER_MB = 1048576;

function smartermail_MetaData()
{
    return [
        'DisplayName' => 'SmarterMail (Email Hosting)',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        'DefaultNonSSLPort' => '9998',
        'DefaultSSLPort' => '443',
        'ServiceSingleSignOnLabel' => 'Open Webmail',
    ];
}

/**
 * WHMCS stores the Nth entry as tblproducts.configoptionN, so the order below is the contract.
 */
function smartermail_ConfigOptions()
{
    return [
        'gb_per_tranche' => [
            'FriendlyName' => 'Storage tranche (GB)',
            'Type' => 'text',
            'Size' => '5',
            'Default' => '10',
            'Description' => 'Each started tranche of this many GB is billed at the recurring price',
        ],
        'eas_price' => [
            'FriendlyName' => 'Exchange ActiveSync price',
            'Type' => 'text',
            'Default' => '2.00',
            'Description' => 'Monthly price per mailbox with ActiveSync',
        ],
        'mapi_price' => [
            'FriendlyName' => 'MAPI/EWS price',
            'Type' => 'text',
            'Default' => '3.00',
            'Description' => 'Monthly price per mailbox with MAPI/EWS',
        ],
        'eas_mapi_price' => [
            'FriendlyName' => 'ActiveSync + MAPI bundle price',
            'Type' => 'text',
            'Default' => '4.50',
            'Description' => 'Monthly price per mailbox having both protocols',
        ],
        'storage_path' => [
            'FriendlyName' => 'Domain storage folder',
            'Type' => 'text',
            'Size' => '40',
            'Default' => 'C:\\SmarterMail\\Domains\\',
            'Description' => 'Folder on the mail server under which each domain folder is created',
        ],
        'outbound_ip' => [
            'FriendlyName' => 'Outgoing IP address',
            'Type' => 'text',
            'Default' => 'default',
            'Description' => 'IP address used to send mail, or "default"',
        ],
        'max_users' => [
            'FriendlyName' => 'Mailboxes per domain',
            'Type' => 'text',
            'Default' => '0',
            'Description' => 'Highest number of mailboxes; 0 means no limit',
        ],
        'delete_data_on_terminate' => [
            'FriendlyName' => 'Remove mail data on termination',
            'Type' => 'yesno',
            'Default' => 'on',
            'Description' => 'Tick to erase the domain folder when the service is terminated',
        ],
        'password_min_length' => [
            'FriendlyName' => 'Shortest mailbox password',
            'Type' => 'text',
            'Default' => '8',
            'Description' => 'Minimum number of characters',
        ],
        'password_require_upper' => [
            'FriendlyName' => 'Password needs a capital letter',
            'Type' => 'yesno',
            'Default' => 'on',
            'Description' => 'Tick to require at least one upper-case letter',
        ],
        'password_require_digit' => [
            'FriendlyName' => 'Password needs a digit',
            'Type' => 'yesno',
            'Default' => 'on',
            'Description' => 'Tick to require at least one number',
        ],
        'password_require_special' => [
            'FriendlyName' => 'Password needs a symbol',
            'Type' => 'yesno',
            'Default' => 'on',
            'Description' => 'Tick to require at least one non-alphanumeric character',
        ],
        'spf_primary' => [
            'FriendlyName' => 'SPF mechanism to suggest',
            'Type' => 'text',
            'Size' => '60',
            'Default' => 'include:mail.example.com',
            'Description' => 'Mechanism customers are told to add to their SPF record',
        ],
        'offer_eas' => [
            'FriendlyName' => 'Sell ActiveSync',
            'Type' => 'yesno',
            'Default' => 'on',
            'Description' => 'Let customers switch ActiveSync on per mailbox',
        ],
        'offer_mapi' => [
            'FriendlyName' => 'Sell MAPI/EWS',
            'Type' => 'yesno',
            'Default' => 'on',
            'Description' => 'Let customers switch MAPI/EWS on per mailbox',
        ],
        'protocol_billing_threshold_days' => [
            'FriendlyName' => 'Protocol billing grace (days)',
            'Type' => 'text',
            'Default' => '1',
            'Description' => 'Days a protocol must stay on before it is billed; 0 bills immediately',
        ],
        'max_domain_aliases' => [
            'FriendlyName' => 'Domain aliases allowed',
            'Type' => 'text',
            'Default' => '0',
            'Description' => 'Number of alias domains; 0 hides the feature',
        ],
        'spf_secondary' => [
            'FriendlyName' => 'Other accepted SPF mechanisms',
            'Type' => 'text',
            'Default' => '',
            'Description' => 'Comma-separated mechanisms also accepted by the DNS check',
        ],
        'autodiscover_host' => [
            'FriendlyName' => 'Autodiscover host name',
            'Type' => 'text',
            'Default' => '',
            'Description' => 'Expected autodiscover target; empty uses the server host name',
        ],
        'autodiscover_srv_target' => [
            'FriendlyName' => 'Autodiscover SRV target',
            'Type' => 'text',
            'Default' => '',
            'Description' => 'Target of the _autodiscover._tcp record (port 443); empty uses the server host name',
        ],
        'dmarc_check' => [
            'FriendlyName' => 'Check DMARC',
            'Type' => 'yesno',
            'Default' => '',
            'Description' => 'Tick to include a DMARC record in the DNS check',
        ],
        'dmarc_rua' => [
            'FriendlyName' => 'DMARC report address',
            'Type' => 'text',
            'Default' => '',
            'Description' => 'rua= address shown in the suggested DMARC record',
        ],
        'dmarc_policy' => [
            'FriendlyName' => 'DMARC policy',
            'Type' => 'dropdown',
            'Options' => 'none,quarantine,reject',
            'Default' => 'none',
            'Description' => 'p= value shown in the suggested DMARC record',
        ],
    ];
}

/** Build the API client from the server fields WHMCS passes to every module call. */
function smartermail_fixtureClient(array $params)
{
    $host = trim((string) ($params['serverhostname'] ?? ''));
    if ($host === '') {
        $host = trim((string) ($params['serverip'] ?? ''));
    }
    $secure = !empty($params['serversecure']);
    $port = (int) ($params['serverport'] ?? 0);
    if ($port <= 0) {
        $meta = smartermail_MetaData();
        $port = (int) ($secure ? $meta['DefaultSSLPort'] : $meta['DefaultNonSSLPort']);
    }
    return new SmarterMailFixtureApiClient($host, $port, $secure);
}

function smartermail_TestConnection(array $params)
{
    try {
        $client = smartermail_fixtureClient($params);
        $client->login((string) $params['serverusername'], (string) $params['serverpassword']);
        $about = $client->get('licensing/about');
        if (!isset($about['version'])) {
            return ['success' => false, 'error' => 'Logged in, but licensing/about did not report a version'];
        }
        return ['success' => true, 'error' => ''];
    } catch (Exception $e) {
        return ['success' => false, 'error' => $e->getMessage()];
    }
}

/** Disk usage of a domain list entry in bytes, whichever field this SmarterMail build reports. */
function smartermail_fixtureDomainBytes(array $domain)
{
    foreach (['size', 'diskUsage'] as $field) {
        if (isset($domain[$field]) && is_numeric($domain[$field])) {
            return (float) $domain[$field];
        }
    }
    if (isset($domain['sizeMb']) && is_numeric($domain['sizeMb'])) {
        return (float) $domain['sizeMb'] * SMARTERMAIL_FIXTURE_BYTES_PER_MB;
    }
    return 0.0;
}

/**
 * Called by the WHMCS cron (task UpdateServerUsage) once per enabled server of this type:
 * copies each domain's disk usage, in whole MB, into the services hosted on that server.
 */
function smartermail_UsageUpdate(array $params)
{
    try {
        $client = smartermail_fixtureClient($params);
        $client->login((string) $params['serverusername'], (string) $params['serverpassword']);
        $listing = $client->get('settings/sysadmin/domains');
        $domains = isset($listing['data']) && is_array($listing['data']) ? $listing['data'] : [];

        $pdo = Capsule::connection()->getPdo();
        $update = $pdo->prepare(
            'UPDATE tblhosting SET diskusage = ?, lastupdate = NOW() WHERE server = ? AND domain = ?'
        );
        foreach ($domains as $domain) {
            if (!is_array($domain) || empty($domain['name'])) {
                continue;
            }
            $megabytes = (int) round(smartermail_fixtureDomainBytes($domain) / SMARTERMAIL_FIXTURE_BYTES_PER_MB);
            $update->execute([$megabytes, (int) $params['serverid'], (string) $domain['name']]);
        }
        return 'success';
    } catch (Exception $e) {
        return $e->getMessage();
    }
}

function smartermail_ClientArea(array $params)
{
    return [
        'tabOverviewReplacementTemplate' => 'templates/overview.tpl',
        'templateVariables' => [
            'domain' => $params['domain'] ?? '',
            'diskUsageMb' => (int) ($params['diskusage'] ?? 0),
        ],
    ];
}
