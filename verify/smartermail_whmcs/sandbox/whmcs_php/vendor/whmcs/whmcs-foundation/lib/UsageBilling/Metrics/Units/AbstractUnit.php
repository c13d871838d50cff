<?php
/**
 * Base of WHMCS's metric units: constructor (name, singlePerUnitName, pluralPerUnitName, prefix,
 * suffix), display helpers, and rounding / formatting by the unit's number kind (type()).
 */

namespace WHMCS\UsageBilling\Metrics\Units;

use WHMCS\UsageBilling\Contracts\Metrics\UnitInterface;

abstract class AbstractUnit implements UnitInterface
{
    /** Decimals kept for each number kind; anything else keeps 4. */
    const DECIMALS = [
        self::TYPE_INT => 0,
        self::TYPE_FLOAT_PRECISION_LOW => 2,
        self::TYPE_CURRENCY => 2,
        self::TYPE_MICROTIME => 6,
        self::TYPE_FLOAT_PRECISION_HIGH => 4,
    ];

    /** @var string|null */
    private $name;
    /** @var string|null */
    private $singlePerUnitName;
    /** @var string|null */
    private $pluralPerUnitName;
    /** @var string|null */
    private $prefix;
    /** @var string|null */
    private $suffix;

    public function __construct(
        $name = '',
        $singlePerUnitName = null,
        $pluralPerUnitName = null,
        $prefix = null,
        $suffix = null
    ) {
        $this->name = $name;
        $this->singlePerUnitName = $singlePerUnitName;
        $this->pluralPerUnitName = $pluralPerUnitName;
        $this->prefix = $prefix;
        $this->suffix = $suffix;
    }

    abstract public function type();

    public function name()
    {
        return (string) $this->name;
    }

    /** "Account" for a value that rounds to 1, "Accounts" otherwise; each falls back on the other. */
    public function perUnitName($value = 0)
    {
        $single = round((float) $value) == 1;
        $first = $single ? $this->singlePerUnitName : $this->pluralPerUnitName;
        $second = $single ? $this->pluralPerUnitName : $this->singlePerUnitName;
        if ($first !== null) {
            return $first;
        }
        if ($second !== null) {
            return $second;
        }
        return $this->suffix() !== '' ? $this->suffix() : $this->name();
    }

    public function prefix()
    {
        return (string) $this->prefix;
    }

    public function suffix()
    {
        return (string) $this->suffix;
    }

    /** The value formatted for its kind, with the prefix and suffix around it ("12.50 GB"). */
    public function decorate($value)
    {
        $parts = [$this->prefix(), $this->formatForType($value), $this->suffix()];
        return implode(' ', array_filter($parts, 'strlen'));
    }

    public function roundForType($value)
    {
        return round((float) $value, $this->decimals());
    }

    public function formatForType($value)
    {
        return number_format((float) $value, $this->decimals(), '.', '');
    }

    private function decimals()
    {
        return self::DECIMALS[$this->type()] ?? 4;
    }
}
