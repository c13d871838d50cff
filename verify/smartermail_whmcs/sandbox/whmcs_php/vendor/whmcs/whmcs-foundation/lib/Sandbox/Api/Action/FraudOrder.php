<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Orders\OrderStatus;

/** FraudOrder: marks an order, its services and its unpaid invoice as fraud (api-reference/fraudorder). */
class FraudOrder extends OrderAction
{
    public static function run(array $values)
    {
        OrderStatus::change((int) self::order($values, 'Order ID Not Found')->id, 'Fraud');
        return [];
    }
}
