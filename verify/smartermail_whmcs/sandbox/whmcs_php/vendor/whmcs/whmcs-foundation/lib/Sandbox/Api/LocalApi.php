<?php
/**
 * Dispatch of localAPI() commands to their action classes (Action\<Command>), with WHMCS's
 * response envelope: ['result' => 'success', ...] or ['result' => 'error', 'message' => ...].
 * Command names are matched case-insensitively, as the API does; an unknown one gets
 * WHMCS's "Command Not Found".
 */

namespace WHMCS\Sandbox\Api;

class LocalApi
{
    /** lower-case command => action class (each has a static run(array $values): array). */
    const ACTIONS = [
        'whmcsdetails' => Action\WhmcsDetails::class,
        'getconfigurationvalue' => Action\GetConfigurationValue::class,
        'setconfigurationvalue' => Action\SetConfigurationValue::class,
        'addclient' => Action\AddClient::class,
        'deleteclient' => Action\DeleteClient::class,
        'addorder' => Action\AddOrder::class,
        'acceptorder' => Action\AcceptOrder::class,
        'pendingorder' => Action\PendingOrder::class,
        'cancelorder' => Action\CancelOrder::class,
        'fraudorder' => Action\FraudOrder::class,
        'deleteorder' => Action\DeleteOrder::class,
        'modulecreate' => Action\ModuleCreate::class,
        'modulesuspend' => Action\ModuleSuspend::class,
        'moduleunsuspend' => Action\ModuleUnsuspend::class,
        'moduleterminate' => Action\ModuleTerminate::class,
        'modulechangepw' => Action\ModuleChangePw::class,
        'modulechangepackage' => Action\ModuleChangePackage::class,
        'getclientsproducts' => Action\GetClientsProducts::class,
        'updateclientproduct' => Action\UpdateClientProduct::class,
        'createinvoice' => Action\CreateInvoice::class,
        'geninvoices' => Action\GenInvoices::class,
        'getinvoice' => Action\GetInvoice::class,
        'createssotoken' => Action\CreateSsoToken::class,
    ];

    public static function call($command, array $values, $adminUser = '')
    {
        $class = self::ACTIONS[strtolower($command)] ?? null;
        if ($class === null) {
            return ['result' => 'error', 'message' => 'Command Not Found'];
        }
        try {
            return array_merge(['result' => 'success'], $class::run($values));
        } catch (ApiError $e) {
            return array_merge(['result' => 'error', 'message' => $e->getMessage()], $e->extra());
        }
    }
}
