<?php
/**
 * One client-area page: the theme's header.tpl, a body template and footer.tpl, all rendered with
 * the same variables: WHMCS's default page variables (whmcs-runtime.md (d), docs/sandbox.md) plus
 * what the page assigns. The body is a theme template, or a module's template file for a module's
 * custom page.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;

class Page
{
    /** @var string absolute path of the body template */
    private $body;
    /** @var array */
    private $vars = [];

    public function __construct($themeTemplate, $title)
    {
        $this->body = View::themeFile($themeTemplate);
        $this->vars = self::defaults();
        $this->vars['pagetitle'] = (string) $title;
        $this->vars['displayTitle'] = (string) $title;
    }

    public function assign($name, $value)
    {
        $this->vars[$name] = $value;
        return $this;
    }

    /** The page's variables; LANG is the global $_LANG as it is now (a module may have added its strings). */
    public function vars()
    {
        return array_merge($this->vars, ['LANG' => $GLOBALS['_LANG'] ?? []]);
    }

    public function setBodyFile($absolutePath)
    {
        $this->body = $absolutePath;
        return $this;
    }

    public function setTitle($title)
    {
        $this->vars['displayTitle'] = (string) $title;
        return $this;
    }

    public function send()
    {
        $vars = $this->vars();
        $html = View::render(View::themeFile('header'), $vars)
            . View::render($this->body, $vars)
            . View::render(View::themeFile('footer'), $vars);
        header('Content-Type: text/html; charset=utf-8');
        echo $html;
    }

    /** The variables WHMCS gives every client-area template. */
    public static function defaults()
    {
        $systemUrl = (string) Setting::getValue('SystemURL');
        $webRoot = Urls::webRoot();
        $now = time();
        $vars = [
            'LANG' => $GLOBALS['_LANG'] ?? [],
            'language' => (string) ($_SESSION['Language'] ?? Setting::getValue('Language') ?: 'english'),
            'companyname' => (string) Setting::getValue('CompanyName'),
            'logo' => (string) Setting::getValue('LogoURL'),
            'charset' => (string) (Setting::getValue('Charset') ?: 'utf-8'),
            'filename' => pathinfo((string) ($_SERVER['SCRIPT_NAME'] ?? ''), PATHINFO_FILENAME),
            'token' => generate_token('plain'),
            'systemurl' => $systemUrl,
            'systemsslurl' => $systemUrl,
            'systemNonSSLURL' => $systemUrl,
            'WEB_ROOT' => $webRoot,
            'BASE_PATH_CSS' => $webRoot . '/assets/css',
            'BASE_PATH_JS' => $webRoot . '/assets/js',
            'BASE_PATH_FONTS' => $webRoot . '/assets/fonts',
            'BASE_PATH_IMG' => $webRoot . '/assets/img',
            'template' => Theme::name(),
            'todaysdate' => date('l, jS F Y', $now),
            'date_day' => date('d', $now),
            'date_month' => date('m', $now),
            'date_year' => date('Y', $now),
            'showbreadcrumb' => false,
            'breadcrumb' => [],
            'loggedin' => false,
            'client' => null,
            'clientsdetails' => [],
            'clientsstats' => [],
            'loggedinuser' => null,
        ];
        $clientId = Session::clientId();
        if ($clientId !== 0) {
            $client = Capsule::table('tblclients')->where('id', $clientId)->first();
            if ($client !== null) {
                $vars['loggedin'] = true;
                $vars['client'] = $client;
                $vars['clientsdetails'] = self::clientDetails($client);
                $user = Capsule::table('tblusers')->where('id', Session::userId())
                    ->first(['id', 'first_name', 'last_name', 'email', 'language']);
                $vars['loggedinuser'] = $user;
            }
        }
        return $vars;
    }

    /** getClientsDetails(): the client row as an array, with id/userid/fullname added. */
    private static function clientDetails($client)
    {
        $details = (array) $client;
        unset($details['password'], $details['cardnum'], $details['bankacct']);
        $details['userid'] = $details['id'];
        $details['client_id'] = $details['id'];
        $details['fullname'] = trim($details['firstname'] . ' ' . $details['lastname']);
        return $details;
    }
}
