<?php
/**
 * Fixture SmarterMail server module for the smartermail-whmcs sandbox.
 *
 * Written for the toolkit's tests: it declares the same 23 module settings, in the same
 * order and with the same types and defaults, as the Astral 360 "SmarterMail - Email
 * Hosting" module, and implements just enough behaviour (TestConnection, UsageUpdate) for
 * the install and verify steps to be exercised end to end. Its lifecycle (Create, Suspend,
 * Unsuspend, Terminate, ChangePassword), client area (dashboard, pages and actions), usage
 * metrics (MetricProvider) and invoice hook (hooks.php) make the SmarterMail calls the real
 * module makes, in its order and judged its way (module-api-calls.md), so tests prove the API
 * simulator and the sandbox's WHMCS through a module-shaped client. It is not that module.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/FixtureApiClient.php';
require_once __DIR__ . '/lib/FixtureActivityLog.php';
require_once __DIR__ . '/lib/FixtureSession.php';
require_once __DIR__ . '/lib/FixturePasswordRules.php';
require_once __DIR__ . '/lib/FixtureDomainReads.php';
require_once __DIR__ . '/lib/FixtureProvisioning.php';
require_once __DIR__ . '/lib/FixtureClientArea.php';
require_once __DIR__ . '/lib/FixtureClientActions.php';
// A release built for the tests (tests/fixtures/module_release.py) adds lib/FixtureRelease.php with
// the settings and metadata it adds; the base fixture has none.
if (is_file(__DIR__ . '/lib/FixtureRelease.php')) {
    require_once __DIR__ . '/lib/FixtureRelease.php';
}
// lib/FixtureMetricsProvider.php is not required: WHMCS autoloads a module's lib/ classes
// (namespace WHMCS\Module\Server\Smartermail), and the module relies on that, as the real one does.

use WHMCS\Database\Capsule;

const SMARTERMAIL_FIXTURE_BYTES_PER_MB = 1048576;

function smartermail_MetaData()
{
    $release = function_exists('smartermail_fixtureReleaseMetaData') ? smartermail_fixtureReleaseMetaData() : [];
    return $release + [
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
    $options = [
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
    // A release's added settings come after the 23: WHMCS keys them by position.
    return function_exists('smartermail_fixtureReleaseConfigOptions')
        ? array_merge($options, smartermail_fixtureReleaseConfigOptions())
        : $options;
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

/** CreateAccount: the domain and its hidden admin, configured, DKIM on (lib/FixtureProvisioning.php). */
function smartermail_CreateAccount(array $params)
{
    return smartermail_fixtureCreate($params);
}

function smartermail_SuspendAccount(array $params)
{
    return smartermail_fixtureSetEnabled($params, false);
}

function smartermail_UnsuspendAccount(array $params)
{
    return smartermail_fixtureSetEnabled($params, true);
}

function smartermail_TerminateAccount(array $params)
{
    return smartermail_fixtureTerminate($params);
}

// No ChangePackage: the real module has none (its changelog lists one that the code does not have).

/**
 * Usage metrics for WHMCS's usage billing (module-api-calls.md 3.12), called with the server's
 * parameters. The class is found by WHMCS's autoloader in lib/, not required here.
 */
function smartermail_MetricProvider(array $params)
{
    return new \WHMCS\Module\Server\Smartermail\FixtureMetricsProvider($params);
}

/** The module's strings in the client's language (lang/<language>.php, English when missing). */
function smartermail_fixtureLanguage(array $params)
{
    $language = strtolower((string) ($params['clientsdetails']['language'] ?? 'english'));
    $file = __DIR__ . '/lang/' . (preg_match('/^[a-z]+$/', $language) ? $language : 'english') . '.php';
    $_LANG = [];
    include is_file($file) ? $file : __DIR__ . '/lang/english.php';
    return $_LANG;
}

/** A language string of the module. */
function smartermail_fixtureText($key, array $params)
{
    return smartermail_fixtureLanguage($params)[$key] ?? $key;
}

/**
 * Add the module's strings to WHMCS's global $_LANG, which WHMCS hands to templates as {$LANG}
 * when it renders them (after the module function returned): the templates read {$LANG.smartermail_*}.
 */
