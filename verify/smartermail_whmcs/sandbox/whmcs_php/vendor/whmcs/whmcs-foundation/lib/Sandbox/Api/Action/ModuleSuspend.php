<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\Provisioning\ModuleCommands;

/** ModuleSuspend: runs the module suspend action, with an optional suspendreason (api-reference/modulesuspend). */
class ModuleSuspend extends ModuleAction
{
    public static function run(array $values)
    {
        return self::answer(ModuleCommands::suspend(self::serviceId($values), Input::string($values, 'suspendreason')));
    }
}
