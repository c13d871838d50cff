{* Product details: the module's result, its custom buttons, and the service's facts (the variables WHMCS gives this page). *}
{if $modulecustombuttonresult}
    {if $modulecustombuttonresult == "success"}
        <div class="alert alert-success" id="alertModuleCustomButtonSuccess">{$LANG.moduleactionsuccess}</div>
    {else}
        <div class="alert alert-danger" id="alertModuleCustomButtonFailed">{$LANG.moduleactionfailed} {$modulecustombuttonresult|escape}</div>
    {/if}
{/if}
<div class="layout">
    <aside class="sidebar">
        <h3>{$LANG.overview}</h3>
        <p>{$groupname|escape} - {$product|escape}<br><span class="status status-{$rawstatus}">{$status|escape}</span></p>
        {if $modulecustombuttons}
            <h3>{$LANG.actions}</h3>
            <ul class="custom-buttons">
                {foreach $modulecustombuttons as $label => $function}
                    <li><a href="{$WEB_ROOT}/clientarea.php?action=productdetails&amp;id={$id}&amp;modop=custom&amp;a={$function|escape:'url'}">{$label|escape}</a></li>
                {/foreach}
            </ul>
        {/if}
    </aside>
    <section class="content" id="tabOverview">
        {if $tplOverviewTabOutput}
            {$tplOverviewTabOutput}
        {else}
            <dl class="facts">
                <dt>{$LANG.orderdomain}</dt><dd>{$domain|escape}</dd>
                <dt>{$LANG.clientareahostingregdate}</dt><dd>{$regdate|escape}</dd>
                <dt>{$LANG.recurringamount}</dt><dd>{$recurringamount|escape}</dd>
                <dt>{$LANG.orderbillingcycle}</dt><dd>{$billingcycle|escape}</dd>
                <dt>{$LANG.clientareahostingnextduedate}</dt><dd>{$nextduedate|escape}</dd>
                <dt>{$LANG.orderpaymentmethod}</dt><dd>{$paymentmethod|escape}</dd>
            </dl>
            {if $moduleclientarea}<div class="module-client-area">{$moduleclientarea}</div>{/if}
        {/if}
    </section>
</div>
