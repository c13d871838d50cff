<?php
/**
 * Setting an order back to Pending, or to Cancelled or Fraud (WHMCS's changeOrderStatus(), as in
 * decoded 5.x-7.x copies, MEDIUM):
 *  - hook PendingOrder / CancelOrder / FraudOrder {orderid}; the order row gets the status;
 *  - Cancelled/Fraud: each Active or Suspended service on a module is terminated first (activity
 *    log "Running Module Terminate on Order Cancel"), then every service of the order takes the
 *    status; the order's Unpaid invoice becomes Cancelled (hook InvoiceCancelled {invoiceid});
 *  - Pending: every service of the order becomes Pending; a Cancelled invoice becomes Unpaid again;
 *  - activity log "Order Status set to <status> - Order ID: N".
 */

namespace WHMCS\Sandbox\Orders;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Provisioning\ModuleCommands;

class OrderStatus
{
    const HOOKS = ['Pending' => 'PendingOrder', 'Cancelled' => 'CancelOrder', 'Fraud' => 'FraudOrder'];

    public static function change($orderId, $status)
    {
        run_hook(self::HOOKS[$status], ['orderid' => (int) $orderId]);
        Capsule::table('tblorders')->where('id', $orderId)->update(['status' => $status]);
        $order = Capsule::table('tblorders')->where('id', $orderId)->first(['userid', 'invoiceid']);
        if ($status === 'Pending') {
            Capsule::table('tblhosting')->where('orderid', $orderId)->update(['domainstatus' => 'Pending']);
            Capsule::table('tblinvoices')->where('id', $order->invoiceid)->where('status', 'Cancelled')
                ->update(['status' => 'Unpaid']);
        } else {
            self::endServices($orderId, $status);
            $cancelled = Capsule::table('tblinvoices')->where('id', $order->invoiceid)->where('status', 'Unpaid')
                ->update(['status' => 'Cancelled', 'date_cancelled' => date('Y-m-d H:i:s')]);
            if ($cancelled) {
                run_hook('InvoiceCancelled', ['invoiceid' => (int) $order->invoiceid]);
            }
        }
        logActivity('Order Status set to ' . $status . ' - Order ID: ' . $orderId, (int) $order->userid);
    }

    private static function endServices($orderId, $status)
    {
        $services = Capsule::table('tblhosting')->leftJoin('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
            ->where('tblhosting.orderid', $orderId)
            ->get(['tblhosting.id', 'tblhosting.userid', 'tblhosting.domainstatus', 'tblproducts.servertype']);
        foreach ($services as $service) {
            if ((string) $service->servertype !== '' && in_array($service->domainstatus, ['Active', 'Suspended'], true)) {
                logActivity('Running Module Terminate on Order Cancel', (int) $service->userid);
                ModuleCommands::terminate((int) $service->id);
            }
            Capsule::table('tblhosting')->where('id', $service->id)->update(['domainstatus' => $status]);
        }
    }
}
