<?php
/**
 * WHMCS\Cron\Task\CreateInvoices ("Invoices", priority 1520, daily; docs/whmcs-standin-facts.md (c)):
 * generates the invoices of due services, firing the invoice hooks, through the stand-in's billing
 * (WHMCS\Sandbox\Billing\DueInvoices, source 'autogen' as WHMCS's createInvoices() uses).
 */

namespace WHMCS\Sandbox\Cron\Task;

use WHMCS\Sandbox\Cron\Output;
use WHMCS\Sandbox\Cron\Task;

class CreateInvoices extends Task
{
    const SYSTEM_NAME = 'CreateInvoices';
    const PRIORITY = 1520;
    const FREQUENCY = 1440;
    const NAME = 'Invoices';
    const DESCRIPTION = 'Generate Invoices';
    const BILLING = 'WHMCS\\Sandbox\\Billing\\DueInvoices';

    public function run(Output $out)
    {
        if (!class_exists(self::BILLING)) {
            $out->info('CreateInvoices: skipped, this stand-in has no invoice generation');
            return;
        }
        $created = call_user_func([self::BILLING, 'generate'], [], 0, 'autogen');
        $out->info('CreateInvoices: ' . (int) ($created['numcreated'] ?? 0) . ' invoice(s) created');
    }
}
