<?php
/** A count of domains ("1 Domain", "2 Domains"). */

namespace WHMCS\UsageBilling\Metrics\Units;

class Domains extends WholeNumber
{
    public function __construct(
        $name = 'Domains',
        $singlePerUnitName = 'Domain',
        $pluralPerUnitName = 'Domains',
        $prefix = null,
        $suffix = ''
    ) {
        parent::__construct($name, $singlePerUnitName, $pluralPerUnitName, $prefix, $suffix);
    }
}
