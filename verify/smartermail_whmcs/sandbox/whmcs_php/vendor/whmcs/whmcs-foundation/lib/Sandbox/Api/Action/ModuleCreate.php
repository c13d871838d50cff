<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Provisioning\ModuleCommands;

/** ModuleCreate: Runs the module create action (api-reference/modulecreate). */
class ModuleCreate extends ModuleAction
{
    public static function run(array $values)
    {
        return self::answer(ModuleCommands::create(self::serviceId($values)));
    }
}
