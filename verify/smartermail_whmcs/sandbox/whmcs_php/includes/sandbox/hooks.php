<?php
/**
 * add_hook() / run_hook(), the functions hook files and WHMCS's own flows use
 * (developers.whmcs.com/hooks/getting-started). The registry is WHMCS\Sandbox\Hooks.
 */

function add_hook($hookPoint, $priority, $function)
{
    WHMCS\Sandbox\Hooks::add($hookPoint, $priority, $function);
}

function run_hook($hookPoint, $vars)
{
    return WHMCS\Sandbox\Hooks::run($hookPoint, (array) $vars);
}
