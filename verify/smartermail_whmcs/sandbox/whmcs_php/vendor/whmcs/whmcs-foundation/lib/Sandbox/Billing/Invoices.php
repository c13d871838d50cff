<?php
/**
 * Creating an invoice the way WHMCS does (docs/whmcs-standin-facts.md (c), steps 3-10;
 * developers.whmcs.com/hooks-reference/invoices-and-quotes):
 *  - insert(): the tblinvoices row, every NOT NULL column written, totals zero until recalculated;
 *  - finish(): the activity log line, totals, then the hook points in WHMCS's order:
 *    InvoiceCreation {source, user, invoiceid, status} -> totals recalculated again (a hook may
 *    rewrite lines) -> InvoiceCreationPreEmail (only when the invoice email would be sent) ->
 *    InvoiceCreated (not for a Draft invoice).
 */

namespace WHMCS\Sandbox\Billing;

use WHMCS\Database\Capsule;

class Invoices
{
    const UNPAID = 'Unpaid';
    const DRAFT = 'Draft';

    /**
     * A new invoice for $userId. $fields may set date, duedate, status, paymentmethod, notes,
     * taxrate, taxrate2 (defaults: today, today, Unpaid, '', '', 0, 0).
     */
    public static function insert($userId, array $fields)
    {
        $today = date('Y-m-d');
        $now = date('Y-m-d H:i:s');
        return (int) Capsule::table('tblinvoices')->insertGetId([
            'userid' => (int) $userId,
            'invoicenum' => '',
            'date' => $fields['date'] ?? $today,
            'duedate' => $fields['duedate'] ?? $today,
            'subtotal' => 0,
            'credit' => 0,
            'tax' => 0,
            'tax2' => 0,
            'total' => 0,
            'taxrate' => (float) ($fields['taxrate'] ?? 0),
            'taxrate2' => (float) ($fields['taxrate2'] ?? 0),
            'status' => (string) ($fields['status'] ?? self::UNPAID),
            'paymentmethod' => (string) ($fields['paymentmethod'] ?? ''),
            'notes' => (string) ($fields['notes'] ?? ''),
            'created_at' => $now,
            'updated_at' => $now,
        ]);
    }

    /** One invoice line; invoiceid 0 leaves it uninvoiced until an invoice is built from it. */
    public static function addLine($invoiceId, $userId, array $line)
    {
        return (int) Capsule::table('tblinvoiceitems')->insertGetId([
            'invoiceid' => (int) $invoiceId,
            'userid' => (int) $userId,
            'type' => (string) ($line['type'] ?? ''),
            'relid' => (int) ($line['relid'] ?? 0),
            'description' => (string) ($line['description'] ?? ''),
            'amount' => round((float) ($line['amount'] ?? 0), 2),
            'taxed' => empty($line['taxed']) ? 0 : 1,
            'duedate' => $line['duedate'] ?? null,
            'paymentmethod' => (string) ($line['paymentmethod'] ?? ''),
            'notes' => '',
        ]);
    }

    /**
     * What follows the insert in WHMCS: log, totals, InvoiceCreation, totals again, then the
     * email hook and InvoiceCreated. $user is 'system' or the admin's id.
     */
    public static function finish($invoiceId, $source, $user, $sendEmail)
    {
        $userId = (int) Capsule::table('tblinvoices')->where('id', $invoiceId)->value('userid');
        logActivity('Created Invoice - Invoice ID: ' . $invoiceId, $userId);
        InvoiceTotals::recalculate($invoiceId);
        run_hook('InvoiceCreation', self::hookVars($invoiceId, $source, $user));
        InvoiceTotals::recalculate($invoiceId);
        $vars = self::hookVars($invoiceId, $source, $user);
        if ($vars['status'] === self::DRAFT) {
            return;
        }
        if ($sendEmail) {
            run_hook('InvoiceCreationPreEmail', $vars);
        }
        run_hook('InvoiceCreated', $vars);
    }

    private static function hookVars($invoiceId, $source, $user)
    {
        return [
            'source' => (string) $source,
            'user' => $user,
            'invoiceid' => (int) $invoiceId,
            'status' => (string) Capsule::table('tblinvoices')->where('id', $invoiceId)->value('status'),
        ];
    }
}
