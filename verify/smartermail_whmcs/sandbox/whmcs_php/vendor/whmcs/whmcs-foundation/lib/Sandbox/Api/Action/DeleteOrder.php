<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Orders\OrderDeletion;

/** DeleteOrder: deletes a Cancelled or Fraud order with its services and invoice (api-reference/deleteorder). */
class DeleteOrder extends OrderAction
{
    public static function run(array $values)
    {
        $order = self::order($values, 'Order ID not found');
        if (!in_array((string) $order->status, ['Cancelled', 'Fraud'], true)) {
            throw new ApiError('The order status must be in Cancelled or Fraud to be deleted');
        }
        OrderDeletion::delete((int) $order->id);
        return [];
    }
}
