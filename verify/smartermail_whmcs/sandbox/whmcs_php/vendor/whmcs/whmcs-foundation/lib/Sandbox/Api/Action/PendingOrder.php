<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Orders\OrderStatus;

/** PendingOrder: sets an order and its services back to Pending (api-reference/pendingorder). */
class PendingOrder extends OrderAction
{
    public static function run(array $values)
    {
        OrderStatus::change((int) self::order($values, 'Order ID Not Found')->id, 'Pending');
        return [];
    }
}
