<?php
/**
 * Invoice generation for due services, what the CreateInvoices cron task, the GenInvoices API and
 * an order's first invoice run (docs/whmcs-standin-facts.md (c)):
 *
 *  1. PreInvoicingGenerateInvoiceItems; one uninvoiced 'Hosting' line per due service, unless a
 *     line for the same client, service and due date exists already (so a second run bills
 *     nothing); AfterInvoicingGenerateInvoiceItems.
 *  2. Uninvoiced lines grouped per (client, due date, payment method), one invoice each (one per
 *     line for a client with separate invoices), built and hooked by Invoices::finish().
 *
 * A service is due when it is Pending/Active/Suspended, not free, and its next due date (next
 * invoice date with ContinuousInvoiceGeneration on) is at most CreateInvoiceDaysBefore[<Cycle>]
 * days away; One Time services are always due. Named services ($serviceIds) skip the date and
 * status rules. The service row is not changed, except that continuous invoicing moves
 * nextinvoicedate on by one cycle; WHMCS moves nextduedate when the invoice is paid.
 */

namespace WHMCS\Sandbox\Billing;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

class DueInvoices
{
    const BILLABLE_STATUSES = ['Pending', 'Active', 'Suspended'];
    const FREE_CYCLES = ['Free', 'Free Account'];
    const DAYS_BEFORE_SETTINGS = [
        'Monthly' => 'Monthly', 'Quarterly' => 'Quarterly', 'Semi-Annually' => 'SemiAnnually',
        'Annually' => 'Annually', 'Biennially' => 'Biennially', 'Triennially' => 'Triennially',
    ];

    /**
     * Generate the lines and invoices; returns ['numcreated' => n, 'latestinvoiceid' => id|0].
     * $source is the InvoiceCreation hook's source; $noEmails skips the invoice email (and with
     * it InvoiceCreationPreEmail).
     */
    public static function generate(array $serviceIds = [], int $clientId = 0, string $source = 'autogen', bool $noEmails = false): array
    {
        $continuous = self::isOn('ContinuousInvoiceGeneration');
        run_hook('PreInvoicingGenerateInvoiceItems', []);
        $clients = [];
        foreach (self::candidates($serviceIds, $clientId) as $service) {
            $dueDate = (string) ($continuous ? $service->nextinvoicedate : $service->nextduedate);
            if (!$serviceIds && !self::isDue($service, $dueDate)) {
                continue;
            }
            $clients[(int) $service->userid] = true;
            if (self::alreadyBilled($service, $dueDate)) {
                if ($continuous && BillingCycle::isRecurring((string) $service->billingcycle)) {
                    self::moveNextInvoiceDate((int) $service->id, $dueDate, (string) $service->billingcycle);
                }
                continue;
            }
            Invoices::addLine(0, (int) $service->userid, HostingLine::forService($service, $dueDate));
        }
        run_hook('AfterInvoicingGenerateInvoiceItems', []);
        $scope = $serviceIds ? array_keys($clients) : ($clientId ? [$clientId] : null);
        return self::buildInvoices($scope, $source, $noEmails, $continuous);
    }

    /** Services to look at: the named ones (not free), else billable ones of one client or all. */
    private static function candidates(array $serviceIds, int $clientId)
    {
        $query = Capsule::table('tblhosting')->whereNotIn('billingcycle', self::FREE_CYCLES);
        if ($serviceIds) {
            $query->whereIn('id', array_map('intval', $serviceIds));
        } else {
            $query->whereIn('domainstatus', self::BILLABLE_STATUSES);
            if ($clientId) {
                $query->where('userid', $clientId);
            }
            if (Capsule::schema()->hasTable('tblcancelrequests')) {
                $query->whereNotIn('id', Capsule::table('tblcancelrequests')->pluck('relid')->all());
            }
        }
        return $query->orderBy('domain')->orderBy('id')->get();
    }

