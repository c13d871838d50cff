<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;

/**
 * DeleteClient (api-reference/deleteclient): "Removes client record and all associated data":
 * the client's services, orders, invoices with their lines, its user links, its transactions
 * when deletetransactions is set, and with deleteusers the users left without any client. No
 * module command runs (the services are not terminated). Hook ClientDelete {userid} first, as
 * the admin area fires it; activity log "Client Deleted - ID: N" (GUESS).
 */
class DeleteClient
{
    public static function run(array $values)
    {
        $clientId = Input::int($values, 'clientid');
        if (!Capsule::table('tblclients')->where('id', $clientId)->exists()) {
            throw new ApiError('Client ID Not Found');
        }
        run_hook('ClientDelete', ['userid' => $clientId]);
        $invoiceIds = Capsule::table('tblinvoices')->where('userid', $clientId)->pluck('id')->all();
        Capsule::table('tblinvoiceitems')->whereIn('invoiceid', $invoiceIds ?: [0])->delete();
        Capsule::table('tblinvoiceitems')->where('userid', $clientId)->delete();
        Capsule::table('tblinvoices')->where('userid', $clientId)->delete();
        Capsule::table('tblhosting')->where('userid', $clientId)->delete();
        Capsule::table('tblorders')->where('userid', $clientId)->delete();
        if (Input::flag($values, 'deletetransactions')) {
            Capsule::table('tblaccounts')->where('userid', $clientId)->delete();
        }
        $userIds = Capsule::table('tblusers_clients')->where('client_id', $clientId)->pluck('auth_user_id')->all();
        Capsule::table('tblusers_clients')->where('client_id', $clientId)->delete();
        if (Input::flag($values, 'deleteusers')) {
            foreach ($userIds as $userId) {
                if (!Capsule::table('tblusers_clients')->where('auth_user_id', $userId)->exists()) {
                    Capsule::table('tblusers')->where('id', $userId)->delete();
                }
            }
        }
        Capsule::table('tblclients')->where('id', $clientId)->delete();
        logActivity('Client Deleted - ID: ' . $clientId);
        return ['clientid' => (string) $clientId];
    }
}
