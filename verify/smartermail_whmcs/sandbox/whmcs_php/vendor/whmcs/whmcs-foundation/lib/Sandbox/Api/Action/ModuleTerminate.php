<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Provisioning\ModuleCommands;

/** ModuleTerminate: Runs the module terminate action (api-reference/moduleterminate). */
class ModuleTerminate extends ModuleAction
{
    public static function run(array $values)
    {
        return self::answer(ModuleCommands::terminate(self::serviceId($values)));
    }
}
