<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Config\Setting;
use WHMCS\Sandbox\Api\ApiError;

/** GetConfigurationValue: one General Settings value (api-reference/getconfigurationvalue). */
class GetConfigurationValue
{
    public static function run(array $values)
    {
        $setting = (string) ($values['setting'] ?? '');
        if ($setting === '') {
            throw new ApiError('Parameter setting is required');
        }
        $value = Setting::getValue($setting);
        if ($value === null) {
            throw new ApiError('Invalid name for parameter setting');
        }
        return ['setting' => $setting, 'value' => $value];
    }
}