function smartermail_fixtureShareLanguage(array $params)
{
    $GLOBALS['_LANG'] = array_merge((array) ($GLOBALS['_LANG'] ?? []), smartermail_fixtureLanguage($params));
}

/**
 * ChangePassword: the new password of the domain's hidden admin (tblhosting username/password).
 * SA login, the module's own password rules, manage-domain for a DA-imp token, then
 * POST settings/domain/post-user {email: <user>@<domain>, userData: {password}}, judged by 2xx.
 */
function smartermail_ChangePassword(array $params)
{
    $session = new SmarterMailFixtureSession(smartermail_fixtureClient($params), $params);
    if (!$session->loginSysadmin()) {
        return smartermail_fixtureText('err_server_connect', $params);
    }
    $user = strtolower(trim((string) ($params['username'] ?? '')));
    $password = trim((string) ($params['password'] ?? ''));
    if ($user === '') {
        return 'Admin username not configured in WHMCS.';
    }
    if ($password === '') {
        return 'The new password cannot be empty.';
    }
    $problem = smartermail_fixtureAdminPasswordProblem($password, $user, $session->domain, $params);
    if ($problem !== '') {
        return $problem;
    }
    $impersonated = $session->impersonateDomain();
    if ($impersonated['token'] === '') {
        return sprintf('Unable to access domain %s (HTTP %d).', $session->domain, $impersonated['status']);
    }
    $changed = $session->call('POST', 'settings/domain/post-user', [
        'email' => $session->email($user),
        'userData' => ['password' => $password],
    ], $impersonated['token']);
    return $changed['ok'] ? 'success' : 'Error changing password: ' . $changed['error'];
}

/** Page name => function building it. */
const SMARTERMAIL_FIXTURE_PAGES = [
    'adduserpage' => 'smartermail_fixturePageAddUser',
    'edituserpage' => 'smartermail_fixturePageEditUser',
    'addredirectpage' => 'smartermail_fixturePageAddRedirect',
    'editredirectpage' => 'smartermail_fixturePageEditRedirect',
];
/** Action name => function doing it (each returns 'success' or the message to show). */
const SMARTERMAIL_FIXTURE_ACTIONS = [
    'createuser' => 'smartermail_fixtureActionCreateUser',
    'saveuser' => 'smartermail_fixtureActionSaveUser',
    'savepassword' => 'smartermail_fixtureActionSavePassword',
    'deleteuser' => 'smartermail_fixtureActionDeleteUser',
    'toggledkim' => 'smartermail_fixtureActionToggleDkim',
    'adddomainalias' => 'smartermail_fixtureActionAddDomainAlias',
    'deletedomainalias' => 'smartermail_fixtureActionDeleteDomainAlias',
    'createredirect' => 'smartermail_fixtureActionCreateRedirect',
    'saveredirect' => 'smartermail_fixtureActionSaveRedirect',
    'deleteredirect' => 'smartermail_fixtureActionDeleteRedirect',
];

/**
 * Open the domain-admin session and run one action or page (the dashboard included): its result,
 * else the module's notice (a page shows "not activated yet" or the error page, an action the text).
 */
function smartermail_fixtureRun($function, array $params, $isPage)
{
    if ($isPage) {
        smartermail_fixtureShareLanguage($params);
    }
    $session = new SmarterMailFixtureSession(smartermail_fixtureClient($params), $params);
    $problem = $session->openDomainAdmin();
    if ($problem === '') {
        return $function($session, $params);
    }
    if (!$isPage) {
        return smartermail_fixtureText($problem, $params);
    }
    if ($problem === SmarterMailFixtureSession::NOT_READY) {
        return smartermail_fixtureTemplate('overview', ['domain' => $session->domain, 'domainNotReady' => true]);
    }
    return smartermail_fixtureTemplate('error', ['errorMessage' => smartermail_fixtureText($problem, $params)]);
}

function smartermail_ClientAreaAllowedFunctions()
{
    return ['adduserpage', 'edituserpage', 'createuser', 'saveuser', 'savepassword', 'deleteuser', 'toggledkim',
        'adddomainalias', 'deletedomainalias'];
}

function smartermail_ClientAreaCustomButtonArray()
{
    return ['Add a mailbox' => 'adduserpage'];
}

