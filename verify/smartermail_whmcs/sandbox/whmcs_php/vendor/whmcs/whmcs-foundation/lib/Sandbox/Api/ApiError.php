<?php

namespace WHMCS\Sandbox\Api;

/** An API call refused with WHMCS's message (and, for some actions, extra response fields). */
class ApiError extends \RuntimeException
{
    /** @var array */
    private $extra;

    public function __construct($message, array $extra = [])
    {
        parent::__construct((string) $message);
        $this->extra = $extra;
    }

    public function extra()
    {
        return $this->extra;
    }
}
