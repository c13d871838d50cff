{* Client area dashboard of a SmarterMail domain (fixture module). *}
<link rel="stylesheet" href="modules/servers/smartermail/templates/overview.css">
<div class="smartermail-overview">
    <h3>{$LANG.smartermail_overview_title}: {$domain|escape}</h3>
    {if $domainNotReady}
        <p class="alert alert-info">{$LANG.smartermail_not_ready}</p>
    {else}
        <p>{$LANG.smartermail_disk_usage}: {$usageMb} {$LANG.smartermail_megabytes} ({$tiers} &times; {$gbPerTier} GB)</p>
        <h4>{$LANG.smartermail_mailboxes}</h4>
        <p><a class="smartermail-add-mailbox" href="clientarea.php?action=productdetails&amp;id={$serviceid}&amp;customAction=adduserpage">{$LANG.smartermail_add_mailbox}</a></p>
        <ul class="smartermail-mailboxes">
            {foreach $users as $user}
                <li>{$user.email|escape}{if $user.eas} EAS{/if}{if $user.mapi} MAPI{/if}
                    {foreach $user.forwardList as $target} &rarr; {$target|escape}{/foreach}</li>
            {/foreach}
        </ul>
        <h4>{$LANG.smartermail_redirects}</h4>
        <ul class="smartermail-redirects">
            {foreach $redirects as $redirect}
                <li>{$redirect.name|escape}@{$domain|escape}:{foreach $redirect.targets as $target} {$target|escape}{/foreach}</li>
            {/foreach}
        </ul>
        <p>DKIM: {$dkim.status|escape} {$dkim.selector|escape}</p>
        {if $domainAliasLimit > 0}
            <h4>{$LANG.smartermail_domain_aliases}</h4>
            <ul>{foreach $domainAliases as $alias}<li>{$alias|escape}</li>{/foreach}</ul>
        {/if}
        <p><a href="{$webmailUrl|escape}">{$LANG.smartermail_webmail}</a></p>
    {/if}
</div>
