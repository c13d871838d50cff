<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\Provisioning\ModuleCommands;

/**
 * ModuleChangePw: runs the module change password action; servicepassword, when given, becomes
 * the service's password (api-reference/modulechangepw).
 */
class ModuleChangePw extends ModuleAction
{
    public static function run(array $values)
    {
        $password = Input::has($values, 'servicepassword') ? Input::raw($values, 'servicepassword') : null;
        return self::answer(ModuleCommands::changePassword(self::serviceId($values), $password));
    }
}
