<?php
/**
 * WHMCS\UsageBilling\Metrics\Metric: an immutable metric definition, optionally carrying a usage.
 * Defaults as WHMCS's own class (whmcs-runtime.md c.1): display name = system name, an unknown
 * type becomes snapshot, units default to a nameless floating-point unit, usage to NoUsage (0).
 */

namespace WHMCS\UsageBilling\Metrics;

use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\UnitInterface;
use WHMCS\UsageBilling\Contracts\Metrics\UsageInterface;

class Metric implements MetricInterface
{
    const TYPES = [self::TYPE_SNAPSHOT, self::TYPE_PERIOD_DAY, self::TYPE_PERIOD_MONTH];

    /** @var string */
    private $systemName;
    /** @var string */
    private $displayName;
    /** @var string */
    private $type;
    /** @var UnitInterface */
    private $units;
    /** @var UsageInterface */
    private $usage;

    public function __construct(
        $systemName,
        $displayName = null,
        $type = null,
        UnitInterface $units = null,
        UsageInterface $usage = null
    ) {
        $this->systemName = $systemName;
        $this->displayName = $displayName === null ? $systemName : $displayName;
        $this->type = in_array($type, self::TYPES, true) ? $type : self::TYPE_SNAPSHOT;
        $this->units = $units === null ? new Units\FloatingPoint('') : $units;
        $this->usage = $usage === null ? new NoUsage(0) : $usage;
    }

    public function usage()
    {
        return $this->usage;
    }

    /** A copy of this metric carrying $usage (NoUsage when null); this one is left unchanged. */
    public function withUsage(UsageInterface $usage = null)
    {
        return new static($this->systemName, $this->displayName, $this->type, $this->units, $usage);
    }

    public function units()
    {
        return $this->units;
    }

    public function systemName()
    {
        return $this->systemName;
    }

    public function displayName()
    {
        return $this->displayName;
    }

    public function type()
    {
        return $this->type;
    }
}
