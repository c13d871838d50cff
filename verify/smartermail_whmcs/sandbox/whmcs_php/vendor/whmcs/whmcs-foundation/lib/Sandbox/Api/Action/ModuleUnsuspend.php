<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Provisioning\ModuleCommands;

/** ModuleUnsuspend: Runs the module unsuspend action (api-reference/moduleunsuspend). */
class ModuleUnsuspend extends ModuleAction
{
    public static function run(array $values)
    {
        return self::answer(ModuleCommands::unsuspend(self::serviceId($values)));
    }
}
