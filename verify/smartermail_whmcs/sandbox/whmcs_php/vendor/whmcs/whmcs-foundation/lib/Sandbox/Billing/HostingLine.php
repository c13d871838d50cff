<?php
/**
 * The 'Hosting' invoice line WHMCS writes for a service due on a date
 * (docs/whmcs-standin-facts.md (c) "Hosting line"):
 *  - description "<Product name>[ - <domain>] (<due date> - <pay-until date>)", "<qty> x " first
 *    when the product allows quantities and qty > 1, no date part for One Time services, one
 *    "\n<field>: <value>" line per custom field shown on invoices; dates in the DateFormat setting;
 *  - amount: the first payment amount when the service was registered on that date, else the
 *    recurring amount; taxed only when the product is taxed and TaxEnabled is on.
 */

namespace WHMCS\Sandbox\Billing;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

class HostingLine
{
    /** The line's fields for tblinvoiceitems (invoiceid left to the caller). */
    public static function forService($service, $dueDate)
    {
        $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
        $taxEnabled = in_array((string) Setting::getValue('TaxEnabled'), ['on', '1'], true);
        return [
            'type' => 'Hosting',
            'relid' => (int) $service->id,
            'description' => self::description($service, $product, $dueDate),
            'amount' => (string) $service->regdate === (string) $dueDate
                ? (float) $service->firstpaymentamount : (float) $service->amount,
            'taxed' => $taxEnabled && $product !== null && (int) $product->tax === 1,
            'duedate' => $dueDate,
            'paymentmethod' => (string) $service->paymentmethod,
        ];
    }

    public static function description($service, $product, $dueDate)
    {
        $text = $product !== null ? (string) $product->name : '';
        if ($product !== null && (int) $product->allowqty > 0 && (int) $service->qty > 1) {
            $text = (int) $service->qty . ' x ' . $text;
        }
        if ((string) $service->domain !== '') {
            $text .= ' - ' . $service->domain;
        }
        $cycle = (string) $service->billingcycle;
        if (BillingCycle::isRecurring($cycle)) {
            $text .= ' (' . DateFormat::display($dueDate) . ' - '
                . DateFormat::display(BillingCycle::payUntil($dueDate, $cycle)) . ')';
        }
        foreach (self::invoiceCustomFields($service) as $name => $value) {
            $text .= "\n" . $name . ': ' . $value;
        }
        return $text;
    }

    /** Custom fields of the service's product marked "show on invoice", with their values. */
    private static function invoiceCustomFields($service)
    {
        if (!Capsule::schema()->hasTable('tblcustomfields')) {
            return [];
        }
        $rows = Capsule::table('tblcustomfields')
            ->join('tblcustomfieldsvalues', 'tblcustomfieldsvalues.fieldid', '=', 'tblcustomfields.id')
            ->where('tblcustomfields.type', 'product')
            ->where('tblcustomfields.relid', $service->packageid)
            ->where('tblcustomfields.showinvoice', 'on')
            ->where('tblcustomfieldsvalues.relid', $service->id)
            ->orderBy('tblcustomfields.sortorder')->orderBy('tblcustomfields.id')
            ->get(['tblcustomfields.fieldname', 'tblcustomfieldsvalues.value']);
        $fields = [];
        foreach ($rows as $row) {
            if ((string) $row->value !== '') {
                $fields[trim(explode('|', (string) $row->fieldname)[0])] = (string) $row->value;
            }
        }
        return $fields;
    }
}
