<?php
/** A unit counted with decimals (two kept: sizes, amounts). */

namespace WHMCS\UsageBilling\Metrics\Units;

class FloatingPoint extends AbstractUnit
{
    public function type()
    {
        return self::TYPE_FLOAT_PRECISION_LOW;
    }
}