    private static function isDue($service, $dueDate)
    {
        if (!self::isDate($service->nextduedate) || !self::isDate($service->nextinvoicedate)) {
            return false;
        }
        $cycle = (string) $service->billingcycle;
        if ($cycle === BillingCycle::ONE_TIME) {
            return true;
        }
        if (!isset(self::DAYS_BEFORE_SETTINGS[$cycle])) {
            return false;
        }
        $days = (string) Setting::getValue('CreateInvoiceDaysBefore' . self::DAYS_BEFORE_SETTINGS[$cycle]);
        if ($days === '') {
            $days = (string) Setting::getValue('CreateInvoiceDaysBefore');
        }
        $limit = (new \DateTimeImmutable('today'))->modify('+' . (int) $days . ' days')->format('Y-m-d');
        return $dueDate <= $limit;
    }

    private static function alreadyBilled($service, $dueDate)
    {
        return Capsule::table('tblinvoiceitems')->where('userid', $service->userid)->where('type', 'Hosting')
            ->where('relid', $service->id)->where('duedate', $dueDate)->exists();
    }

    /** One invoice per (client, due date, payment method) of the uninvoiced lines in scope. */
    private static function buildInvoices($clientIds, $source, $noEmails, $continuous)
    {
        $query = Capsule::table('tblinvoiceitems')->where('invoiceid', 0);
        if ($clientIds !== null) {
            $query->whereIn('userid', $clientIds);
        }
        $groups = [];
        foreach ($query->orderBy('userid')->orderBy('duedate')->orderBy('id')->get() as $line) {
            $key = self::separateInvoices((int) $line->userid)
                ? 'line' . $line->id : $line->userid . '|' . $line->duedate . '|' . $line->paymentmethod;
            $groups[$key][] = $line;
        }
        $latest = 0;
        foreach ($groups as $lines) {
            $latest = self::buildInvoice($lines, $source, $noEmails, $continuous);
        }
        return ['numcreated' => count($groups), 'latestinvoiceid' => $latest];
    }

    private static function buildInvoice(array $lines, $source, $noEmails, $continuous)
    {
        $first = $lines[0];
        $invoiceId = Invoices::insert((int) $first->userid, [
            'duedate' => $first->duedate ?: date('Y-m-d'),
            'paymentmethod' => (string) $first->paymentmethod,
        ]);
        Capsule::table('tblinvoiceitems')->whereIn('id', array_column($lines, 'id'))->update(['invoiceid' => $invoiceId]);
        if ($continuous) {
            foreach ($lines as $line) {
                if ($line->type === 'Hosting') {
                    $cycle = (string) Capsule::table('tblhosting')->where('id', $line->relid)->value('billingcycle');
                    if (BillingCycle::isRecurring($cycle)) {
                        self::moveNextInvoiceDate((int) $line->relid, (string) $line->duedate, $cycle);
                    }
                }
            }
        }
        Invoices::finish($invoiceId, $source, 'system', !$noEmails);
        self::markPaidWhenZero($invoiceId);
        return $invoiceId;
    }

    private static function moveNextInvoiceDate($serviceId, $dueDate, $cycle)
    {
        Capsule::table('tblhosting')->where('id', $serviceId)
            ->update(['nextinvoicedate' => BillingCycle::addMonths($dueDate, BillingCycle::months($cycle))]);
    }

    /** WHMCS marks an invoice with nothing to pay as paid straight away. */
    private static function markPaidWhenZero($invoiceId)
    {
        $invoice = Capsule::table('tblinvoices')->where('id', $invoiceId)->first(['total', 'status']);
        if ($invoice !== null && (float) $invoice->total <= 0 && $invoice->status === Invoices::UNPAID) {
            Capsule::table('tblinvoices')->where('id', $invoiceId)
                ->update(['status' => 'Paid', 'datepaid' => date('Y-m-d H:i:s')]);
        }
    }

    private static function separateInvoices($clientId)
    {
        return (int) Capsule::table('tblclients')->where('id', $clientId)->value('separateinvoices') === 1;
    }

    private static function isDate($value)
    {
        return $value !== null && (string) $value !== '' && strpos((string) $value, '0000-00-00') !== 0;
    }

    private static function isOn($setting)
    {
        return in_array((string) Setting::getValue($setting), ['on', '1'], true);
    }
}
