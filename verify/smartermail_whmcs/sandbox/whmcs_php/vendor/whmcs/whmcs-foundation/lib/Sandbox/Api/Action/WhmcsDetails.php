<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Config\Setting;

/** WhmcsDetails: the installed version (developers.whmcs.com/api-reference/whmcsdetails). */
class WhmcsDetails
{
    public static function run(array $values)
    {
        $version = (string) Setting::getValue('Version');
        return ['whmcs' => [
            'version' => preg_replace('/-.*$/', '', $version),
            'canonicalversion' => $version,
        ]];
    }
}
