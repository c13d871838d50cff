<?php
/** clientarea.php (and action=products / services): the client's services, linked to their pages. */

namespace WHMCS\Sandbox\ClientArea;

class Home
{
    public static function show()
    {
        $page = new Page('clientareahome', Lang::trans('clientareaproducts'));
        $page->assign('services', array_map([ServiceView::class, 'listRow'], ServiceView::all(Session::clientId())));
        $page->send();
    }
}
