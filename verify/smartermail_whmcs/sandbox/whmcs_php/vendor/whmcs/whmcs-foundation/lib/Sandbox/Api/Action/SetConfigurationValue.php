<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Config\Setting;
use WHMCS\Sandbox\Api\ApiError;

/** SetConfigurationValue: write one General Settings value (api-reference/setconfigurationvalue). */
class SetConfigurationValue
{
    public static function run(array $values)
    {
        $setting = (string) ($values['setting'] ?? '');
        if ($setting === '') {
            throw new ApiError('Parameter setting is required');
        }
        Setting::setValue($setting, (string) ($values['value'] ?? ''));
        return [];
    }
}
