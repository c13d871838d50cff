{* An unknown route of index.php. *}
<p>{$LANG.pagenotfound}</p>
