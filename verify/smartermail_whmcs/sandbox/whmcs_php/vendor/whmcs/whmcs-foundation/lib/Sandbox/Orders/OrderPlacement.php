<?php
/**
 * Placing an order for products (what AddOrder does; docs/whmcs-standin-facts.md "AddOrder" and
 * (c) "AddOrder's first invoice"):
 *  - a Pending tblorders row (ordernum 10 random digits: GUESS) and one Pending tblhosting row per
 *    product, registered and due today, with the product's price for the cycle in the client's
 *    currency (ProductPrice; priceoverride[] replaces both amounts: GUESS), the server picked as
 *    WHMCS picks it (ServerPicker), no username or password yet (Create fills them);
 *  - unless noinvoice: the first invoice through the invoice generator, restricted to these
 *    services and without emails (so InvoiceCreation and InvoiceCreated fire, source 'autogen'),
 *    its due date OrderDaysGrace days later, recorded in tblorders.invoiceid.
 * The product's "set up as soon as an order is placed" option is ignored: AcceptOrder does that.
 */

namespace WHMCS\Sandbox\Orders;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Billing\DueInvoices;
use WHMCS\Sandbox\Provisioning\ServerPicker;

class OrderPlacement
{
    /**
     * $items: [['pid' => int, 'domain' => string, 'billingcycle' => string, 'priceoverride' =>
     * string|null, 'qty' => int]]. Returns ['orderid', 'serviceids' => int[], 'invoiceid'], or
     * null when no item could be ordered.
     */
    public static function place($client, $paymentMethod, array $items, $clientIp, $withInvoice)
    {
        $lines = self::priceItems($client, $items);
        if (!$lines) {
            return null;
        }
        $now = date('Y-m-d H:i:s');
        $orderId = (int) Capsule::table('tblorders')->insertGetId([
            'ordernum' => random_int(1000000000, 9999999999),
            'userid' => (int) $client->id,
            'contactid' => 0,
            'date' => $now,
            'nameservers' => '',
            'transfersecret' => '',
            'renewals' => '',
            'promocode' => '',
            'promotype' => '',
            'promovalue' => '',
            'orderdata' => '',
            'amount' => round(array_sum(array_column($lines, 'first')), 2),
            'paymentmethod' => (string) $paymentMethod,
            'invoiceid' => 0,
            'status' => 'Pending',
            'ipaddress' => (string) $clientIp,
            'fraudmodule' => '',
            'fraudoutput' => '',
            'notes' => '',
        ]);
        $serviceIds = [];
        foreach ($lines as $line) {
            $serviceIds[] = self::insertService($client, $orderId, (string) $paymentMethod, $line);
        }
        logActivity('New Order Placed - Order ID: ' . $orderId . ' - User ID: ' . $client->id, (int) $client->id);
        $invoiceId = $withInvoice ? self::firstInvoice($orderId, $serviceIds) : 0;
        return ['orderid' => $orderId, 'serviceids' => $serviceIds, 'invoiceid' => $invoiceId];
    }

    /** The items that can be ordered, with their product, cycle and amounts. */
    private static function priceItems($client, array $items)
    {
        $lines = [];
        foreach ($items as $item) {
            $product = Capsule::table('tblproducts')->where('id', (int) $item['pid'])->first();
            if ($product === null) {
                continue;
            }
            $price = ProductPrice::choose($product, (int) $client->currency, (string) $item['billingcycle']);
            if ($price === null) {
                continue;
            }
            $qty = (int) $product->allowqty > 0 ? max(1, (int) $item['qty']) : 1;
            $recurring = $price['recurring'] * $qty;
            $first = $price['first'] * $qty;
            if ($item['priceoverride'] !== null && $item['priceoverride'] !== '') {
                $recurring = $first = (float) $item['priceoverride'];
            }
            $lines[] = ['product' => $product, 'domain' => (string) $item['domain'], 'cycle' => $price['cycle'],
                'recurring' => round($recurring, 2), 'first' => round($first, 2), 'qty' => $qty];
        }
        return $lines;
    }

    private static function insertService($client, $orderId, $paymentMethod, array $line)
    {
        $today = date('Y-m-d');
        $now = date('Y-m-d H:i:s');
        return (int) Capsule::table('tblhosting')->insertGetId([
            'userid' => (int) $client->id,
            'orderid' => $orderId,
            'packageid' => (int) $line['product']->id,
            'server' => ServerPicker::forProduct($line['product']),
            'regdate' => $today,
            'domain' => $line['domain'],
            'paymentmethod' => $paymentMethod,
            'qty' => $line['qty'],
            'firstpaymentamount' => $line['first'],
            'amount' => $line['recurring'],
            'billingcycle' => $line['cycle'],
            'nextduedate' => $today,
            'nextinvoicedate' => $today,
            'domainstatus' => 'Pending',
            'username' => '',
            'password' => '',
            'notes' => '',
            'subscriptionid' => '',
            'promoid' => 0,
            'suspendreason' => '',
            'overideautosuspend' => 0,
            'overidesuspenduntil' => '0000-00-00',
            'dedicatedip' => '',
            'assignedips' => '',
            'ns1' => '',
            'ns2' => '',
            'created_at' => $now,
            'updated_at' => $now,
        ]);
    }

    private static function firstInvoice($orderId, array $serviceIds)
    {
        $invoiceId = (int) DueInvoices::generate($serviceIds, 0, 'autogen', true)['latestinvoiceid'];
        if ($invoiceId === 0) {
            return 0;
        }
        $graceDays = (int) Setting::getValue('OrderDaysGrace');
        if ($graceDays > 0) {
            $due = (new \DateTimeImmutable('today'))->modify('+' . $graceDays . ' days')->format('Y-m-d');
            Capsule::table('tblinvoices')->where('id', $invoiceId)->update(['duedate' => $due]);
        }
        Capsule::table('tblorders')->where('id', $orderId)->update(['invoiceid' => $invoiceId]);
        return $invoiceId;
    }
}
