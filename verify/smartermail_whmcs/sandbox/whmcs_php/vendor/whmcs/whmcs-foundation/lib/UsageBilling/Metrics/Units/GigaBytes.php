<?php
/** Sizes in Gigabytes (suffix GB). */

namespace WHMCS\UsageBilling\Metrics\Units;

class GigaBytes extends Bytes
{
    public function __construct(
        $name = 'Gigabytes',
        $singlePerUnitName = null,
        $pluralPerUnitName = null,
        $prefix = null,
        $suffix = 'GB'
    ) {
        parent::__construct($name, $singlePerUnitName, $pluralPerUnitName, $prefix, $suffix);
    }
}
