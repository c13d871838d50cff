<?php
/**
 * Local stand-ins for PHP's resolver functions (declared only once the originals are disabled).
 * Each answers from the sandbox's zone file and otherwise behaves as the original does when
 * nothing is found. The declarations sit in a block so that they happen only when this file runs
 * (a plain `php -l` of it must not see PHP's own functions declared twice).
 */

if (!function_exists('dns_get_record')) {
    function whmcs_sandbox_dns_types()
    {
        return [
            DNS_A => 'A', DNS_NS => 'NS', DNS_CNAME => 'CNAME', DNS_SOA => 'SOA', DNS_PTR => 'PTR',
            DNS_HINFO => 'HINFO', DNS_CAA => 'CAA', DNS_MX => 'MX', DNS_TXT => 'TXT', DNS_SRV => 'SRV',
            DNS_NAPTR => 'NAPTR', DNS_AAAA => 'AAAA', DNS_A6 => 'A6',
        ];
    }

    function dns_get_record($hostname, $type = DNS_ANY, &$authns = null, &$addtl = null, $raw = false)
    {
        $authns = [];
        $addtl = [];
        if ($type === DNS_ANY || $type === DNS_ALL) {
            return whmcs_sandbox_dns_records($hostname, 'ANY');
        }
        $found = [];
        foreach (whmcs_sandbox_dns_types() as $flag => $name) {
            if (($type & $flag) === $flag) {
                $found = array_merge($found, whmcs_sandbox_dns_records($hostname, $name));
            }
        }
        return $found;
    }

    function checkdnsrr($hostname, $type = 'MX')
    {
        return whmcs_sandbox_dns_records($hostname, strtoupper((string) $type)) !== [];
    }

    function dns_check_record($hostname, $type = 'MX')
    {
        return checkdnsrr($hostname, $type);
    }

    function getmxrr($hostname, &$hosts, &$weights = null)
    {
        $hosts = [];
        $weights = [];
        foreach (whmcs_sandbox_dns_records($hostname, 'MX') as $record) {
            $hosts[] = (string) ($record['target'] ?? '');
            $weights[] = (int) ($record['pri'] ?? 0);
        }
        return $hosts !== [];
    }

    function dns_get_mx($hostname, &$hosts, &$weights = null)
    {
        return getmxrr($hostname, $hosts, $weights);
    }

    function gethostbynamel($hostname)
    {
        if (filter_var($hostname, FILTER_VALIDATE_IP, FILTER_FLAG_IPV4)) {
            return [$hostname];
        }
        if (strtolower((string) $hostname) === 'localhost') {
            return ['127.0.0.1'];
        }
        $addresses = array_column(whmcs_sandbox_dns_records($hostname, 'A'), 'ip');
        return $addresses ?: false;
    }

    function gethostbyname($hostname)
    {
        $addresses = gethostbynamel($hostname);
        return $addresses ? $addresses[0] : $hostname;
    }

    function gethostbyaddr($ip)
    {
        return $ip;
    }
}
