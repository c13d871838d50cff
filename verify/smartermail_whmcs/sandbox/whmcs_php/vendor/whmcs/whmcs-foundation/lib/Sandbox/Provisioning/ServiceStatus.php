<?php
/**
 * What a successful module command changes on the service row (docs/whmcs-standin-facts.md (e)
 * step 5; developers.whmcs.com/provisioning-modules/core-module-functions "Action Events"):
 *  - Create: Active, termination date cleared;
 *  - Suspend: Suspended, suspendreason = the reason, stored empty when it is the default
 *    "Overdue on Payment" (which the activity log does not repeat either);
 *  - Unsuspend: Active, suspendreason and termination date cleared;
 *  - Terminate: Terminated, termination date today unless one is set;
 *  - ChangePassword / ChangePackage: nothing (the caller stored the new password or package).
 */

namespace WHMCS\Sandbox\Provisioning;

use WHMCS\Database\Capsule;

class ServiceStatus
{
    const DEFAULT_SUSPEND_REASON = 'Overdue on Payment';
    const NO_DATE = '0000-00-00';

    /** The reason to store and log for a Suspend ('' for the default and for other commands). */
    public static function suspendReason($command, array $params)
    {
        if ($command !== 'Suspend') {
            return '';
        }
        $reason = (string) ($params['suspendreason'] ?? '');
        return $reason === self::DEFAULT_SUSPEND_REASON ? '' : $reason;
    }

    public static function afterSuccess($command, $serviceId, $suspendReason)
    {
        $update = [];
        if ($command === 'Create') {
            $update = ['domainstatus' => 'Active', 'termination_date' => self::NO_DATE];
        } elseif ($command === 'Suspend') {
            $update = ['domainstatus' => 'Suspended', 'suspendreason' => $suspendReason];
        } elseif ($command === 'Unsuspend') {
            $update = ['domainstatus' => 'Active', 'suspendreason' => '', 'termination_date' => self::NO_DATE];
        } elseif ($command === 'Terminate') {
            $update = ['domainstatus' => 'Terminated'];
            $current = (string) Capsule::table('tblhosting')->where('id', $serviceId)->value('termination_date');
            if (in_array($current, ['', self::NO_DATE, '1970-01-01'], true)) {
                $update['termination_date'] = date('Y-m-d');
            }
        }
        if ($update) {
            Capsule::table('tblhosting')->where('id', $serviceId)->update($update);
        }
    }
}
