<?php
/**
 * The client-area actions, each with the API calls of the Astral 360 module in its order and judged
 * as it judges them (module-api-calls.md 3.8): 'success', or the message to show. Only the call
 * named in each function's comment decides; the calls after it are made and their result ignored.
 * The module's protocol-billing rows in the WHMCS database are left out.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

const SMARTERMAIL_FIXTURE_NAME_PATTERN = '/^[a-z0-9][a-z0-9._-]{0,63}$/i';
const SMARTERMAIL_FIXTURE_DOMAIN_PATTERN = '/^(?=.{4,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i';

/** The redirect body of alias-put/ and alias/ (createredirect's flags, the given targets). */
function smartermail_fixtureAliasBody($name, array $targets, array $kept = [])
{
    return [
        'name' => $name,
        'displayName' => (string) ($kept['displayName'] ?? $name),
        'allowSending' => (bool) ($kept['allowSending'] ?? false),
        'hideFromGAL' => (bool) ($kept['hideFromGAL'] ?? false),
        'internalOnly' => (bool) ($kept['internalOnly'] ?? false),
        'aliasTargetList' => array_values($targets),
    ];
}

/**
 * Switch ActiveSync ('active-sync') or MAPI/EWS ('mapi-ews') for one mailbox: when turning it on and
 * the domain does not manage the protocol yet, the sysadmin turns management on first (SA token).
 */
function smartermail_fixtureSetProtocol(SmarterMailFixtureSession $session, $protocol, $email, $active)
{
    $switch = $protocol === 'active-sync' ? 'enableActiveSyncAccountManagement' : 'enableMapiEwsAccountManagement';
    if ($active && empty(smartermail_fixtureDomainSettings($session)[$switch])) {
        $session->call('POST', 'settings/sysadmin/domain-settings/' . urlencode($session->domain),
            ['domainSettings' => [$switch => true]], $session->saToken);
    }
    $session->call('POST', "settings/domain/{$protocol}-mailboxes-patch", [['emailAddress' => $email, 'isActive' => (bool) $active]]);
}

/** POST post-mailbox-forward-list from the form's fwd_* fields. */
function smartermail_fixtureSaveForwarding(SmarterMailFixtureSession $session, $email, array $forwardList)
{
    $spam = (string) smartermail_fixtureField('fwd_spam', 'None');
    $session->call('POST', 'settings/domain/post-mailbox-forward-list', [
        'email' => $email,
        'mailboxForwardList' => [
            'forwardList' => array_values($forwardList),
            'keepRecipients' => (bool) smartermail_fixtureField('fwd_keep', false),
            'deleteOnForward' => (bool) smartermail_fixtureField('fwd_delete', false),
            'spamForwardOption' => in_array($spam, SMARTERMAIL_FIXTURE_SPAM_OPTIONS, true) ? $spam : 'None',
        ],
    ]);
}

/** createuser: decided by POST user-put; aliases, forwarding and protocols follow. */
function smartermail_fixtureActionCreateUser(SmarterMailFixtureSession $session, array $params)
{
    $user = strtolower(trim((string) smartermail_fixtureField('username')));
    $password = (string) smartermail_fixtureField('password');
    if (!preg_match(SMARTERMAIL_FIXTURE_NAME_PATTERN, $user)) {
        return 'The user name may hold letters, digits, dots, dashes and underscores only.';
    }
    $problem = smartermail_fixtureMailboxPasswordProblem($password, $user, $session->domain, $params);
    if ($problem !== '') {
        return $problem;
    }
    $sizeMb = (int) smartermail_fixtureField('mailboxsize_mb', 0);
    $created = $session->call('POST', 'settings/domain/user-put', ['userData' => [
        'userName' => $user,
        'password' => $password,
        'securityFlags' => ['isDomainAdmin' => false],
        'maxMailboxSize' => $sizeMb > 0 ? $sizeMb * SMARTERMAIL_FIXTURE_BYTES_PER_MB : 0,
    ]]);
    if (!$created['ok']) {
        return strpos($created['error'], 'NAME_IN_USE') !== false
            ? "The address {$user}@{$session->domain} already exists." : $created['error'];
    }
    $email = $session->email($user);
    foreach (smartermail_fixtureListField('aliases') as $alias) {
        $session->call('POST', 'settings/domain/alias-put/', ['alias' => smartermail_fixtureAliasBody(strtolower($alias), [$email])]);
    }
    $forwardList = array_merge(smartermail_fixtureListField('fwd_list'), smartermail_fixtureListField('forward_to'));
    if ($forwardList) {
        smartermail_fixtureSaveForwarding($session, $email, $forwardList);
    }
    foreach (['enable_eas' => 'active-sync', 'enable_mapi' => 'mapi-ews'] as $field => $protocol) {
        if (smartermail_fixtureField($field, '') !== '') {
            smartermail_fixtureSetProtocol($session, $protocol, $email, true);
        }
    }
    return 'success';
}

