<?php
/**
 * The client login of WHMCS 8: an e-mail address and password of a user (tblusers, the password
 * kept as PHP's password_hash() as AddClient stores it), then the client that user may manage
 * (tblusers_clients, the owned one first). A Closed client cannot log in.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Database\Capsule;

class Login
{
    /** [user id, client id] for good credentials, else null. */
    public static function check($email, $password)
    {
        $email = trim((string) $email);
        if ($email === '' || (string) $password === '') {
            return null;
        }
        $user = Capsule::table('tblusers')->where('email', $email)->first();
        if ($user === null || !password_verify((string) $password, (string) $user->password)) {
            return null;
        }
        $clientId = self::clientOf((int) $user->id);
        return $clientId === 0 ? null : [(int) $user->id, $clientId];
    }

    /** The client a user logs in to: owned first, then the oldest link; 0 when none may log in. */
    public static function clientOf($userId)
    {
        $link = Capsule::table('tblusers_clients')
            ->join('tblclients', 'tblclients.id', '=', 'tblusers_clients.client_id')
            ->where('tblusers_clients.auth_user_id', $userId)
            ->where('tblclients.status', '!=', 'Closed')
            ->orderBy('tblusers_clients.owner', 'desc')
            ->orderBy('tblusers_clients.id')
            ->first(['tblusers_clients.client_id']);
        return $link === null ? 0 : (int) $link->client_id;
    }

    public static function recordLogin($userId)
    {
        Capsule::table('tblusers')->where('id', $userId)->update([
            'last_login' => date('Y-m-d H:i:s'),
            'last_ip' => (string) ($_SERVER['REMOTE_ADDR'] ?? ''),
        ]);
    }
}
