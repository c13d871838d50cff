<?php
/**
 * localAPI(), the Internal API a module, hook or script calls in WHMCS
 * (developers.whmcs.com/api/internal-api): the same actions and response shapes as the external
 * API, as a PHP array. The admin username is optional since WHMCS 7.2.
 */

function localAPI($command, $values = [], $adminUser = '')
{
    return WHMCS\Sandbox\Api\LocalApi::call((string) $command, (array) $values, (string) $adminUser);
}
