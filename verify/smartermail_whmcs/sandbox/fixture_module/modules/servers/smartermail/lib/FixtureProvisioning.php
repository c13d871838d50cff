<?php
/**
 * The service lifecycle as the Astral 360 module runs it against SmarterMail (module-api-calls.md
 * 2.1-2.3 and 3.1-3.3): the calls in its order, judged by the HTTP status alone, its messages.
 * Each function returns 'success' or the message WHMCS shows.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

use WHMCS\Database\Capsule;

const SMARTERMAIL_FIXTURE_LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const SMARTERMAIL_FIXTURE_ADMIN_PASSWORD_CHARS =
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' . SMARTERMAIL_FIXTURE_PASSWORD_SYMBOLS;
const SMARTERMAIL_FIXTURE_DEFAULT_DOMAIN_FOLDER = 'C:\\SmarterMail\\Domains\\';

function smartermail_fixtureRandomString($alphabet, $length)
{
    $text = '';
    for ($i = 0; $i < $length; $i++) {
        $text .= $alphabet[random_int(0, strlen($alphabet) - 1)];
    }
    return $text;
}

/**
 * The domain's hidden admin (2.1): the service's username and password when WHMCS filled both and
 * they pass the module's rules, else generated ones. A name under 8 characters is replaced by 10
 * letters; a password failing the rules (checked against the name kept) by 24 characters, which
 * are not checked again. Returns [name, password, whether either was generated].
 */
function smartermail_fixtureHiddenAdmin(array $params, $domain)
{
    $user = strtolower(trim((string) ($params['username'] ?? '')));
    $password = trim((string) ($params['password'] ?? ''));
    if ($user === '' || $password === '') {
        return [
            smartermail_fixtureRandomString(SMARTERMAIL_FIXTURE_LETTERS, 10),
            smartermail_fixtureRandomString(SMARTERMAIL_FIXTURE_ADMIN_PASSWORD_CHARS, 24),
            true,
        ];
    }
    $generated = false;
    if (strlen($user) < 8) {
        $user = smartermail_fixtureRandomString(SMARTERMAIL_FIXTURE_LETTERS, 10);
        $generated = true;
    }
    if (smartermail_fixtureAdminPasswordProblem($password, $user, $domain, $params) !== '') {
        $password = smartermail_fixtureRandomString(SMARTERMAIL_FIXTURE_ADMIN_PASSWORD_CHARS, 24);
        $generated = true;
    }
    return [$user, $password, $generated];
}

/** domain-put as the module sends it (2.2, 3.1 step 3): the outgoing IP is not part of it. */
function smartermail_fixtureDomainPutBody(array $params, $domain, $user, $password)
{
    // Only backslashes are trimmed, and WHMCS always passes the key, so an empty option gives "\<domain>".
    $folder = rtrim((string) ($params['configoption5'] ?? SMARTERMAIL_FIXTURE_DEFAULT_DOMAIN_FOLDER), '\\');
    return [
        'adminUsername' => $user,
        'adminPassword' => $password,
        'deliverLocallyForExternalDomain' => false,
        'domainLocation' => 0,
        'domainLocationAddress' => '',
        'domainData' => [
            'name' => $domain,
            'hostname' => 'mail.' . $domain,
            'userLimit' => max(0, (int) ($params['configoption7'] ?? 0)),
            'maxSize' => 0,
            'aliasLimit' => 0,
            'listLimit' => 0,
            'path' => $folder . '\\' . $domain,
        ],
    ];
}

/** The settings Create writes once the domain exists (2.2, 3.1 step 4). */
function smartermail_fixtureNewDomainSettings(array $params)
{
    $outgoingIp = (string) ($params['configoption6'] ?? 'default');
    return ['domainSettings' => [
        'isEnabled' => true,
        'enableMailForwarding' => true,
        'enableSmtpAccounts' => true,
        'enableActiveSyncAccountManagement' => ($params['configoption14'] ?? '') === 'on',
        'enableMapiEwsAccountManagement' => ($params['configoption15'] ?? '') === 'on',
        'outgoingIP' => $outgoingIp === 'default' ? '' : $outgoingIp,  // exactly 'default', case-sensitive
    ]];
}

/** Record a generated hidden admin on the service, as the module does: a failure is only logged. */
function smartermail_fixtureStoreHiddenAdmin($serviceId, $user, $password)
{
    try {
        Capsule::table('tblhosting')->where('id', (int) $serviceId)
            ->update(['username' => $user, 'password' => encrypt($password)]);
    } catch (\Throwable $e) {
        smartermail_fixtureLogActivity("could not store the domain admin of service #{$serviceId}: " . $e->getMessage());
    }
}

