<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\Billing\PaymentGateways;
use WHMCS\Sandbox\Orders\OrderPlacement;

/**
 * AddOrder (api-reference/addorder): products only (pid[], domain[], billingcycle[], qty[],
 * priceoverride[]); addons, domain registrations, promotions, custom fields and configurable
 * options are not supported by the sandbox. Answers orderid, serviceids ("1,2"), addonids,
 * domainids and invoiceid, as strings like the documented example.
 */
class AddOrder
{
    public static function run(array $values)
    {
        $client = Capsule::table('tblclients')->where('id', Input::int($values, 'clientid'))->first();
        if ($client === null) {
            throw new ApiError('Client ID Not Found');
        }
        if ($client->status === 'Closed') {
            throw new ApiError('Unable to add order when client status is Closed');
        }
        $paymentMethod = Input::string($values, 'paymentmethod');
        if (!PaymentGateways::isActive($paymentMethod)) {
            throw new ApiError('Invalid Payment Method. Valid options include ' . implode(',', array_keys(PaymentGateways::active())));
        }
        $placed = OrderPlacement::place($client, $paymentMethod, self::items($values), Input::string($values, 'clientip'),
            !Input::flag($values, 'noinvoice'));
        if ($placed === null) {
            throw new ApiError('No items added to cart so order cannot proceed');
        }
        return [
            'orderid' => (string) $placed['orderid'],
            'serviceids' => implode(',', $placed['serviceids']),
            'addonids' => '',
            'domainids' => '',
            'invoiceid' => (string) $placed['invoiceid'],
        ];
    }

    /** The ordered products, one entry per pid[] element with its matching array elements. */
    private static function items(array $values)
    {
        $domains = Input::items($values, 'domain');
        $cycles = Input::items($values, 'billingcycle');
        $overrides = Input::items($values, 'priceoverride');
        $quantities = Input::items($values, 'qty');
        $items = [];
        foreach (Input::items($values, 'pid') as $i => $pid) {
            $items[] = [
                'pid' => is_scalar($pid) ? (int) $pid : 0,
                'domain' => Input::itemText($domains, $i),
                'billingcycle' => Input::itemText($cycles, $i),
                'priceoverride' => isset($overrides[$i]) ? Input::itemText($overrides, $i) : null,
                'qty' => isset($quantities[$i]) ? (int) Input::itemText($quantities, $i) : 1,
            ];
        }
        return $items;
    }
}
