<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\Orders\OrderAcceptance;

/**
 * AcceptOrder (api-reference/acceptorder): a Pending order only ("Order ID not found or Status not
 * Pending"); serverid, serviceusername, servicepassword and autosetup are passed on when given
 * (OrderAcceptance). A failed module Create answers an error with the module's message (the
 * docs' "Server and/or registrar response message"; several failures are joined with ", ": GUESS).
 */
class AcceptOrder
{
    public static function run(array $values)
    {
        $orderId = Input::int($values, 'orderid');
        if (!Capsule::table('tblorders')->where('id', $orderId)->where('status', 'Pending')->exists()) {
            throw new ApiError('Order ID not found or Status not Pending');
        }
        $overrides = [];
        foreach (['serverid' => 'serverid', 'serviceusername' => 'username', 'servicepassword' => 'password'] as $param => $key) {
            if (Input::has($values, $param)) {
                $overrides[$key] = $key === 'password' ? Input::raw($values, $param) : Input::string($values, $param);
            }
        }
        if (Input::has($values, 'autosetup')) {
            $overrides['autosetup'] = Input::flag($values, 'autosetup');
        }
        $errors = OrderAcceptance::accept($orderId, $overrides);
        if ($errors) {
            throw new ApiError(implode(', ', $errors));
        }
        return [];
    }
}