/** saveuser: decided by POST post-user; protocols, alias changes and forwarding follow. */
function smartermail_fixtureActionSaveUser(SmarterMailFixtureSession $session, array $params)
{
    $user = strtolower(trim((string) smartermail_fixtureField('selectuser')));
    $email = $session->email($user);
    $userData = ['fullName' => substr((string) smartermail_fixtureField('fullname'), 0, 100)];
    $sizeMb = (int) smartermail_fixtureField('mailboxsize_mb', 0);
    $userData['maxMailboxSize'] = $sizeMb > 0 ? $sizeMb * SMARTERMAIL_FIXTURE_BYTES_PER_MB : 0;
    $password = (string) smartermail_fixtureField('password');
    if ($password !== '') {
        $problem = smartermail_fixtureMailboxPasswordProblem($password, $user, $session->domain, $params);
        if ($problem !== '') {
            return $problem;
        }
        $userData['password'] = $password;
    }
    $saved = $session->call('POST', 'settings/domain/post-user', ['email' => $email, 'userData' => $userData]);
    if (!$saved['ok']) {
        return $saved['error'];
    }
    foreach (['configoption14' => ['enable_eas', 'active-sync'], 'configoption15' => ['enable_mapi', 'mapi-ews']] as $option => [$field, $protocol]) {
        if (($params[$option] ?? '') === 'on') {  // patched on every save, on or off
            smartermail_fixtureSetProtocol($session, $protocol, $email, smartermail_fixtureField($field, '') !== '');
        }
    }
    $wanted = array_map('strtolower', smartermail_fixtureListField('aliases'));
    $had = array_map('strtolower', smartermail_fixtureListField('orig_aliases'));
    foreach (array_diff($had, $wanted) as $name) {
        $alias = smartermail_fixtureAlias($session, $name);
        $others = array_values(array_diff(array_map('strtolower', $alias['aliasTargetList'] ?? []), [$email]));
        if (empty($alias['name'])) {
            continue;
        }
        if (!$others) {
            $session->call('POST', 'settings/domain/alias-delete/' . urlencode($name), []);
        } else {
            $session->call('POST', 'settings/domain/alias/', ['oldName' => $name, 'alias' => smartermail_fixtureAliasBody($name, $others, $alias)]);
        }
    }
    foreach (array_diff($wanted, $had) as $name) {
        $alias = smartermail_fixtureAlias($session, $name);
        if (!empty($alias['name'])) {
            $targets = array_values(array_unique(array_merge($alias['aliasTargetList'] ?? [], [$email])));
            $session->call('POST', 'settings/domain/alias/', ['oldName' => $name, 'alias' => smartermail_fixtureAliasBody($name, $targets, $alias)]);
        } else {
            $session->call('POST', 'settings/domain/alias-put/', ['alias' => smartermail_fixtureAliasBody($name, [$email])]);
        }
    }
    if (smartermail_fixtureField('fwd_updated', '') !== '' || smartermail_fixtureListField('fwd_list')) {
        smartermail_fixtureSaveForwarding($session, $email, smartermail_fixtureListField('fwd_list'));
    }
    return 'success';
}

/** savepassword: POST post-user {email, userData: {password}}. */
function smartermail_fixtureActionSavePassword(SmarterMailFixtureSession $session, array $params)
{
    $user = strtolower(trim((string) smartermail_fixtureField('selectuser')));
    $password = (string) smartermail_fixtureField('password');
    $problem = smartermail_fixtureMailboxPasswordProblem($password, $user, $session->domain, $params);
    if ($problem !== '') {
        return $problem;
    }
    $saved = $session->call('POST', 'settings/domain/post-user', ['email' => $session->email($user), 'userData' => ['password' => $password]]);
    return $saved['ok'] ? 'success' : $saved['error'];
}

/** deleteuser: aliases whose only target is the user go first; decided by account-list-delete. */
function smartermail_fixtureActionDeleteUser(SmarterMailFixtureSession $session, array $params)
{
    $user = strtolower(trim((string) smartermail_fixtureField('selectuser')));
    $email = $session->email($user);
    foreach (smartermail_fixtureSearch($session, 'aliases') as $row) {
        if (smartermail_fixtureAliasTargets($session, $row) === [$email]) {
            $session->call('POST', 'settings/domain/alias-delete/' . urlencode((string) $row['userName']), []);
        }
    }
    $deleted = $session->call('POST', 'settings/domain/account-list-delete', ['input' => [$user]]);
    return $deleted['ok'] ? 'success' : $deleted['error'];
}

