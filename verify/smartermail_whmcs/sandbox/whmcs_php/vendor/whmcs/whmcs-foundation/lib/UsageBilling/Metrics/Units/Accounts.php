<?php
/** A count of accounts ("1 Account", "2 Accounts"). */

namespace WHMCS\UsageBilling\Metrics\Units;

class Accounts extends WholeNumber
{
    public function __construct(
        $name = 'Accounts',
        $singlePerUnitName = 'Account',
        $pluralPerUnitName = 'Accounts',
        $prefix = null,
        $suffix = ''
    ) {
        parent::__construct($name, $singlePerUnitName, $pluralPerUnitName, $prefix, $suffix);
    }
}