/**
 * A page called as a custom function (modop=custom&a=<page>, the "Add a mailbox" button): WHMCS
 * renders a custom function's `templatefile` as the whole page, with its `vars` (it ignores the
 * tabOverview* keys there), so the page's template is handed over under that key.
 */
function smartermail_fixtureCustomPage(array $page)
{
    if (!isset($page['tabOverviewReplacementTemplate'])) {
        return $page;
    }
    return ['templatefile' => $page['tabOverviewReplacementTemplate'], 'vars' => $page['templateVariables'] ?? []];
}

function smartermail_adduserpage(array $params)
{
    return smartermail_fixtureCustomPage(smartermail_fixtureRun(SMARTERMAIL_FIXTURE_PAGES['adduserpage'], $params, true));
}

function smartermail_edituserpage(array $params)
{
    return smartermail_fixtureCustomPage(smartermail_fixtureRun(SMARTERMAIL_FIXTURE_PAGES['edituserpage'], $params, true));
}

function smartermail_createuser(array $params)
{
    return smartermail_fixtureRun(SMARTERMAIL_FIXTURE_ACTIONS['createuser'], $params, false);
}

function smartermail_saveuser(array $params)
{
    return smartermail_fixtureRun(SMARTERMAIL_FIXTURE_ACTIONS['saveuser'], $params, false);
}

function smartermail_savepassword(array $params)
{
    return smartermail_fixtureRun(SMARTERMAIL_FIXTURE_ACTIONS['savepassword'], $params, false);
}

function smartermail_deleteuser(array $params)
{
    return smartermail_fixtureRun(SMARTERMAIL_FIXTURE_ACTIONS['deleteuser'], $params, false);
}

function smartermail_toggledkim(array $params)
{
    return smartermail_fixtureRun(SMARTERMAIL_FIXTURE_ACTIONS['toggledkim'], $params, false);
}

function smartermail_adddomainalias(array $params)
{
    return smartermail_fixtureRun(SMARTERMAIL_FIXTURE_ACTIONS['adddomainalias'], $params, false);
}

function smartermail_deletedomainalias(array $params)
{
    return smartermail_fixtureRun(SMARTERMAIL_FIXTURE_ACTIONS['deletedomainalias'], $params, false);
}

/** The CSRF check of the module's actions: WHMCS's check_token() when present, else the session token. */
function smartermail_fixtureCsrfValid()
{
    if (function_exists('check_token')) {
        return (bool) check_token();
    }
    $sent = (string) ($_POST['token'] ?? $_GET['token'] ?? '');
    $expected = (string) ($_SESSION['CSRF'] ?? '');
    return $expected !== '' && hash_equals($expected, $sent);
}

/**
 * The client area as the module dispatches it: customAction (GET, then POST) names a page or an
 * action; anything else shows the dashboard. An action that succeeds redirects to the service page
 * (to the mailbox after savepassword) and ends the request; any other result shows the error page.
 */
function smartermail_ClientArea(array $params)
{
    $name = (string) ($_GET['customAction'] ?? $_POST['customAction'] ?? '');
    if (isset(SMARTERMAIL_FIXTURE_PAGES[$name])) {
        return smartermail_fixtureRun(SMARTERMAIL_FIXTURE_PAGES[$name], $params, true);
    }
    if (!isset(SMARTERMAIL_FIXTURE_ACTIONS[$name])) {
        return smartermail_fixtureRun('smartermail_fixtureDashboard', $params, true);
    }
    $result = smartermail_fixtureCsrfValid()
        ? smartermail_fixtureRun(SMARTERMAIL_FIXTURE_ACTIONS[$name], $params, false)
        : smartermail_fixtureText('err_csrf', $params);
    if ($result !== 'success') {
        return smartermail_fixtureTemplate('error', ['errorMessage' => "[{$name}] {$result}"]);
    }
    $location = 'clientarea.php?action=productdetails&id=' . (int) ($params['serviceid'] ?? 0);
    if ($name === 'savepassword') {
        $location .= '&customAction=edituserpage&username=' . urlencode((string) smartermail_fixtureField('selectuser'));
    }
    header('Location: ' . $location);
    exit;
}
