<?php
/** Sizes in bytes; the KB/MB/GB units derive from it (1 KB = 1024 B, as in WHMCS). */

namespace WHMCS\UsageBilling\Metrics\Units;

class Bytes extends FloatingPoint
{
    const POWERS = ['B' => 0, 'KB' => 1, 'MB' => 2, 'GB' => 3, 'TB' => 4];

    public function __construct(
        $name = 'Bytes',
        $singlePerUnitName = 'Byte',
        $pluralPerUnitName = 'Bytes',
        $prefix = null,
        $suffix = 'B'
    ) {
        parent::__construct($name, $singlePerUnitName, $pluralPerUnitName, $prefix, $suffix);
    }

    /** $value converted between B, KB, MB, GB and TB; an unknown unit leaves it unchanged. */
    public static function convert($value, $from, $to)
    {
        if (!isset(self::POWERS[$from], self::POWERS[$to])) {
            return $value;
        }
        return $value * pow(1024, self::POWERS[$from] - self::POWERS[$to]);
    }
}