/**
 * DKIM as Create and the client area's toggledkim turn it on: POST dkim-enable/false (result
 * ignored), then the domain's key (active, else pending); none → POST dkim-create-rollover/2048.
 * '' when a key is there or was made, else the rollover's error. Uses the session's domain-admin token.
 */
function smartermail_fixtureEnableDkim(SmarterMailFixtureSession $session)
{
    $session->call('POST', 'settings/domain/dkim-enable/false', []);
    if (smartermail_fixtureDkimKey(smartermail_fixtureDomainSettings($session))['status'] !== 'none') {
        return '';
    }
    $rollover = $session->call('POST', 'settings/domain/dkim-create-rollover/2048', []);
    return $rollover['ok'] ? '' : $rollover['error'];
}

/**
 * CreateAccount (3.1). An empty domain is not refused here: the module makes the same calls with an
 * empty name (GET settings/sysadmin/domain/, then domain-put) and shows what SmarterMail answers.
 */
function smartermail_fixtureCreate(array $params)
{
    $session = new SmarterMailFixtureSession(smartermail_fixtureClient($params), $params);
    if (!$session->loginSysadmin()) {
        smartermail_fixtureLogActivity('Create: sysadmin login failed');
        return smartermail_fixtureText('err_server_connect', $params);
    }
    $domain = $session->domain;
    $path = urlencode($domain);
    $existing = $session->call('GET', 'settings/sysadmin/domain/' . $path, [], $session->saToken);
    if ($existing['status'] === 200) {  // exactly 200: any other answer means "not there"
        return sprintf(smartermail_fixtureText('err_domain_exists', $params), $domain);
    }
    [$user, $password, $generated] = smartermail_fixtureHiddenAdmin($params, $domain);
    $put = $session->call('POST', 'settings/sysadmin/domain-put',
        smartermail_fixtureDomainPutBody($params, $domain, $user, $password), $session->saToken);
    if (!$put['ok']) {
        return strpos($put['error'], 'NAME_IN_USE') !== false
            ? sprintf(smartermail_fixtureText('err_domain_duplicate', $params), $domain)
            : sprintf(smartermail_fixtureText('err_create_domain', $params), $put['error']);
    }
    if ($generated) {
        smartermail_fixtureStoreHiddenAdmin($params['serviceid'] ?? 0, $user, $password);
    }
    $configured = $session->call('POST', 'settings/sysadmin/domain-settings/' . $path,
        smartermail_fixtureNewDomainSettings($params), $session->saToken);
    if (!$configured['ok']) {
        // Roll back with the data deleted; whether that worked is not looked at.
        $session->call('POST', 'settings/sysadmin/domain-delete/' . $path . '/true', [], $session->saToken);
        return sprintf(smartermail_fixtureText('err_config_domain', $params), $configured['error']);
    }
    $session->daToken = $session->impersonateDomain()['token'];
    if ($session->daToken === '') {
        smartermail_fixtureLogActivity("Create: no domain-admin token for {$domain}, DKIM left off");
        return 'success';
    }
    $dkimProblem = smartermail_fixtureEnableDkim($session);
    if ($dkimProblem !== '') {  // DKIM never fails Create
        smartermail_fixtureLogActivity("Create: DKIM key for {$domain} not made: {$dkimProblem}");
    }
    return 'success';
}

/** Suspend / Unsuspend (3.2): POST domain-settings {isEnabled}. */
function smartermail_fixtureSetEnabled(array $params, $enabled)
{
    $session = new SmarterMailFixtureSession(smartermail_fixtureClient($params), $params);
    if (!$session->loginSysadmin()) {
        return smartermail_fixtureText('err_server_connect', $params);
    }
    $answer = $session->call('POST', 'settings/sysadmin/domain-settings/' . urlencode($session->domain),
        ['domainSettings' => ['isEnabled' => (bool) $enabled]], $session->saToken);
    if ($answer['ok']) {
        return 'success';
    }
    return ($enabled ? 'Error unsuspending account: ' : 'Error suspending account: ') . $answer['error'];
}

/**
 * TerminateAccount (3.3): POST domain-delete/{domain}/{true|false}, the data deleted only when
 * option 8 is exactly 'on'. The module then tidies its own tables (protocol-billing rows, DNS
 * cache); the fixture keeps no such tables, so that part is left out.
 */
function smartermail_fixtureTerminate(array $params)
{
    $session = new SmarterMailFixtureSession(smartermail_fixtureClient($params), $params);
    if (!$session->loginSysadmin()) {
        return smartermail_fixtureText('err_server_connect', $params);
    }
    $deleteData = ($params['configoption8'] ?? null) === 'on' ? 'true' : 'false';
    $answer = $session->call('POST', 'settings/sysadmin/domain-delete/' . urlencode($session->domain) . '/' . $deleteData,
        [], $session->saToken);
    return $answer['ok'] ? 'success' : 'Error terminating account: ' . $answer['error'];
}