/** toggledkim: enable as Create does (key found, or a rollover made); disable by dkim-disable. */
function smartermail_fixtureActionToggleDkim(SmarterMailFixtureSession $session, array $params)
{
    if (smartermail_fixtureField('dkim_action') === 'disable') {
        $disabled = $session->call('POST', 'settings/domain/dkim-disable', []);
        return $disabled['ok'] ? 'success' : $disabled['error'];
    }
    $problem = smartermail_fixtureEnableDkim($session);
    return $problem === '' ? 'success' : $problem;
}

/** adddomainalias: local limits, then POST domain-alias-put/{alias}/false/ with the DA-imp token and no body. */
function smartermail_fixtureActionAddDomainAlias(SmarterMailFixtureSession $session, array $params)
{
    $limit = (int) ($params['configoption17'] ?? 0);
    $name = strtolower(trim((string) smartermail_fixtureField('domain_alias_name')));
    if ($limit <= 0) {
        return 'Domain aliases are not part of this plan.';
    }
    if (!preg_match(SMARTERMAIL_FIXTURE_DOMAIN_PATTERN, $name) || $name === $session->domain) {
        return "{$name} is not a domain name this domain can take as an alias.";
    }
    $impersonated = $session->impersonateDomain()['token'];
    $existing = smartermail_fixtureDomainAliasNames($session);
    if (count($existing) >= $limit || in_array($name, $existing, true)) {
        return in_array($name, $existing, true) ? "{$name} is already an alias of this domain." : "This plan allows {$limit} domain alias(es).";
    }
    $added = $session->call('POST', 'settings/domain/domain-alias-put/' . urlencode($name) . '/false/', null, $impersonated);
    return $added['ok'] ? 'success' : $added['error'];
}

/** deletedomainalias: the alias must be listed; decided by POST domain-alias-delete/{alias}. */
function smartermail_fixtureActionDeleteDomainAlias(SmarterMailFixtureSession $session, array $params)
{
    $name = strtolower(trim((string) smartermail_fixtureField('domain_alias_name')));
    if (!in_array($name, smartermail_fixtureDomainAliasNames($session), true)) {
        return "{$name} is not an alias of this domain.";
    }
    $deleted = $session->call('POST', 'settings/domain/domain-alias-delete/' . urlencode($name), []);
    return $deleted['ok'] ? 'success' : $deleted['error'];
}

/** createredirect: the name must be free among users and aliases; decided by POST alias-put/. */
function smartermail_fixtureActionCreateRedirect(SmarterMailFixtureSession $session, array $params)
{
    $name = strtolower(trim((string) smartermail_fixtureField('aliasname')));
    $targets = array_map('strtolower', smartermail_fixtureListField('targets'));
    if (!preg_match(SMARTERMAIL_FIXTURE_NAME_PATTERN, $name) || !$targets) {
        return 'A redirect needs a valid name and at least one target.';
    }
    foreach (array_merge(smartermail_fixtureSearch($session, 'users'), smartermail_fixtureSearch($session, 'aliases')) as $row) {
        if (strtolower((string) ($row['userName'] ?? '')) === $name) {
            return "The address {$name}@{$session->domain} already exists.";
        }
    }
    $created = $session->call('POST', 'settings/domain/alias-put/', ['alias' => smartermail_fixtureAliasBody($name, $targets)]);
    return $created['ok'] ? 'success' : $created['error'];
}

/** saveredirect: GET alias/{name} must answer; decided by POST alias/ with the kept flags. */
function smartermail_fixtureActionSaveRedirect(SmarterMailFixtureSession $session, array $params)
{
    $name = strtolower(trim((string) smartermail_fixtureField('aliasname')));
    $alias = smartermail_fixtureAlias($session, $name);
    if (empty($alias['name'])) {
        return "The redirect {$name} was not found.";
    }
    $targets = array_map('strtolower', smartermail_fixtureListField('targets'));
    $saved = $session->call('POST', 'settings/domain/alias/', ['oldName' => $name, 'alias' => smartermail_fixtureAliasBody($name, $targets, $alias)]);
    return $saved['ok'] ? 'success' : $saved['error'];
}

/** deleteredirect: POST alias-delete/{name}; its result is ignored, as in the module. */
function smartermail_fixtureActionDeleteRedirect(SmarterMailFixtureSession $session, array $params)
{
    $session->call('POST', 'settings/domain/alias-delete/' . urlencode(strtolower(trim((string) smartermail_fixtureField('aliasname')))), []);
    return 'success';
}
