<?php
/**
 * Dates shown to clients (invoice line descriptions) in the format of the DateFormat setting
 * ('DD/MM/YYYY' on a fresh install; docs/whmcs-standin-facts.md (d)).
 */

namespace WHMCS\Sandbox\Billing;

use WHMCS\Config\Setting;

class DateFormat
{
    public static function display($ymd)
    {
        $pattern = (string) Setting::getValue('DateFormat');
        if ($pattern === '') {
            $pattern = 'DD/MM/YYYY';
        }
        $php = strtr($pattern, ['YYYY' => 'Y', 'MM' => 'm', 'DD' => 'd']);
        return (new \DateTimeImmutable((string) $ymd))->format($php);
    }
}
