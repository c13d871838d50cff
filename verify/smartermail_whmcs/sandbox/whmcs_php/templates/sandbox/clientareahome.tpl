{* The client's services, each linked to its product details page. *}
{if $services}
<table class="services">
    <tr><th>{$LANG.orderproduct}</th><th>{$LANG.orderdomain}</th><th>{$LANG.clientareastatus}</th><th>{$LANG.clientareahostingnextduedate}</th></tr>
    {foreach $services as $service}
        <tr>
            <td><a href="{$WEB_ROOT}/clientarea.php?action=productdetails&amp;id={$service.id}">{$service.group|escape} - {$service.product|escape}</a></td>
            <td>{$service.domain|escape}</td>
            <td class="status status-{$service.rawstatus}">{$service.status|escape}</td>
            <td>{$service.nextduedate|escape}</td>
        </tr>
    {/foreach}
</table>
{else}
<p>{$LANG.clientareanoaddons}</p>
{/if}
