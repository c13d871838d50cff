<?php
/**
 * The module commands of a service, as WHMCS's ServerCreateAccount, ServerSuspendAccount, ...
 * run them (docs/whmcs-standin-facts.md (e)). Each returns 'success' or the error text.
 */

namespace WHMCS\Sandbox\Provisioning;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\ModuleParams;

class ModuleCommands
{
    /** Fill an empty username/password (ServiceCredentials), then run the module's CreateAccount. */
    public static function create($serviceId)
    {
        $moduleName = ModuleCommand::moduleOf($serviceId);
        if ($moduleName !== null && $moduleName !== '') {
            $module = ModuleCommand::load($moduleName);
            if ($module === null) {
                return ModuleCommand::MODULE_NOT_FOUND;
            }
            ServiceCredentials::fillBeforeCreate($serviceId, ModuleParams::forService($serviceId, $module), $module);
        }
        return ModuleCommand::run('Create', $serviceId);
    }

    /** Suspend; the module gets suspendreason, "Overdue on Payment" when none is given. */
    public static function suspend($serviceId, $reason = '')
    {
        $reason = (string) $reason !== '' ? (string) $reason : ServiceStatus::DEFAULT_SUSPEND_REASON;
        return ModuleCommand::run('Suspend', $serviceId, ['suspendreason' => $reason]);
    }

    public static function unsuspend($serviceId)
    {
        return ModuleCommand::run('Unsuspend', $serviceId);
    }

    public static function terminate($serviceId)
    {
        return ModuleCommand::run('Terminate', $serviceId);
    }

    public static function changePackage($serviceId)
    {
        return ModuleCommand::run('ChangePackage', $serviceId);
    }

    /**
     * ChangePassword. A new password is stored (encrypted) before the module runs, so the module
     * receives it as $params['password'], and the old one is put back when the module fails
     * (whmcs-runtime.md (b), MEDIUM). Without a new password the module gets the stored one.
     */
    public static function changePassword($serviceId, $newPassword = null)
    {
        $stored = Capsule::table('tblhosting')->where('id', $serviceId)->value('password');
        if ($stored === null) {
            return 'Service ID not found';
        }
        $oldPassword = decrypt((string) $stored);
        $changing = $newPassword !== null && (string) $newPassword !== '';
        if ($changing) {
            Capsule::table('tblhosting')->where('id', $serviceId)->update(['password' => encrypt((string) $newPassword)]);
        }
        $result = ModuleCommand::run('ChangePassword', $serviceId, [], [
            'serviceid' => (int) $serviceId,
            'oldpassword' => $oldPassword,
            'newpassword' => $changing ? (string) $newPassword : $oldPassword,
        ]);
        if ($result !== 'success' && $changing) {
            Capsule::table('tblhosting')->where('id', $serviceId)->update(['password' => $stored]);
        }
        return $result;
    }
}
