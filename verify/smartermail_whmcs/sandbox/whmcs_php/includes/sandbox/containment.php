<?php
/**
 * The settings every PHP process of the sandbox's WHMCS runs with, given on php's command line
 * because PHP reads them only at start:
 *
 * - disable_functions names PHP's resolver functions, so module code cannot send DNS queries off
 *   the machine (dns.php declares local stand-ins for them);
 * - with `sandbox up --tls`, curl.cainfo and openssl.cafile name the simulator's throwaway CA
 *   (WHMCS_SANDBOX_CA_FILE, from init.php): PHP's default trust store, the one a module's plain
 *   curl_init()/curl_exec() verifies certificates with, trusts the simulator, as on a host whose
 *   administrator installed a private CA for PHP. PHP's curl prefers openssl.cafile and falls back
 *   to curl.cainfo (php-src ext/curl, _php_curl_set_default_options), so both are set.
 *
 * A CLI process (cron.php, the localAPI entry, a crontab line written by the install playbook, a
 * `php -r` that requires init.php) started without them re-executes itself with the same command
 * line plus -d for each; anything else is refused.
 */

require_once __DIR__ . '/dns.php';

const WHMCS_SANDBOX_REEXEC = 'WHMCS_SANDBOX_DNS_CONTAINED';

/** name => value of the PHP_INI_SYSTEM settings that make the sandbox host's trust store. */
function whmcs_sandbox_trust_settings()
{
    $ca = defined('WHMCS_SANDBOX_CA_FILE') ? (string) WHMCS_SANDBOX_CA_FILE : '';
    return $ca === '' ? [] : ['curl.cainfo' => $ca, 'openssl.cafile' => $ca];
}

/** True when this process already runs with every sandbox setting. */
function whmcs_sandbox_contained()
{
    foreach (whmcs_sandbox_trust_settings() as $name => $value) {
        if ((string) ini_get($name) !== $value) {
            return false;
        }
    }
    return whmcs_sandbox_dns_disabled();
}

/** The -d arguments that give this process every sandbox setting. */
function whmcs_sandbox_ini_arguments()
{
    $settings = ['disable_functions' => whmcs_sandbox_disable_functions_value()] + whmcs_sandbox_trust_settings();
    $arguments = [];
    foreach ($settings as $name => $value) {
        array_push($arguments, '-d', $name . '=' . $value);
    }
    return $arguments;
}

function whmcs_sandbox_contain()
{
    if (whmcs_sandbox_contained()) {
        whmcs_sandbox_declare_local_resolver();
        return;
    }
    $cmdline = PHP_SAPI === 'cli' ? @file_get_contents('/proc/self/cmdline') : false;
    if ($cmdline === false || getenv(WHMCS_SANDBOX_REEXEC) === '1' || !function_exists('pcntl_exec')) {
        $trust = whmcs_sandbox_trust_settings() ? ' and trusting the simulator\'s CA ('
            . WHMCS_SANDBOX_CA_FILE . ' as curl.cainfo and openssl.cafile)' : '';
        throw new RuntimeException('The WHMCS sandbox runs PHP only with its DNS functions disabled ('
            . implode(', ', WHMCS_SANDBOX_DNS_FUNCTIONS) . ')' . $trust . '; start php with '
            . implode(' ', array_map('escapeshellarg', whmcs_sandbox_ini_arguments())));
    }
    // Each argument ends with one NUL: drop only the last one, so empty arguments ('') survive.
    $argv = explode("\0", substr($cmdline, -1) === "\0" ? substr($cmdline, 0, -1) : $cmdline);
    array_shift($argv); // the php binary itself
    putenv(WHMCS_SANDBOX_REEXEC . '=1');
    pcntl_exec(PHP_BINARY, array_merge(whmcs_sandbox_ini_arguments(), $argv));
    throw new RuntimeException('could not re-execute php with the sandbox settings');
}
