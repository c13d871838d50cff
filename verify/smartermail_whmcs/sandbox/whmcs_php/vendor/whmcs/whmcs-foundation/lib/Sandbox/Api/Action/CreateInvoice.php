<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\Billing\Invoices;
use WHMCS\Sandbox\Billing\PaymentGateways;

/**
 * CreateInvoice (api-reference/createinvoice): an invoice with custom lines itemdescriptionN /
 * itemamountN / itemtaxedN (type '', so a module's hook that looks for 'Hosting' lines ignores
 * them), status Unpaid unless status or draft says otherwise, the client's gateway unless
 * paymentmethod is given. Then the creation hooks with source 'api' (Invoices::finish: no
 * InvoiceCreated for a Draft; InvoiceCreationPreEmail only with sendinvoice). Credit is not applied.
 */
class CreateInvoice
{
    public static function run(array $values)
    {
        $clientId = Input::int($values, 'userid');
        if (!Capsule::table('tblclients')->where('id', $clientId)->exists()) {
            throw new ApiError('Client ID Not Found');
        }
        $draft = Input::flag($values, 'draft');
        $send = Input::flag($values, 'sendinvoice');
        if ($draft && $send) {
            throw new ApiError('Cannot create and send a draft invoice in a single API request. Please create and send separately.');
        }
        $status = $draft ? Invoices::DRAFT : (Input::string($values, 'status') ?: Invoices::UNPAID);
        $paymentMethod = Input::string($values, 'paymentmethod') ?: PaymentGateways::forClient($clientId);
        $dueDate = Input::string($values, 'duedate') ?: date('Y-m-d');
        $invoiceId = Invoices::insert($clientId, [
            'date' => Input::string($values, 'date') ?: date('Y-m-d'),
            'duedate' => $dueDate,
            'status' => $status,
            'paymentmethod' => $paymentMethod,
            'notes' => Input::string($values, 'notes'),
            'taxrate' => Input::string($values, 'taxrate'),
            'taxrate2' => Input::string($values, 'taxrate2'),
        ]);
        foreach (self::lineNumbers($values) as $n) {
            Invoices::addLine($invoiceId, $clientId, [
                'description' => Input::string($values, 'itemdescription' . $n),
                'amount' => (float) Input::string($values, 'itemamount' . $n),
                'taxed' => Input::flag($values, 'itemtaxed' . $n),
                'duedate' => $dueDate,
                'paymentmethod' => $paymentMethod,
            ]);
        }
        Invoices::finish($invoiceId, 'api', 'system', $send);
        return ['invoiceid' => (string) $invoiceId, 'status' => $status];
    }

    /** The N of every itemdescriptionN, in numeric order. */
    private static function lineNumbers(array $values)
    {
        $numbers = [];
        foreach (array_keys($values) as $key) {
            if (preg_match('/^itemdescription(\d+)$/', (string) $key, $match)) {
                $numbers[] = (int) $match[1];
            }
        }
        sort($numbers);
        return $numbers;
    }
}
