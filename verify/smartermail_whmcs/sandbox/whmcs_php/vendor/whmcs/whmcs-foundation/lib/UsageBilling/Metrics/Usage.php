<?php
/**
 * WHMCS\UsageBilling\Metrics\Usage(value, collectedAt, startAt, endAt) (whmcs-runtime.md c.1).
 * The times are Carbon instances (WHMCS's own WHMCS\Carbon extends Carbon\Carbon): a Unix time
 * (micro-seconds allowed) or any date-time is accepted, anything else means "now"; startAt and
 * endAt default to collectedAt. The value is kept as a float.
 */

namespace WHMCS\UsageBilling\Metrics;

use Carbon\Carbon;
use WHMCS\UsageBilling\Contracts\Metrics\UsageInterface;

class Usage implements UsageInterface
{
    /** @var float */
    private $value;
    /** @var Carbon */
    private $collectedAt;
    /** @var Carbon */
    private $startAt;
    /** @var Carbon */
    private $endAt;

    public function __construct($value, $collectedAt = null, $startAt = null, $endAt = null)
    {
        $this->value = (float) $value;
        $this->collectedAt = self::toCarbon($collectedAt) ?? Carbon::now();
        $this->startAt = self::toCarbon($startAt) ?? $this->collectedAt->copy();
        $this->endAt = self::toCarbon($endAt) ?? $this->collectedAt->copy();
    }

    /** A Carbon for a Unix time or a date-time, null for anything else. */
    private static function toCarbon($when)
    {
        if ($when instanceof \DateTimeInterface) {
            return Carbon::instance($when);
        }
        if (is_numeric($when)) {
            $parsed = Carbon::createFromFormat('U.u', sprintf('%.6F', (float) $when));
            return $parsed === false ? null : $parsed->setTimezone(date_default_timezone_get());
        }
        return null;
    }

    public function value()
    {
        return $this->value;
    }

    public function collectedAt()
    {
        return $this->collectedAt;
    }

    public function startAt()
    {
        return $this->startAt;
    }

    public function endAt()
    {
        return $this->endAt;
    }
}
