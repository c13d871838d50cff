<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;

/** What the order status actions share: the order row named by orderid. */
abstract class OrderAction
{
    /** The order, or the error $notFound; with $status only an order in that status counts. */
    protected static function order(array $values, $notFound, $status = null)
    {
        $query = Capsule::table('tblorders')->where('id', Input::int($values, 'orderid'));
        if ($status !== null) {
            $query->where('status', $status);
        }
        $order = $query->first();
        if ($order === null) {
            throw new ApiError($notFound);
        }
        return $order;
    }
}
