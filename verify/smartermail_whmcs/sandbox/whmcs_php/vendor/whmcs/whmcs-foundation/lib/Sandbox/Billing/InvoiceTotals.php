<?php
/**
 * Recalculating an invoice's totals from its lines, as WHMCS does after creating an invoice and
 * again after the InvoiceCreation hook: subtotal = sum of the line amounts, total = subtotal -
 * credit + tax + tax2 (docs/whmcs-standin-facts.md (c) step 5). Tax is computed only when the
 * TaxEnabled setting is on; the sandbox has no tax rules, so tax stays at the invoice's rates
 * applied to the taxed lines (a simplification: no compound or inclusive tax).
 */

namespace WHMCS\Sandbox\Billing;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

class InvoiceTotals
{
    public static function recalculate($invoiceId)
    {
        $invoice = Capsule::table('tblinvoices')->where('id', $invoiceId)->first();
        if ($invoice === null) {
            return;
        }
        $lines = Capsule::table('tblinvoiceitems')->where('invoiceid', $invoiceId)->get(['amount', 'taxed']);
        $subtotal = 0.0;
        $taxable = 0.0;
        foreach ($lines as $line) {
            $subtotal += (float) $line->amount;
            if ((int) $line->taxed === 1) {
                $taxable += (float) $line->amount;
            }
        }
        $tax = $tax2 = 0.0;
        if (in_array((string) Setting::getValue('TaxEnabled'), ['on', '1'], true)) {
            $tax = round($taxable * (float) $invoice->taxrate / 100, 2);
            $tax2 = round($taxable * (float) $invoice->taxrate2 / 100, 2);
        }
        $subtotal = round($subtotal, 2);
        Capsule::table('tblinvoices')->where('id', $invoiceId)->update([
            'subtotal' => $subtotal,
            'tax' => $tax,
            'tax2' => $tax2,
            'total' => round($subtotal - (float) $invoice->credit + $tax + $tax2, 2),
            'updated_at' => date('Y-m-d H:i:s'),
        ]);
    }
}
