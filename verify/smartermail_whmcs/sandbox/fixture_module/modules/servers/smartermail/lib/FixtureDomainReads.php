<?php
/**
 * Reads of a domain's accounts and settings, made the way the Astral 360 module makes them
 * (module-api-calls.md 3.7-3.9), shared by the client-area pages and actions.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

const SMARTERMAIL_FIXTURE_ACCOUNT_ALIAS = 4;
const SMARTERMAIL_FIXTURE_ACCOUNT_LIST = 5;
const SMARTERMAIL_FIXTURE_SPAM_OPTIONS = ['None', 'Delete', 'MoveToJunk', 'NoProcessing'];

/** POST account-list-search for 'users' or 'aliases'; users exclude aliases and lists, aliases are type 4 only. */
function smartermail_fixtureSearch(SmarterMailFixtureSession $session, $flag)
{
    $body = ['search' => null, 'searchFlags' => [$flag], 'skip' => 0, 'take' => 99999, 'sortField' => 'userName'];
    $rows = $session->read('POST', 'settings/domain/account-list-search', $body)['results'] ?? [];
    $wanted = [];
    foreach (is_array($rows) ? $rows : [] as $row) {
        $type = (int) ($row['accountType'] ?? 0);
        $isAlias = $type === SMARTERMAIL_FIXTURE_ACCOUNT_ALIAS;
        if ($flag === 'aliases' ? $isAlias : (!$isAlias && $type !== SMARTERMAIL_FIXTURE_ACCOUNT_LIST)) {
            $wanted[] = $row;
        }
    }
    return $wanted;
}

/** POST account-search-quick, indexed by lower-case userName (bytesUsed per mailbox). */
function smartermail_fixtureQuickSearch(SmarterMailFixtureSession $session)
{
    $body = ['search' => null, 'searchFlags' => ['users'], 'skip' => 0, 'take' => 99999, 'sortField' => 'userName',
        'sortDescending' => false];
    $indexed = [];
    foreach ($session->read('POST', 'settings/domain/account-search-quick', $body)['users'] ?? [] as $row) {
        $name = strtolower(trim((string) ($row['userName'] ?? '')));
        if ($name !== '') {
            $indexed[$name] = $row;
        }
    }
    return $indexed;
}

/** GET settings/domain/alias/{name} -> the alias object, or [] when unreadable. */
function smartermail_fixtureAlias(SmarterMailFixtureSession $session, $name)
{
    $alias = $session->read('GET', 'settings/domain/alias/' . urlencode($name))['alias'] ?? [];
    return is_array($alias) ? $alias : [];
}

/** An alias row's targets: from the search row when it has them, else from GET alias/{name}. */
function smartermail_fixtureAliasTargets(SmarterMailFixtureSession $session, array $row)
{
    $targets = $row['aliasTargetList'] ?? null;
    if (!is_array($targets)) {
        $targets = smartermail_fixtureAlias($session, (string) ($row['userName'] ?? ''))['aliasTargetList'] ?? [];
    }
    return array_values(array_map('strtolower', array_map('strval', $targets)));
}

/** The lower-case addresses with ActiveSync ('active-sync') or MAPI/EWS ('mapi-ews') on. */
function smartermail_fixtureProtocolEmails(SmarterMailFixtureSession $session, $protocol)
{
    $key = $protocol === 'active-sync' ? 'activeSyncAccounts' : 'mapiEwsAccounts';
    $emails = [];
    foreach ($session->read('GET', "settings/domain/{$protocol}-mailboxes")[$key] ?? [] as $row) {
        $emails[strtolower((string) ($row['emailAddress'] ?? ''))] = true;
    }
    return $emails;
}

/**
 * A mailbox's forwarding: POST get-mailbox-forward-list {email}; without a mailboxForwardList the
 * module's fallback (3.9): the first of its user-token probes whose body holds a token (status
 * ignored), then GET settings/mailbox-forward-list with that token. The sysadmin probes only run
 * when $withSysadmin (the dashboard).
 */
function smartermail_fixtureForwarding(SmarterMailFixtureSession $session, $user, $withSysadmin)
{
    $email = $session->email($user);
    $answer = $session->read('POST', 'settings/domain/get-mailbox-forward-list', ['email' => $email]);
    if (isset($answer['mailboxForwardList']) && is_array($answer['mailboxForwardList'])) {
        return $answer['mailboxForwardList'];
    }
    $probes = [];
    if ($withSysadmin) {
        $probes[] = ['settings/sysadmin/manage-user/' . urlencode($email), $session->saToken];
        $probes[] = ['settings/sysadmin/impersonate-user/' . urlencode($email), $session->saToken];
        $probes[] = ['settings/sysadmin/manage-user/' . urlencode($user) . '/' . urlencode($session->domain), $session->saToken];
    }
    $probes[] = ['settings/domain/impersonate-user/' . urlencode($user), $session->daToken];
    $probes[] = ['settings/domain/manage-user/' . urlencode($user), $session->daToken];
    foreach ($probes as [$path, $token]) {
        $data = $session->call('POST', $path, [], $token)['data'] ?? [];
        foreach (['accessToken', 'impersonateAccessToken', 'userToken'] as $field) {
            if (!empty($data[$field])) {
                $own = $session->read('GET', 'settings/mailbox-forward-list', [], (string) $data[$field]);
                return is_array($own['mailboxForwardList'] ?? null) ? $own['mailboxForwardList'] : [];
            }
        }
    }
    return [];
}

/** GET settings/domain/domain -> the domainSettings object ([] when unreadable). */
function smartermail_fixtureDomainSettings(SmarterMailFixtureSession $session)
{
    $settings = $session->read('GET', 'settings/domain/domain')['domainSettings'] ?? [];
    return is_array($settings) ? $settings : [];
}

/** The DKIM key the module shows: the active one first, then the pending one. */
function smartermail_fixtureDkimKey(array $settings)
{
    $keys = is_array($settings['domainKeysSettings'] ?? null) ? $settings['domainKeysSettings'] : [];
    $pending = is_array($keys['pending'] ?? null) ? $keys['pending'] : [];
    foreach ([['active', $keys], ['pending', $pending]] as [$status, $key]) {
        if (!empty($key['selector']) && !empty($key['publicKey'])) {
            return ['status' => $status, 'selector' => (string) $key['selector'], 'publicKey' => (string) $key['publicKey']];
        }
    }
    return ['status' => 'none', 'selector' => '', 'publicKey' => ''];
}

/** GET settings/domain/domain-aliases -> the alias names (domainAliasData may be null). */
function smartermail_fixtureDomainAliasNames(SmarterMailFixtureSession $session)
{
    $names = [];
    foreach ($session->read('GET', 'settings/domain/domain-aliases')['domainAliasData'] ?? [] as $row) {
        $names[] = strtolower((string) ($row['name'] ?? ''));
    }
    return $names;
}
