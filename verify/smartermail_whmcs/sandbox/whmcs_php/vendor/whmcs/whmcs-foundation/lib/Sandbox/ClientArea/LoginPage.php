<?php
/**
 * index.php?rp=/login: the login form (GET) and its check (POST: username = the e-mail address,
 * password, token). WHMCS says "Login Details Incorrect. Please try again." for bad credentials
 * (lang key loginincorrect). After a login the visitor returns to the page that asked for it.
 */

namespace WHMCS\Sandbox\ClientArea;

class LoginPage
{
    public static function handle()
    {
        $page = new Page('login', Lang::trans('login'));
        $page->assign('incorrect', false)->assign('username', '');
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $email = (string) ($_POST['username'] ?? '');
            $page->assign('username', $email);
            $login = CsrfToken::isValid(CsrfToken::sent())
                ? Login::check($email, (string) ($_POST['password'] ?? '')) : null;
            if ($login !== null) {
                [$userId, $clientId] = $login;
                $target = Urls::safeLocal((string) ($_SESSION['loginurlredirect'] ?? ''));
                unset($_SESSION['loginurlredirect']);
                Session::logIn($userId, $clientId);
                Login::recordLogin($userId);
                Response::redirect($target);
            }
            $page->assign('incorrect', true)->assign('token', generate_token('plain'));
        }
        $page->send();
    }
}
