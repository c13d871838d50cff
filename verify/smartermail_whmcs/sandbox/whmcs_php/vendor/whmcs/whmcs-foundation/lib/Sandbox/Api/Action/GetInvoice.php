<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;

/**
 * GetInvoice (api-reference/getinvoice): the invoice fields as strings (as in the documented
 * example), items {item: [{id, type, relid, description, amount, taxed}]}, and transactions
 * {transaction: [...]} from tblaccounts, or "" when there are none. balance = total - payments
 * (amount in - amount out) (GUESS). ccgateway is "" (the sandbox has no card gateways).
 */
class GetInvoice
{
    const FIELDS = ['invoicenum', 'userid', 'date', 'duedate', 'datepaid', 'subtotal', 'credit', 'tax', 'tax2', 'total',
        'taxrate', 'taxrate2', 'status', 'paymentmethod', 'notes'];

    public static function run(array $values)
    {
        $invoiceId = Input::int($values, 'invoiceid');
        $invoice = Capsule::table('tblinvoices')->where('id', $invoiceId)->first();
        if ($invoice === null) {
            throw new ApiError('Invoice ID Not Found');
        }
        $transactions = Capsule::table('tblaccounts')->where('invoiceid', $invoiceId)->orderBy('id')->get();
        $paid = 0.0;
        $listed = [];
        foreach ($transactions as $transaction) {
            $paid += (float) $transaction->amountin - (float) $transaction->amountout;
            $listed[] = array_map(function ($value) {
                return $value === null ? '' : (string) $value;
            }, (array) $transaction);
        }
        $answer = ['invoiceid' => (string) $invoice->id];
        foreach (self::FIELDS as $field) {
            $answer[$field] = $invoice->$field === null ? '' : (string) $invoice->$field;
            if ($field === 'total') {
                $answer['balance'] = number_format((float) $invoice->total - $paid, 2, '.', '');
            }
        }
        $answer['ccgateway'] = '';
        $items = [];
        foreach (Capsule::table('tblinvoiceitems')->where('invoiceid', $invoiceId)->orderBy('id')->get() as $item) {
            $items[] = [
                'id' => (string) $item->id,
                'type' => (string) $item->type,
                'relid' => (string) $item->relid,
                'description' => (string) $item->description,
                'amount' => (string) $item->amount,
                'taxed' => (string) $item->taxed,
            ];
        }
        $answer['items'] = ['item' => $items];
        $answer['transactions'] = $listed ? ['transaction' => $listed] : '';
        return $answer;
    }
}
