{* Client area overview of a SmarterMail domain (fixture module). *}
<link rel="stylesheet" href="modules/servers/smartermail/templates/overview.css">
<div class="smartermail-overview">
    <h3>{$LANG.smartermail_overview_title}: {$domain|escape}</h3>
    <p>{$LANG.smartermail_disk_usage}: {$diskUsageMb} {$LANG.smartermail_megabytes}</p>
</div>
