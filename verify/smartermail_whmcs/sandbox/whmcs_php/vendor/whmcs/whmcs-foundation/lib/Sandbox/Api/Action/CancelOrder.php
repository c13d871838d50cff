<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Orders\OrderStatus;

/**
 * CancelOrder: cancels a Pending order, its services and its unpaid invoice
 * (api-reference/cancelorder). cancelsub has nothing to cancel in the sandbox (no subscriptions).
 */
class CancelOrder extends OrderAction
{
    public static function run(array $values)
    {
        $order = self::order($values, 'Order ID not found or Status not Pending', 'Pending');
        OrderStatus::change((int) $order->id, 'Cancelled');
        return [];
    }
}
