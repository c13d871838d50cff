<?php

namespace WHMCS\Sandbox\Api\Action;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;
use WHMCS\Sandbox\Api\ApiError;
use WHMCS\Sandbox\Api\Input;
use WHMCS\Sandbox\ClientArea\SsoTokens;

/**
 * CreateSsoToken (api-reference/createssotoken, HIGH; errors from whmcs-runtime.md (d)): a single
 * use token, valid 60 seconds, for a client (its owner user unless user_id names another user of
 * that client) or a user, and a destination (default the client area home). Answers access_token
 * and redirect_url = <SystemURL>oauth/singlesignon.php?access_token=<token>.
 * The stand-in knows the destinations of SsoTokens::DESTINATIONS; clientarea:product_details needs
 * a service_id of the client ("Invalid service_id" is a GUESS: the refusal is not documented).
 */
class CreateSsoToken
{
    public static function run(array $values)
    {
        $clientId = Input::int($values, 'client_id');
        $userId = Input::int($values, 'user_id');
        if ($clientId === 0 && $userId === 0) {
            throw new ApiError('A valid client_id or user_id is required');
        }
        if ($clientId !== 0 && !Capsule::table('tblclients')->where('id', $clientId)->exists()) {
            throw new ApiError('Invalid client_id');
        }
        if ($userId !== 0 && !Capsule::table('tblusers')->where('id', $userId)->exists()) {
            throw new ApiError('Invalid user_id');
        }
        $userId = self::user($clientId, $userId);
        if ($clientId !== 0 && !(int) Capsule::table('tblclients')->where('id', $clientId)->value('allow_sso')) {
            throw new ApiError('SSO authentication blocked for client ' . $clientId);
        }
        $destination = Input::string($values, 'destination') ?: 'clientarea:homepage';
        if (!SsoTokens::isDestination($destination)) {
            throw new ApiError('Invalid destination');
        }
        $login = [
            'user_id' => $userId,
            'client_id' => $clientId,
            'destination' => $destination,
            'service_id' => Input::int($values, 'service_id'),
            'domain_id' => Input::int($values, 'domain_id'),
            'sso_redirect_path' => Input::string($values, 'sso_redirect_path'),
        ];
        self::checkTarget($login);
        $token = SsoTokens::issue($login);
        $systemUrl = rtrim((string) Setting::getValue('SystemURL'), '/') . '/';
        return [
            'access_token' => $token,
            'redirect_url' => $systemUrl . 'oauth/singlesignon.php?access_token=' . $token,
        ];
    }

    /** The user the token logs in: the given one (who must belong to the client) or the client's owner. */
    private static function user($clientId, $userId)
    {
        if ($clientId === 0) {
            return $userId;
        }
        $links = Capsule::table('tblusers_clients')->where('client_id', $clientId);
        if ($userId !== 0) {
            if (!(clone $links)->where('auth_user_id', $userId)->exists()) {
                throw new ApiError('Invalid user_id for client');
            }
            return $userId;
        }
        $owner = (int) $links->orderBy('owner', 'desc')->orderBy('id')->value('auth_user_id');
        if ($owner === 0) {
            throw new ApiError('Invalid client_id');
        }
        return $owner;
    }

    private static function checkTarget(array $login)
    {
        $clientId = $login['client_id'] ?: (int) Capsule::table('tblusers_clients')
            ->where('auth_user_id', $login['user_id'])->orderBy('owner', 'desc')->value('client_id');
        if ($login['destination'] === 'clientarea:product_details'
            && !Capsule::table('tblhosting')->where('id', $login['service_id'])->where('userid', $clientId)->exists()) {
            throw new ApiError('Invalid service_id');
        }
        if ($login['destination'] === 'sso:custom_redirect' && $login['sso_redirect_path'] === '') {
            throw new ApiError('Invalid sso_redirect_path');
        }
    }
}
