<?php
/**
 * Accepting a Pending order (WHMCS's acceptOrder(); docs/whmcs-standin-facts.md (e) "AcceptOrder"):
 *  - hook AcceptOrder {orderid};
 *  - each Pending service of the order takes the server / username / password overrides
 *    (password stored with encrypt()); when autosetup is on (the API flag when given, else the
 *    product's autosetup setting being non-empty) and the product has a module: activity log
 *    "Running Module Create on Accept Pending Order", then the module Create (which makes the
 *    service Active on success; a failure is collected and the service stays Pending); otherwise
 *    the service simply becomes Active;
 *  - when nothing failed: the order becomes Active, activity log "Order Accepted - Order ID: N".
 * Returns the error texts (empty when all went well).
 */

namespace WHMCS\Sandbox\Orders;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Provisioning\ModuleCommands;

class OrderAcceptance
{
    /**
     * $overrides may hold 'serverid', 'username', 'password' (applied when non-empty) and
     * 'autosetup' (bool; absent = the product's setting).
     */
    public static function accept($orderId, array $overrides)
    {
        run_hook('AcceptOrder', ['orderid' => (int) $orderId]);
        $errors = [];
        $services = Capsule::table('tblhosting')->where('orderid', $orderId)->where('domainstatus', 'Pending')
            ->orderBy('id')->get();
        foreach ($services as $service) {
            self::applyOverrides((int) $service->id, $overrides);
            $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
            $module = $product !== null ? (string) $product->servertype : '';
            $autosetup = array_key_exists('autosetup', $overrides)
                ? (bool) $overrides['autosetup'] : ($product !== null && (string) $product->autosetup !== '');
            if ($autosetup && $module !== '') {
                logActivity('Running Module Create on Accept Pending Order', (int) $service->userid);
                $result = ModuleCommands::create((int) $service->id);
                if ($result !== 'success') {
                    $errors[] = $result;
                }
            } else {
                Capsule::table('tblhosting')->where('id', $service->id)->update(['domainstatus' => 'Active']);
            }
        }
        if (!$errors) {
            Capsule::table('tblorders')->where('id', $orderId)->update(['status' => 'Active']);
            $clientId = (int) Capsule::table('tblorders')->where('id', $orderId)->value('userid');
            logActivity('Order Accepted - Order ID: ' . $orderId, $clientId);
        }
        return $errors;
    }

    private static function applyOverrides($serviceId, array $overrides)
    {
        $update = [];
        if (!empty($overrides['serverid'])) {
            $update['server'] = (int) $overrides['serverid'];
        }
        if (isset($overrides['username']) && (string) $overrides['username'] !== '') {
            $update['username'] = (string) $overrides['username'];
        }
        if (isset($overrides['password']) && (string) $overrides['password'] !== '') {
            $update['password'] = encrypt((string) $overrides['password']);
        }
        if ($update) {
            Capsule::table('tblhosting')->where('id', $serviceId)->update($update);
        }
    }
}
