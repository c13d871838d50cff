<?php
/**
 * The client area's entry points (clientarea.php, index.php, logout.php,
 * oauth/singlesignon.php): session, language, login, the page; any exception or fatal error
 * ends on WHMCS's error page. Output is buffered so that a failure never leaves half a page.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Database\Capsule;

class Front
{
    public static function clientArea()
    {
        self::serve(function () {
            self::requireLogin();
            $action = (string) ($_GET['action'] ?? $_POST['action'] ?? '');
            if ($action === 'productdetails') {
                ProductDetails::show((int) ($_GET['id'] ?? $_POST['id'] ?? 0));
                return;
            }
            Home::show();
        });
    }

    /** index.php: WHMCS 8 routes (?rp=/login); the bare home page leads to the client area. */
    public static function index()
    {
        self::serve(function () {
            $route = (string) ($_GET['rp'] ?? '');
            if ($route === '/login') {
                LoginPage::handle();
                return;
            }
            if ($route === '/logout') {
                self::logout();
            }
            if ($route !== '' && $route !== '/') {
                http_response_code(404);
                (new Page('notfound', Lang::trans('pagenotfound')))->send();
                return;
            }
            Response::redirect(Urls::to('clientarea.php'));
        });
    }

    public static function logout()
    {
        self::serve(function () {
            Session::destroy();
            Response::redirect(Urls::login());
        });
    }

    public static function singleSignOn()
    {
        self::serve(function () {
            SingleSignOn::handle((string) ($_GET['access_token'] ?? $_POST['access_token'] ?? ''));
        });
    }

    private static function requireLogin()
    {
        $clientId = Session::clientId();
        if ($clientId !== 0 && Capsule::table('tblclients')->where('id', $clientId)->where('status', '!=', 'Closed')->exists()) {
            return;
        }
        $_SESSION['loginurlredirect'] = Urls::current();
        Response::redirect(Urls::login());
    }

    private static function serve(callable $page)
    {
        ErrorPage::catchFatalErrors();
        ob_start();
        try {
            Session::start();
            Lang::load((string) ($_SESSION['Language'] ?? ''));
            $page();
            ob_end_flush();
        } catch (ProgramExit $e) {
            while (ob_get_level() > 0) {
                ob_end_clean();
            }
            echo htmlspecialchars($e->getMessage());
        } catch (\Throwable $e) {
            ErrorPage::show($e);
        }
    }
}
