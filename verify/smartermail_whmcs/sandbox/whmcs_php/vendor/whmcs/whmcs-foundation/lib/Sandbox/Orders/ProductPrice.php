<?php
/**
 * The billing cycle and prices an ordered product gets (tblpricing, reference/whmcs.md 1.5:
 * -1.00 marks a cycle as not offered):
 *  - paytype 'free' -> Free Account at 0.00, 'onetime' -> One Time at the 'monthly' price;
 *  - recurring: the requested cycle when it is offered, else the first offered cycle from
 *    Monthly to Triennially (as the cart does); none offered -> null (the cart drops the item);
 *  - first payment = price + the cycle's setup fee; recurring amount = price.
 */

namespace WHMCS\Sandbox\Orders;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Billing\BillingCycle;

class ProductPrice
{
    /** ['cycle' => display name, 'recurring' => float, 'first' => float] or null. */
    public static function choose($product, $currencyId, $requestedCycle)
    {
        $paytype = strtolower((string) $product->paytype);
        if ($paytype === 'free') {
            return ['cycle' => BillingCycle::FREE, 'recurring' => 0.0, 'first' => 0.0];
        }
        $pricing = Capsule::table('tblpricing')->where('type', 'product')->where('relid', $product->id)
            ->where('currency', $currencyId)->first();
        if ($pricing === null) {
            return null;
        }
        if ($paytype === 'onetime') {
            return self::priced($pricing, BillingCycle::ONE_TIME);
        }
        $requested = BillingCycle::fromName($requestedCycle);
        if ($requested !== null && self::offered($pricing, $requested)) {
            return self::priced($pricing, $requested);
        }
        foreach (array_keys(BillingCycle::RECURRING) as $cycle) {
            if (self::offered($pricing, $cycle)) {
                return self::priced($pricing, $cycle);
            }
        }
        return null;
    }

    private static function offered($pricing, $cycle)
    {
        return BillingCycle::isRecurring($cycle) && (float) $pricing->{BillingCycle::priceColumn($cycle)} >= 0;
    }

    private static function priced($pricing, $cycle)
    {
        $price = max(0.0, (float) $pricing->{BillingCycle::priceColumn($cycle)});
        $setup = max(0.0, (float) $pricing->{BillingCycle::setupFeeColumn($cycle)});
        return ['cycle' => $cycle, 'recurring' => $price, 'first' => $price + $setup];
    }
}
