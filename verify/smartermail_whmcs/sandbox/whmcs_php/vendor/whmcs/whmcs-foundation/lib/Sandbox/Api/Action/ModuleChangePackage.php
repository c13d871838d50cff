<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Provisioning\ModuleCommands;

/** ModuleChangePackage: Runs the module change package action (api-reference/modulechangepackage). */
class ModuleChangePackage extends ModuleAction
{
    public static function run(array $values)
    {
        return self::answer(ModuleCommands::changePackage(self::serviceId($values)));
    }
}
