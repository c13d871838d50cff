<?php
/**
 * The client area's dashboard and pages, with the API calls the Astral 360 module makes for each
 * (module-api-calls.md 3.7 and 3.8, "pages"). What the module reads from the WHMCS database for the
 * dashboard (dates, price, gateway) and its DNS checks are left out: they do not touch SmarterMail.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/** A form or query field: POST first, then GET (the module's pages take both). */
function smartermail_fixtureField($name, $default = '')
{
    if (isset($_POST[$name])) {
        return $_POST[$name];
    }
    return $_GET[$name] ?? $default;
}

/** A list field (name[] in a form): the non-empty trimmed strings. */
function smartermail_fixtureListField($name)
{
    $value = smartermail_fixtureField($name, []);
    $items = is_array($value) ? $value : [$value];
    return array_values(array_filter(array_map('trim', array_map('strval', $items)), 'strlen'));
}

function smartermail_fixtureTemplate($name, array $vars)
{
    return ['tabOverviewReplacementTemplate' => "templates/{$name}.tpl", 'templateVariables' => $vars];
}

/** The dashboard: usage, mailboxes (hidden admin left out), redirects, protocols, DKIM, domain aliases. */
function smartermail_fixtureDashboard(SmarterMailFixtureSession $session, array $params)
{
    $data = $session->read('GET', 'settings/domain/data')['domainData'] ?? [];
    $usageMb = (float) ($data['sizeMb'] ?? 0);
    $gbPerTier = max(1, (int) ($params['configoption1'] ?? 10));
    $usageGb = round($usageMb / 1024, 4);

    $users = smartermail_fixtureSearch($session, 'users');
    $quick = smartermail_fixtureQuickSearch($session);
    $redirects = [];
    $aliasesOf = [];
    foreach (smartermail_fixtureSearch($session, 'aliases') as $row) {
        $targets = smartermail_fixtureAliasTargets($session, $row);
        $redirects[] = ['name' => (string) $row['userName'], 'targets' => $targets];
        foreach ($targets as $target) {
            $aliasesOf[$target][] = (string) $row['userName'];
        }
    }
    $eas = (($params['configoption14'] ?? '') === 'on' || (float) ($params['configoption2'] ?? 0) > 0)
        ? smartermail_fixtureProtocolEmails($session, 'active-sync') : [];
    $mapi = (($params['configoption15'] ?? '') === 'on' || (float) ($params['configoption3'] ?? 0) > 0)
        ? smartermail_fixtureProtocolEmails($session, 'mapi-ews') : [];

    $hidden = strtolower(trim((string) ($params['username'] ?? '')));
    $mailboxes = [];
    foreach ($users as $row) {
        $name = strtolower((string) ($row['userName'] ?? ''));
        $forwarding = smartermail_fixtureForwarding($session, $name, true);  // hidden admin included, as in the module
        if ($name === $hidden) {
            continue;
        }
        $email = $session->email($name);
        $mailboxes[] = [
            'userName' => $name,
            'email' => $email,
            'bytesUsed' => (int) ($quick[$name]['bytesUsed'] ?? 0),
            'lastLogin' => (string) ($row['lastLogin'] ?? ''),
            'eas' => isset($eas[$email]),
            'mapi' => isset($mapi[$email]),
            'forwardList' => array_values($forwarding['forwardList'] ?? []),
            'aliases' => $aliasesOf[$email] ?? [],
        ];
    }

    $settings = smartermail_fixtureDomainSettings($session);
    $aliasLimit = (int) ($params['configoption17'] ?? 0);
    return smartermail_fixtureTemplate('overview', [
        'domain' => $session->domain,
        'domainNotReady' => false,
        'usageMb' => $usageMb,
        'usageGB' => $usageGb,
        'gbPerTier' => $gbPerTier,
        'tiers' => max(1, (int) ceil($usageGb / $gbPerTier)),
        'users' => $mailboxes,
        'redirects' => $redirects,
        'dkim' => smartermail_fixtureDkimKey($settings) + ['signingAllowed' => !empty($settings['enableDkimSigningDomainAdmin'])],
        'domainAliasLimit' => $aliasLimit,
        'domainAliases' => $aliasLimit > 0 ? smartermail_fixtureDomainAliasNames($session) : [],
        'csrfToken' => (string) ($_SESSION['CSRF'] ?? ''),
        'webmailUrl' => 'https://' . ($params['serverhostname'] ?? '') . '/interface/root#/login',
    ]);
}

/** adduserpage: which protocols the domain manages (GET domain/domain). */
function smartermail_fixturePageAddUser(SmarterMailFixtureSession $session, array $params)
{
    $settings = smartermail_fixtureDomainSettings($session);
    return smartermail_fixtureTemplate('adduser', [
        'domain' => $session->domain,
        'easManaged' => !empty($settings['enableActiveSyncAccountManagement']),
        'mapiManaged' => !empty($settings['enableMapiEwsAccountManagement']),
        'passwordMinimum' => (int) ($params['configoption9'] ?? 6),
    ]);
}

/** edituserpage: the user, its mail settings, protocols, aliases and forwarding. */
function smartermail_fixturePageEditUser(SmarterMailFixtureSession $session, array $params)
{
    $user = strtolower(trim((string) smartermail_fixtureField('selectuser', smartermail_fixtureField('username'))));
    $email = $session->email($user);
    $userData = $session->read('POST', 'settings/domain/get-user', ['email' => $email])['userData'] ?? [];
    $mail = $session->read('POST', 'settings/domain/get-user-mail', ['email' => $email])['userMailSettings'] ?? [];
    $eas = smartermail_fixtureProtocolEmails($session, 'active-sync');
    $mapi = smartermail_fixtureProtocolEmails($session, 'mapi-ews');
    $settings = smartermail_fixtureDomainSettings($session);
    $aliases = [];
    foreach (smartermail_fixtureSearch($session, 'aliases') as $row) {
        if (in_array($email, smartermail_fixtureAliasTargets($session, $row), true)) {
            $aliases[] = (string) $row['userName'];
        }
    }
    return smartermail_fixtureTemplate('edituser', [
        'domain' => $session->domain,
        'userName' => $user,
        'email' => $email,
        'found' => !empty($userData),
        'fullName' => (string) ($userData['fullName'] ?? ''),
        'bytesUsed' => (int) ($mail['totalMailboxSize'] ?? $userData['currentMailboxSize'] ?? 0),
        'maxMailboxSize' => (int) ($mail['maxSize'] ?? $userData['maxMailboxSize'] ?? 0),
        'eas' => isset($eas[$email]),
        'mapi' => isset($mapi[$email]),
        'easManaged' => !empty($settings['enableActiveSyncAccountManagement']),
        'mapiManaged' => !empty($settings['enableMapiEwsAccountManagement']),
        'aliases' => $aliases,
        'forwarding' => smartermail_fixtureForwarding($session, $user, false),
    ]);
}

function smartermail_fixturePageAddRedirect(SmarterMailFixtureSession $session, array $params)
{
    return smartermail_fixtureTemplate('addredirect', ['domain' => $session->domain]);
}

/** editredirectpage: GET alias/{aliasname}. */
function smartermail_fixturePageEditRedirect(SmarterMailFixtureSession $session, array $params)
{
    $alias = smartermail_fixtureAlias($session, strtolower(trim((string) smartermail_fixtureField('aliasname'))));
    return smartermail_fixtureTemplate('editredirect', [
        'domain' => $session->domain,
        'found' => !empty($alias['name']),
        'aliasName' => (string) ($alias['name'] ?? ''),
        'targets' => array_values($alias['aliasTargetList'] ?? []),
    ]);
}
