<?php
/**
 * Keeps module PHP from sending DNS queries off the machine.
 *
 * PHP's resolver functions are disabled in every PHP process the sandbox starts (php.ini
 * disable_functions; a CLI process started without it re-executes itself with it, see
 * whmcs_sandbox_contain() in containment.php). Since PHP 8.0 a disabled function can be declared
 * again, so the sandbox declares each one with a local answer: records listed in ROOTDIR/sandbox/dns.json
 * ({"host": {"TXT": [{...dns_get_record row...}], "A": [...]}}), nothing otherwise.
 */

const WHMCS_SANDBOX_DNS_FUNCTIONS = [
    'dns_get_record', 'checkdnsrr', 'dns_check_record', 'getmxrr', 'dns_get_mx',
    'gethostbyname', 'gethostbynamel', 'gethostbyaddr',
];

/** True when every resolver function is disabled in this process's ini settings. */
function whmcs_sandbox_dns_disabled()
{
    $disabled = array_map('trim', explode(',', (string) ini_get('disable_functions')));
    return !array_diff(WHMCS_SANDBOX_DNS_FUNCTIONS, $disabled);
}

/** The -d value that disables the resolver functions on top of what php.ini disables already. */
function whmcs_sandbox_disable_functions_value()
{
    $current = array_filter(array_map('trim', explode(',', (string) ini_get('disable_functions'))));
    return implode(',', array_unique(array_merge($current, WHMCS_SANDBOX_DNS_FUNCTIONS)));
}

/** Records of the sandbox's local zone file for $host and $type ('A', 'TXT', ...). */
function whmcs_sandbox_dns_records($host, $type)
{
    static $zone = null;
    if ($zone === null) {
        $file = ROOTDIR . '/sandbox/dns.json';
        $zone = is_file($file) ? (array) json_decode((string) file_get_contents($file), true) : [];
    }
    $records = $zone[strtolower(rtrim((string) $host, '.'))] ?? [];
    if ($type === 'ANY') {
        return array_merge(...array_values($records ?: [[]]));
    }
    return $records[$type] ?? [];
}

function whmcs_sandbox_declare_local_resolver()
{
    if (function_exists('dns_get_record')) {
        return;
    }
    require __DIR__ . '/dns_functions.php';
}
