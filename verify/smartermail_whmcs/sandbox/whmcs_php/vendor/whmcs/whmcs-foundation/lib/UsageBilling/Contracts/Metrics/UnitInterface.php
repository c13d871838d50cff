<?php
/**
 * The unit a metric is counted in: names for display, and the number kind that decides how a
 * value is rounded and printed (whole numbers, 2 or 4 decimals, currency, micro-time).
 */

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface UnitInterface
{
    const TYPE_CURRENCY = 'currency';
    const TYPE_FLOAT_PRECISION_LOW = 'low';
    const TYPE_FLOAT_PRECISION_HIGH = 'high';
    const TYPE_INT = 'int';
    const TYPE_MICROTIME = 'microtime';

    public function name();

    public function perUnitName($value);

    public function prefix();

    public function suffix();

    public function type();

    public function decorate($value);

    public function formatForType($value);

    public function roundForType($value);
}
