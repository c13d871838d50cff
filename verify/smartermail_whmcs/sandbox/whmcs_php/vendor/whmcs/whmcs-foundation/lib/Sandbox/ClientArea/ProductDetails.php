<?php
/**
 * clientarea.php?action=productdetails&id=<service id>: the service's page with the module's
 * client area (ModuleArea). A service that is not the logged-in client's leads back to the
 * services list, as in WHMCS.
 */

namespace WHMCS\Sandbox\ClientArea;

use WHMCS\Sandbox\ServerModule;

class ProductDetails
{
    public static function show($serviceId)
    {
        $service = ServiceView::find($serviceId, Session::clientId());
        if ($service === null) {
            Response::redirect(Urls::to('clientarea.php?action=products'));
        }
        $page = new Page('clientareaproductdetails', Lang::trans('manageproduct'));
        foreach (ServiceView::pageVars($service) as $name => $value) {
            $page->assign($name, $value);
        }
        $page->assign('modulecustombuttonresult', '')->assign('modulecustombuttons', [])
            ->assign('moduleclientarea', '')->assign('tplOverviewTabOutput', '');
        $module = (string) $service->servertype;
        if ($module !== '' && ServerModule::isValidName($module)
            && is_file(ServerModule::directory($module) . '/' . $module . '.php')) {
            ModuleArea::run($page, $service);
        }
        $page->send();
    }
}
