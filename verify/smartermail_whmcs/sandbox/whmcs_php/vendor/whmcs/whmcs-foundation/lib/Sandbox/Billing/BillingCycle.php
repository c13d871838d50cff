<?php
/**
 * Billing cycles as WHMCS names them in tblhosting.billingcycle ('Monthly', 'Semi-Annually',
 * 'One Time', 'Free Account'), as the API takes them (AddOrder billingcycle[]: 'monthly',
 * 'semiannually', 'onetime', 'free'), and what they mean for pricing and dates
 * (reference/whmcs.md 1.5, 1.8; docs/whmcs-standin-facts.md (c)).
 */

namespace WHMCS\Sandbox\Billing;

class BillingCycle
{
    const FREE = 'Free Account';
    const ONE_TIME = 'One Time';

    /** Recurring cycles: display name => [API name, months, tblpricing price column, setup fee column]. */
    const RECURRING = [
        'Monthly' => ['monthly', 1, 'monthly', 'msetupfee'],
        'Quarterly' => ['quarterly', 3, 'quarterly', 'qsetupfee'],
        'Semi-Annually' => ['semiannually', 6, 'semiannually', 'ssetupfee'],
        'Annually' => ['annually', 12, 'annually', 'asetupfee'],
        'Biennially' => ['biennially', 24, 'biennially', 'bsetupfee'],
        'Triennially' => ['triennially', 36, 'triennially', 'tsetupfee'],
    ];

    /** The display name for an API or display spelling ('semiannually', 'Semi-Annually'), or null. */
    public static function fromName($name)
    {
        $key = strtolower(str_replace([' ', '-'], '', (string) $name));
        foreach (self::RECURRING as $display => $cycle) {
            if ($key === $cycle[0]) {
                return $display;
            }
        }
        if ($key === 'onetime') {
            return self::ONE_TIME;
        }
        if ($key === 'free' || $key === 'freeaccount') {
            return self::FREE;
        }
        return null;
    }

    public static function isRecurring($cycle)
    {
        return isset(self::RECURRING[$cycle]);
    }

    public static function months($cycle)
    {
        return self::RECURRING[$cycle][1] ?? 0;
    }

    /** The tblpricing column holding the price of a cycle (one-time products use 'monthly'). */
    public static function priceColumn($cycle)
    {
        return self::RECURRING[$cycle][2] ?? 'monthly';
    }

    public static function setupFeeColumn($cycle)
    {
        return self::RECURRING[$cycle][3] ?? 'msetupfee';
    }

    /** Y-m-d plus whole months; a day that does not exist in the target month becomes its last day (GUESS). */
    public static function addMonths($date, $months)
    {
        $start = new \DateTimeImmutable((string) $date);
        $first = $start->modify('first day of this month')->modify('+' . (int) $months . ' months');
        $day = min((int) $start->format('d'), (int) $first->format('t'));
        return $first->setDate((int) $first->format('Y'), (int) $first->format('m'), $day)->format('Y-m-d');
    }

    /** The last day a payment due on $dueDate covers: due date plus the cycle, minus one day. */
    public static function payUntil($dueDate, $cycle)
    {
        $next = self::addMonths($dueDate, self::months($cycle));
        return (new \DateTimeImmutable($next))->modify('-1 day')->format('Y-m-d');
    }
}
