<?php
/**
 * Dispatch of localAPI() commands to their action classes (Action\<Command>), with WHMCS's
 * response envelope: ['result' => 'success', ...] or ['result' => 'error', 'message' => ...].
 * Command names are matched case-insensitively, as the API does; an unknown one gets
 * WHMCS's "Command Not Found".
 */

namespace WHMCS\Sandbox\Api;

class LocalApi
{
    /** lower-case command => action class (each has a static run(array $values): array). */
    const ACTIONS = [
        'whmcsdetails' => Action\WhmcsDetails::class,
        'getconfigurationvalue' => Action\GetConfigurationValue::class,
        'setconfigurationvalue' => Action\SetConfigurationValue::class,
    ];

    public static function call($command, array $values, $adminUser = '')
    {
        $class = self::ACTIONS[strtolower($command)] ?? null;
        if ($class === null) {
            return ['result' => 'error', 'message' => 'Command Not Found'];
        }
        try {
            return array_merge(['result' => 'success'], $class::run($values));
        } catch (ApiError $e) {
            return array_merge(['result' => 'error', 'message' => $e->getMessage()], $e->extra());
        }
    }
}
