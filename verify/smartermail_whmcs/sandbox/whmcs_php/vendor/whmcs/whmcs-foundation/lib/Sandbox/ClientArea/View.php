<?php
/**
 * Smarty 3.1 as WHMCS 8 uses it for client-area pages and module templates (whmcs-runtime.md (d)):
 * Debian's smarty3 (3.1.47), templates under ROOTDIR/templates, compiled into
 * $templates_compiledir, WHMCS's system security policy, and the {lang key=...} function.
 * Each render gets its own variables (WHMCS clears them after every module template).
 * Smarty 3.1.47 is not PHP 8.2-clean (dynamic properties, warnings for undefined template
 * variables): its notices, warnings and deprecations are muted while it runs, as WHMCS mutes
 * non-critical errors; fatal errors and exceptions still end on the error page.
 */

namespace WHMCS\Sandbox\ClientArea;

class View
{
    const QUIET = E_ALL & ~E_NOTICE & ~E_WARNING & ~E_DEPRECATED & ~E_USER_DEPRECATED & ~E_STRICT;

    /** Special $smarty variables WHMCS's system policy leaves enabled (docs.whmcs.com Smarty Security Policy). */
    const ENABLED_SPECIAL_VARS = ['foreach', 'section', 'block', 'capture', 'now', 'get', 'post', 'server',
        'request', 'template', 'const'];
    const ALL_SPECIAL_VARS = ['foreach', 'section', 'block', 'capture', 'now', 'cookies', 'get', 'post', 'env',
        'server', 'session', 'request', 'template', 'template_object', 'current_dir', 'version', 'const',
        'config', 'ldelim', 'rdelim'];

    /** @var \Smarty|null */
    private static $smarty = null;

    public static function smarty()
    {
        if (self::$smarty === null) {
            self::$smarty = self::quietly(function () {
                return self::build();
            });
        }
        return self::$smarty;
    }

    /** Render a template file (absolute path) with these variables only. */
    public static function render($file, array $vars)
    {
        $smarty = self::smarty();
        return self::quietly(function () use ($smarty, $file, $vars) {
            $template = $smarty->createTemplate($file);
            $template->assign($vars);
            return $template->fetch();
        });
    }

    /** A template of the client-area theme (templates/<theme>/<name>.tpl). */
    public static function themeFile($name)
    {
        return ROOTDIR . '/templates/' . Theme::name() . '/' . $name . '.tpl';
    }

    public static function langPlugin(array $params)
    {
        $key = (string) ($params['key'] ?? '');
        return (string) ($GLOBALS['_LANG'][$key] ?? $key);
    }

    private static function build()
    {
        require_once 'smarty3/Smarty.class.php'; // Debian's smarty3, on include_path
        if (PHP_VERSION_ID >= 80100 && version_compare(\Smarty::SMARTY_VERSION, '3.1.48', '<')
            && !class_exists('SmartyCompilerException', false)) {
            require_once ROOTDIR . '/includes/sandbox/smarty_compat.php';
        }
        $smarty = new \Smarty();
        $smarty->setTemplateDir(ROOTDIR . '/templates/');
        $smarty->setCompileDir(self::compileDir());
        $smarty->error_reporting = self::QUIET;
        $smarty->registerPlugin('function', 'lang', [self::class, 'langPlugin']);
        $smarty->enableSecurity(self::systemPolicy($smarty));
        return $smarty;
    }

    /**
     * WHMCS's system policy: file templates are trusted, so PHP functions, modifiers and static
     * classes are not restricted; {php} tags are not supported; only the special $smarty
     * variables above are enabled. Templates are read from the theme and module folders.
     */
    private static function systemPolicy(\Smarty $smarty)
    {
        $policy = new \Smarty_Security($smarty);
        $policy->php_functions = [];
        $policy->php_modifiers = [];
        $policy->static_classes = [];
        $policy->secure_dir = [ROOTDIR . '/templates', ROOTDIR . '/modules'];
        $policy->disabled_special_smarty_vars = array_values(array_diff(self::ALL_SPECIAL_VARS, self::ENABLED_SPECIAL_VARS));
        return $policy;
    }

    private static function compileDir()
    {
        $dir = (string) (whmcs_sandbox_config()['templates_compiledir'] ?? 'templates_c');
        return ($dir !== '' && $dir[0] === '/' ? $dir : ROOTDIR . '/' . $dir) . '/';
    }

    private static function quietly(callable $work)
    {
        $level = error_reporting(self::QUIET);
        try {
            return $work();
        } finally {
            error_reporting($level);
        }
    }
}
