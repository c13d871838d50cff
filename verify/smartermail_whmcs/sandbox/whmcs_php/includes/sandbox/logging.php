<?php
/**
 * The two logs modules write to, as WHMCS writes them:
 *  - logActivity($message, $userId): one tblactivitylog row (System user when no admin or client
 *    session is active, as in cron and localAPI runs);
 *  - logModuleCall($module, $action, $request, $response, $processed, $replaceVars): one
 *    tblmodulelog row, written only while Module Debug Logging (setting ModuleDebugMode) is on,
 *    with every value of $replaceVars masked (developers.whmcs.com/provisioning-modules/module-logging).
 */

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

function logActivity($message, $userId = 0)
{
    Capsule::table('tblactivitylog')->insert([
        'date' => date('Y-m-d H:i:s'),
        'description' => (string) $message,
        'user' => 'System',
        'userid' => (int) $userId,
        'user_id' => 0,
        'admin_id' => 0,
        'ipaddr' => '',
    ]);
}

/** A log field as WHMCS stores it: strings as they are, anything else printed. */
function whmcs_sandbox_log_text($value)
{
    if (is_string($value)) {
        return $value;
    }
    return $value === null ? '' : print_r($value, true);
}

function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = [])
{
    if (!in_array((string) Setting::getValue('ModuleDebugMode'), ['on', '1'], true)) {
        return;
    }
    $fields = [
        'request' => whmcs_sandbox_log_text($requestString),
        'response' => whmcs_sandbox_log_text($responseData),
        'arrdata' => whmcs_sandbox_log_text($processedData),
    ];
    foreach ((array) $replaceVars as $secret) {
        $secret = (string) $secret;
        if ($secret !== '') {
            $fields = str_replace($secret, str_repeat('*', strlen($secret)), $fields);
        }
    }
    Capsule::table('tblmodulelog')->insert(array_merge([
        'date' => date('Y-m-d H:i:s'),
        'module' => (string) $module,
        'action' => (string) $action,
    ], $fields));
}
