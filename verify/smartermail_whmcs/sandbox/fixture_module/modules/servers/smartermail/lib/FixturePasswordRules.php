<?php
/**
 * The password checks the Astral 360 module makes itself before it calls SmarterMail
 * (module-api-calls.md 2.1 and 3.8). They are the module's, not the server's: the simulator
 * applies the server's own policy on top.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

const SMARTERMAIL_FIXTURE_PASSWORD_SYMBOLS = '!@#$%^&*-_=+';

/**
 * The hidden admin's password (CreateAccount, ChangePassword): '' when acceptable, else why not.
 * Length >= max(8, opt9); a capital (opt10), a digit (opt11), a symbol (opt12) when 'on';
 * never the username, the domain, or the domain's first label when it has 4+ characters.
 */
function smartermail_fixtureAdminPasswordProblem($password, $user, $domain, array $params)
{
    $minimum = max(8, (int) ($params['configoption9'] ?? 0));
    if (strlen($password) < $minimum) {
        return "The password must be at least {$minimum} characters long.";
    }
    if (($params['configoption10'] ?? '') === 'on' && !preg_match('/[A-Z]/', $password)) {
        return 'The password must contain an upper-case letter.';
    }
    if (($params['configoption11'] ?? '') === 'on' && !preg_match('/[0-9]/', $password)) {
        return 'The password must contain a digit.';
    }
    if (($params['configoption12'] ?? '') === 'on' && strpbrk($password, SMARTERMAIL_FIXTURE_PASSWORD_SYMBOLS) === false) {
        return 'The password must contain one of ' . SMARTERMAIL_FIXTURE_PASSWORD_SYMBOLS . '.';
    }
    return smartermail_fixtureNamesInPassword($password, $user, $domain, true);
}

/** A mailbox password (client area): at least (int)(opt9 ?? 6) characters, no user or domain in it. */
function smartermail_fixtureMailboxPasswordProblem($password, $user, $domain, array $params)
{
    $minimum = (int) ($params['configoption9'] ?? 6);
    if (strlen($password) < $minimum) {
        return "The password must be at least {$minimum} characters long.";
    }
    return smartermail_fixtureNamesInPassword($password, $user, $domain, false);
}

function smartermail_fixtureNamesInPassword($password, $user, $domain, $withFirstLabel)
{
    $lower = strtolower($password);
    $names = [strtolower($user), strtolower($domain)];
    $firstLabel = strtolower((string) strstr($domain . '.', '.', true));
    if ($withFirstLabel && strlen($firstLabel) >= 4) {
        $names[] = $firstLabel;
    }
    foreach ($names as $name) {
        if ($name !== '' && strpos($lower, $name) !== false) {
            return 'The password must not contain the user name or the domain.';
        }
    }
    return '';
}
