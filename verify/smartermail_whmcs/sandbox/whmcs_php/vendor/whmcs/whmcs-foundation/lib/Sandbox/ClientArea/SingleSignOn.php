<?php
/**
 * oauth/singlesignon.php?access_token=<token>: a token from CreateSsoToken logs its user in and
 * redirects to its destination. A token that is unknown, already used or expired gets WHMCS's
 * OAuth error answer (HTTP 401, JSON error "invalid_token"; the descriptions are those of the
 * OAuth2 server library WHMCS uses, MEDIUM).
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Database\Capsule;

class SingleSignOn
{
    public static function handle($token)
    {
        $login = SsoTokens::redeem($token);
        if (!is_array($login)) {
            Response::json([
                'error' => 'invalid_token',
                'error_description' => $login === 'expired'
                    ? 'The access token provided has expired' : 'The access token provided is invalid',
            ], 401);
        }
        $userId = (int) ($login['user_id'] ?? 0);
        $clientId = (int) ($login['client_id'] ?? 0) ?: Login::clientOf($userId);
        $client = Capsule::table('tblclients')->where('id', $clientId)->first();
        if ($client === null || (string) $client->status === 'Closed' || !(int) $client->allow_sso) {
            logActivity('Single Sign-On authentication denied for User ID: ' . $userId, $clientId);
            Response::json(['error' => 'access_denied',
                'error_description' => 'Single Sign-On is not available for client ID.'], 401);
        }
        Session::logIn($userId, $clientId);
        Login::recordLogin($userId);
        Response::redirect(Urls::to(SsoTokens::destinationPath($login)));
    }
}
