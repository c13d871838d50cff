<?php
/**
 * Deleting an order and everything it created (WHMCS's deleteOrder(), decoded 5.x-7.x, MEDIUM;
 * api-reference/deleteorder: "removes all items associated with the order (services, addons,
 * domains, invoices etc)"): hook DeleteOrder {orderid}, then the order's services, the order, its
 * invoice and that invoice's lines; activity log "Deleted Order - Order ID: N". No module command
 * runs: the order is Cancelled or Fraud by then.
 */

namespace WHMCS\Sandbox\Orders;

use WHMCS\Database\Capsule;

class OrderDeletion
{
    public static function delete($orderId)
    {
        run_hook('DeleteOrder', ['orderid' => (int) $orderId]);
        $order = Capsule::table('tblorders')->where('id', $orderId)->first(['userid', 'invoiceid']);
        Capsule::table('tblhosting')->where('orderid', $orderId)->delete();
        Capsule::table('tblorders')->where('id', $orderId)->delete();
        if ((int) $order->invoiceid !== 0) {
            Capsule::table('tblinvoices')->where('id', $order->invoiceid)->delete();
            Capsule::table('tblinvoiceitems')->where('invoiceid', $order->invoiceid)->delete();
        }
        logActivity('Deleted Order - Order ID: ' . $orderId, (int) $order->userid);
    }
}
