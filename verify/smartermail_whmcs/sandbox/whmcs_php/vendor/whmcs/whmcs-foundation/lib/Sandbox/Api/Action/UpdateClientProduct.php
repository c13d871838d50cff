<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;

/**
 * UpdateClientProduct (api-reference/updateclientproduct): writes the given fields of a service;
 * servicepassword is stored with encrypt(); overideautosuspend takes 'on'/'off'; unset[] empties
 * the named text fields. A new nextduedate also becomes the next invoice date (GUESS: what the
 * admin area's service page does). Custom fields, configurable options and autorecalc are not
 * supported. No module command runs.
 */
class UpdateClientProduct
{
    /** request parameter => tblhosting column, written as given */
    const COLUMNS = [
        'domain' => 'domain', 'firstpaymentamount' => 'firstpaymentamount', 'recurringamount' => 'amount',
        'paymentmethod' => 'paymentmethod', 'subscriptionid' => 'subscriptionid', 'notes' => 'notes',
        'serviceusername' => 'username', 'overidesuspenduntil' => 'overidesuspenduntil', 'ns1' => 'ns1',
        'ns2' => 'ns2', 'dedicatedip' => 'dedicatedip', 'assignedips' => 'assignedips',
        'diskusage' => 'diskusage', 'disklimit' => 'disklimit', 'bwusage' => 'bwusage', 'bwlimit' => 'bwlimit',
        'suspendreason' => 'suspendreason', 'promoid' => 'promoid', 'pid' => 'packageid', 'serverid' => 'server',
        'terminationDate' => 'termination_date', 'completedDate' => 'completed_date',
    ];
    /** unset[] names => tblhosting column */
    const UNSETTABLE = [
        'domain' => 'domain', 'serviceusername' => 'username', 'servicepassword' => 'password',
        'subscriptionid' => 'subscriptionid', 'ns1' => 'ns1', 'ns2' => 'ns2', 'dedicatedip' => 'dedicatedip',
        'assignedips' => 'assignedips', 'notes' => 'notes', 'suspendreason' => 'suspendreason',
    ];
    const STATUSES = ['Pending', 'Active', 'Suspended', 'Terminated', 'Cancelled', 'Fraud', 'Completed'];

    public static function run(array $values)
    {
        $serviceId = Input::int($values, 'serviceid');
        if (!Capsule::table('tblhosting')->where('id', $serviceId)->exists()) {
            throw new ApiError('Service ID Not Found');
        }
        $update = [];
        foreach (self::COLUMNS as $param => $column) {
            if (Input::has($values, $param)) {
                $update[$column] = is_scalar($values[$param]) ? (string) $values[$param] : '';
            }
        }
        if (Input::has($values, 'nextduedate')) {
            $update['nextduedate'] = $update['nextinvoicedate'] = Input::string($values, 'nextduedate');
        }
        if (Input::has($values, 'status')) {
            $status = ucfirst(strtolower(Input::string($values, 'status')));
            if (!in_array($status, self::STATUSES, true)) {
                throw new ApiError('Invalid status'); // GUESS: text not documented
            }
            $update['domainstatus'] = $status;
        }
        if (Input::has($values, 'servicepassword')) {
            $update['password'] = encrypt(Input::raw($values, 'servicepassword'));
        }
        if (Input::has($values, 'overideautosuspend')) {
            $update['overideautosuspend'] = in_array(Input::string($values, 'overideautosuspend'), ['on', '1', 'true'], true) ? 1 : 0;
        }
        foreach (Input::items($values, 'unset') as $name) {
            if (isset(self::UNSETTABLE[(string) $name])) {
                $update[self::UNSETTABLE[(string) $name]] = '';
            }
        }
        if ($update) {
            $update['updated_at'] = date('Y-m-d H:i:s');
            Capsule::table('tblhosting')->where('id', $serviceId)->update($update);
        }
        return ['serviceid' => (string) $serviceId];
    }
}
