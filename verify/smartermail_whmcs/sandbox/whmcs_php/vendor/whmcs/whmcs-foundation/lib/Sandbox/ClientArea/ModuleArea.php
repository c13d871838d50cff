<?php
/**
 * The module's part of the product details page, in WHMCS's order (decoded WHMCS 8.x
 * clientarea.php, MEDIUM; developers.whmcs.com provisioning-modules/client-area-output and
 * custom-functions, HIGH for what a module may return):
 *
 * 1. allowed custom functions: ClientAreaAllowedFunctions plus ClientAreaCustomButtonArray's
 *    values (the buttons are shown, linked as modop=custom&a=<function>);
 * 2. modop=custom&a=<allowed function>, service Active: the function runs with the module's
 *    params. An array answer may end the request with JSON (jsonResponse), replace the page with
 *    its templatefile (+ vars / templateVariables as page variables), or set the title; 'success'
 *    or another text becomes $modulecustombuttonresult. WHMCS checks no CSRF token here;
 * 3. ClientArea($params + clientareatemplate, templatevars, whmcsVersion): templatefile or
 *    tabOverviewModuleOutputTemplate (rendered, service Active only, with the page variables, the
 *    module params and the vars) into $moduleclientarea; tabOverviewReplacementTemplate (page
 *    variables and vars only) into $tplOverviewTabOutput; a non-array answer is shown as HTML;
 *    without ClientArea, the module's clientarea.tpl.
 * $_GET/$_POST reach the module as they are; a module that redirects and exits ends the request.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Sandbox\ModuleParams;
use WHMCS\Sandbox\ServerModule;

class ModuleArea
{
    public static function run(Page $page, $service)
    {
        $module = new ServerModule((string) $service->servertype);
        $params = ModuleParams::forService((int) $service->id, $module);
        $buttons = self::arrayFrom($module, 'ClientAreaCustomButtonArray', $params);
        $allowed = array_merge(
            array_values(array_filter(self::arrayFrom($module, 'ClientAreaAllowedFunctions', $params), 'is_string')),
            array_values(array_filter($buttons, 'is_string'))
        );
        $page->assign('modulecustombuttons', $buttons)->assign('servercustombuttons', $buttons);
        $active = (string) $service->domainstatus === 'Active';

        $customPage = self::customFunction($page, $module, $params, $allowed, $active);

        $answer = self::clientArea($module, $params, $page->vars());
        $pageVars = $page->vars(); // as WHMCS assigns them when it renders: $LANG as the module left it
        if ($answer['title'] !== null) {
            $page->setTitle($answer['title']);
        }
        $moduleOutput = '';
        if ($active) {
            if ($answer['output'] !== '') {
                $moduleOutput = View::render(ROOTDIR . $answer['output'], array_merge($pageVars, $params, $answer['vars']));
            } elseif ($answer['html'] !== '') {
                $moduleOutput = $answer['html'];
            } elseif (!$answer['called'] && is_file(ServerModule::directory($module->name()) . '/clientarea.tpl')) {
                $moduleOutput = View::render(ServerModule::directory($module->name()) . '/clientarea.tpl',
                    array_merge($pageVars, $params, $answer['vars']));
            }
        }
        $overview = '';
        if ($answer['replacement'] !== '') {
            $overview = View::render(ROOTDIR . $answer['replacement'], array_merge($pageVars, $answer['vars']));
        }
        $page->assign('moduleclientarea', $moduleOutput)->assign('serverclientarea', $moduleOutput)
            ->assign('tplOverviewTabOutput', $overview);
        if ($customPage !== '') {
            $page->setBodyFile(ROOTDIR . $customPage);
        }
    }

    /** Step 2; returns the custom page's template ('' when the page stays the product details). */
    private static function customFunction(Page $page, ServerModule $module, array $params, array $allowed, $active)
    {
        $operation = (string) ($_POST['modop'] ?? $_GET['modop'] ?? '');
        $function = (string) ($_POST['a'] ?? $_GET['a'] ?? '');
        if ($operation !== 'custom' || !in_array($function, $allowed, true)) {
            return '';
        }
        if (!$active) {
            $page->assign('modulecustombuttonresult', Lang::trans('productMustBeActiveForModuleCmds'));
            return '';
        }
        try {
            $result = $module->call($function, $params);
        } catch (\Throwable $e) {
            $result = $e->getMessage();
        }
        if (!is_array($result)) {
            $page->assign('modulecustombuttonresult', $result === 'success' ? 'success' : (string) $result);
            return '';
        }
        if (isset($result['jsonResponse'])) {
            Response::json($result['jsonResponse']);
        }
        if (isset($result['overrideDisplayTitle'])) {
            $page->setTitle($result['overrideDisplayTitle']);
        }
        $vars = $result['templateVariables'] ?? $result['vars'] ?? [];
        foreach (is_array($vars) ? $vars : [] as $name => $value) {
            $page->assign($name, $value);
        }
        if (isset($result['templatefile'])) {
            return ModuleTemplates::find($module->name(), (string) $result['templatefile']);
        }
        return '';
    }

    /** Step 3: what the module's ClientArea asked for. */
    private static function clientArea(ServerModule $module, array $params, array $pageVars)
    {
        $answer = ['called' => false, 'title' => null, 'output' => '', 'replacement' => '', 'vars' => [], 'html' => ''];
        if (!$module->hasFunction('ClientArea')) {
            return $answer;
        }
        $answer['called'] = true;
        $data = $module->call('ClientArea', array_merge($params, [
            'clientareatemplate' => Theme::name(),
            'templatevars' => $pageVars,
            'whmcsVersion' => WHMCS_SANDBOX_VERSION,
        ]));
        if (!is_array($data)) {
            $answer['html'] = (string) $data;
            return $answer;
        }
        if (isset($data['overrideDisplayTitle'])) {
            $answer['title'] = (string) $data['overrideDisplayTitle'];
        }
        $output = $data['tabOverviewModuleOutputTemplate'] ?? $data['templatefile'] ?? null;
        if ($output !== null) {
            $answer['output'] = ModuleTemplates::find($module->name(), (string) $output);
        }
        if (isset($data['tabOverviewReplacementTemplate'])) {
            $answer['replacement'] = ModuleTemplates::find($module->name(), (string) $data['tabOverviewReplacementTemplate']);
        }
        $vars = $data['templateVariables'] ?? $data['vars'] ?? [];
        $answer['vars'] = is_array($vars) ? $vars : [];
        return $answer;
    }

    /** A module function that returns an array (custom buttons, allowed functions); [] otherwise. */
    private static function arrayFrom(ServerModule $module, $function, array $params)
    {
        if (!$module->hasFunction($function)) {
            return [];
        }
        $value = $module->call($function, $params);
        return is_array($value) ? $value : [];
    }
}
