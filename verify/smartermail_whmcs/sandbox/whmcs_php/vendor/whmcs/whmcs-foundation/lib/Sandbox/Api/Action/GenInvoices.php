<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\Billing\DueInvoices;

/**
 * GenInvoices (api-reference/geninvoices): invoices for due services (DueInvoices), of one client
 * with clientid, or for the services named in serviceids[] whatever their due date. domainids[]
 * and addonids[] have nothing to bill in the sandbox. noemails skips the invoice email.
 */
class GenInvoices
{
    public static function run(array $values)
    {
        $clientId = Input::int($values, 'clientid');
        if ($clientId !== 0 && !Capsule::table('tblclients')->where('id', $clientId)->exists()) {
            throw new ApiError('Client ID Not Found');
        }
        $serviceIds = array_values(array_filter(array_map('intval', Input::items($values, 'serviceids'))));
        $result = DueInvoices::generate($serviceIds, $clientId, 'autogen', Input::flag($values, 'noemails'));
        $answer = ['numcreated' => (string) $result['numcreated']];
        if ($result['latestinvoiceid']) {
            $answer['latestinvoiceid'] = (string) $result['latestinvoiceid'];
        }
        return $answer;
    }
}
