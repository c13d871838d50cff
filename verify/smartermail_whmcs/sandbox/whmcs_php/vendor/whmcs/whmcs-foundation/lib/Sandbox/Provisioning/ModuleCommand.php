<?php
/**
 * One module command for one service, run the way WHMCS runs it from the admin area, the API and
 * automation (docs/whmcs-standin-facts.md (e); hook names and variables:
 * developers.whmcs.com/hooks-reference/module):
 *
 *  1. the module parameters, plus the command's extras and 'action' (create, suspend, ...);
 *  2. PreModule<Command> {params}: a returned abortcmd => true aborts ("Function Aborted by Action
 *     Hook Code"), other returned keys replace parameters;
 *  3. <module>_<Function>($params); a missing function is "Function Not Supported by Module";
 *  4. success: activity log "Module <Name> Successful - Service ID: N", the service row updated
 *     (ServiceStatus), AfterModule<Command>; failure: AfterModule<Command>Failed
 *     {failureResponseMessage, params} when the module ran, activity log
 *     "Module <Name> Failed - Service ID: N - Error: <message>".
 *
 * Returns 'success' or the error text. A service whose product has no module gets 'success' with
 * nothing done; a module whose files are missing gets "Module Not Found".
 */

namespace WHMCS\Sandbox\Provisioning;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\ModuleException;
use WHMCS\Sandbox\ModuleParams;
use WHMCS\Sandbox\ServerModule;

class ModuleCommand
{
    /** command => [module function, name in the activity log, $params['action']] */
    const COMMANDS = [
        'Create' => ['CreateAccount', 'Create', 'create'],
        'Suspend' => ['SuspendAccount', 'Suspend', 'suspend'],
        'Unsuspend' => ['UnsuspendAccount', 'Unsuspend', 'unsuspend'],
        'Terminate' => ['TerminateAccount', 'Terminate', 'terminate'],
        'ChangePassword' => ['ChangePassword', 'Change Password', 'changepw'],
        'ChangePackage' => ['ChangePackage', 'Change Package', 'upgrade'],
    ];
    const ABORTED = 'Function Aborted by Action Hook Code';
    const MODULE_NOT_FOUND = 'Module Not Found';

    /** The module of a service's product ('' when it has none), or null when the service does not exist. */
    public static function moduleOf($serviceId)
    {
        $row = Capsule::table('tblhosting')->leftJoin('tblproducts', 'tblproducts.id', '=', 'tblhosting.packageid')
            ->where('tblhosting.id', $serviceId)->first(['tblproducts.servertype']);
        return $row === null ? null : (string) $row->servertype;
    }

    /** Load the service's module; null (and the activity log line WHMCS writes) when its files are missing. */
    public static function load($moduleName)
    {
        try {
            return new ServerModule($moduleName);
        } catch (ModuleException $e) {
            logActivity("Required Product Module '" . $moduleName . "' Missing");
            return null;
        }
    }

    /**
     * Run $command ('Create', 'Suspend', ...) for the service. $extra is merged into the
     * parameters; $afterVars into the After hook's variables (ChangePassword's documented
     * serviceid/oldpassword/newpassword).
     */
    public static function run($command, $serviceId, array $extra = [], array $afterVars = [])
    {
        [$function, $logName, $action] = self::COMMANDS[$command];
        $moduleName = self::moduleOf($serviceId);
        if ($moduleName === null) {
            return 'Service ID not found';
        }
        if ($moduleName === '') {
            return 'success';
        }
        $module = self::load($moduleName);
        if ($module === null) {
            return self::MODULE_NOT_FOUND;
        }
        $params = array_merge(ModuleParams::forService($serviceId, $module), $extra, ['action' => $action]);
        $clientId = (int) $params['userid'];
        $params = self::applyPreHooks($command, $params, $aborted);
        $moduleRan = false;
        if ($aborted) {
            $result = self::ABORTED;
        } elseif (!$module->hasFunction($function)) {
            $result = ServerModule::NOT_SUPPORTED;
        } else {
            $moduleRan = true;
            $result = $module->callAction($function, $params);
        }
        if ($result === 'success') {
            $reason = ServiceStatus::suspendReason($command, $params);
            logActivity('Module ' . $logName . ' Successful' . ($reason !== '' ? ' - Reason: ' . $reason : '')
                . ' - Service ID: ' . $serviceId, $clientId);
            ServiceStatus::afterSuccess($command, $serviceId, $reason);
            run_hook('AfterModule' . $command, array_merge(['params' => $params], $afterVars));
            return 'success';
        }
        if ($moduleRan) {
            run_hook('AfterModule' . $command . 'Failed', ['failureResponseMessage' => $result, 'params' => $params]);
        }
        logActivity('Module ' . $logName . ' Failed - Service ID: ' . $serviceId . ' - Error: ' . $result, $clientId);
        return $result;
    }

    /** PreModule<Command>: abort on abortcmd === true, otherwise let the hooks replace parameters. */
    private static function applyPreHooks($command, array $params, &$aborted)
    {
        $aborted = false;
        foreach (run_hook('PreModule' . $command, ['params' => $params]) as $returned) {
            if (!is_array($returned)) {
                continue;
            }
            if (($returned['abortcmd'] ?? null) === true) {
                $aborted = true;
            }
            if (!$aborted) {
                $params = array_replace_recursive($params, $returned);
            }
        }
        return $params;
    }
}
