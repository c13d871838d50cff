<?php
/**
 * The client-area session: PHP's file sessions under ROOTDIR/sandbox/sessions (never served),
 * a cookie per WHMCS host path so that the sandbox's hosts do not share logins. WHMCS 8 keeps the
 * logged-in client as $_SESSION['uid'], which modules read (GUESS for the other keys).
 */

namespace WHMCS\Sandbox\ClientArea;

class Session
{
    public static function start()
    {
        if (session_status() === PHP_SESSION_ACTIVE) {
            return;
        }
        session_save_path(ROOTDIR . '/sandbox/sessions');
        session_name('WHMCS' . substr(sha1(ROOTDIR), 0, 12));
        session_set_cookie_params([
            'path' => Urls::webRoot() . '/',
            'httponly' => true,
            'samesite' => 'Lax',
        ]);
        session_start();
    }

    public static function destroy()
    {
        if (session_status() !== PHP_SESSION_ACTIVE) {
            return;
        }
        $_SESSION = [];
        session_regenerate_id(true);
    }

    public static function logIn($userId, $clientId)
    {
        session_regenerate_id(true);
        $_SESSION['uid'] = (int) $clientId;
        $_SESSION['auth_user_id'] = (int) $userId;
    }

    public static function clientId()
    {
        return (int) ($_SESSION['uid'] ?? 0);
    }

    public static function userId()
    {
        return (int) ($_SESSION['auth_user_id'] ?? 0);
    }
}
