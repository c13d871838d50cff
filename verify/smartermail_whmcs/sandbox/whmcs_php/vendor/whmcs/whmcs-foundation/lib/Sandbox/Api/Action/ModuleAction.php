<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\Provisioning\ModuleCommand;

/**
 * What the Module* actions share (api-reference/modulecreate and siblings): the service id from
 * serviceid (or accountid), the errors "Service ID is required", "Service ID not found",
 * "Service not assigned to a module", and the module's own message as the error answer.
 */
abstract class ModuleAction
{
    /** The service id of the request, once it names a service whose product uses a module. */
    protected static function serviceId(array $values)
    {
        $serviceId = Input::serviceId($values);
        if ($serviceId === 0) {
            throw new ApiError('Service ID is required');
        }
        $module = ModuleCommand::moduleOf($serviceId);
        if ($module === null) {
            throw new ApiError('Service ID not found');
        }
        if ($module === '') {
            throw new ApiError('Service not assigned to a module');
        }
        return $serviceId;
    }

    /** 'success' answers success; anything else is the error message. */
    protected static function answer($result)
    {
        if ($result !== 'success') {
            throw new ApiError((string) $result);
        }
        return [];
    }
}
