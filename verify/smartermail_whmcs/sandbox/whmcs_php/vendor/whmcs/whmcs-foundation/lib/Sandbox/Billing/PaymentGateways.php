<?php
/**
 * Activated payment gateways: tblpaymentgateways holds one row per setting of each activated
 * gateway module; its 'name' row carries the display name (docs/whmcs-standin-facts.md (d)).
 */

namespace WHMCS\Sandbox\Billing;

use WHMCS\Database\Capsule;

class PaymentGateways
{
    /** gateway module name => display name, in the admin's order. */
    public static function active()
    {
        return Capsule::table('tblpaymentgateways')->where('setting', 'name')->orderBy('order')->orderBy('id')
            ->pluck('value', 'gateway')->map(function ($value) {
                return (string) $value;
            })->all();
    }

    public static function isActive($gateway)
    {
        return array_key_exists((string) $gateway, self::active());
    }

    /** The gateway an invoice gets when none is named: the client's default, else the first active one. */
    public static function forClient($clientId)
    {
        $default = (string) Capsule::table('tblclients')->where('id', $clientId)->value('defaultgateway');
        if ($default !== '' && self::isActive($default)) {
            return $default;
        }
        return (string) (array_key_first(self::active()) ?? '');
    }
}
