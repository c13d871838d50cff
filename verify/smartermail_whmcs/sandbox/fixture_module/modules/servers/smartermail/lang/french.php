<?php
/** French strings of the fixture SmarterMail module. */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

$_LANG['smartermail_overview_title'] = 'Hébergement courriel';
$_LANG['smartermail_disk_usage'] = 'Espace disque utilisé';
$_LANG['smartermail_megabytes'] = 'Mo';
$_LANG['smartermail_webmail'] = 'Ouvrir le webmail';
$_LANG['smartermail_error_title'] = 'Le service de courriel est injoignable';
$_LANG['err_server_connect'] = 'Le service de courriel est momentanément injoignable. Réessayez dans quelques minutes.';
$_LANG['err_domain_not_ready'] = "Ce service de courriel n'est pas encore activé. Revenez un peu plus tard.";
$_LANG['err_csrf'] = 'Votre session a expiré. Rechargez la page et recommencez.';
$_LANG['smartermail_mailboxes'] = 'Boîtes courriel';
$_LANG['smartermail_redirects'] = 'Redirections';
$_LANG['smartermail_domain_aliases'] = 'Alias de domaine';
$_LANG['smartermail_not_ready'] = 'Ce service de courriel est en cours de création.';
$_LANG['smartermail_save'] = 'Enregistrer';
$_LANG['smartermail_add_mailbox'] = 'Ajouter une boîte mail';
$_LANG['smartermail_mailbox_name'] = 'Nom de la boîte';
$_LANG['smartermail_password'] = 'Mot de passe';
$_LANG['smartermail_size_mb'] = 'Taille (Mo, 0 = sans limite)';
$_LANG['err_domain_exists'] = 'Erreur : le domaine « %s » existe déjà dans SmarterMail. Supprimez-le ou commandez un autre domaine.';
$_LANG['err_domain_duplicate'] = 'Erreur : SmarterMail utilise déjà le nom « %s » (domaine ou alias de domaine).';
$_LANG['err_create_domain'] = 'Erreur à la création du domaine dans SmarterMail : %s';
$_LANG['err_config_domain'] = 'Erreur à la configuration du nouveau domaine dans SmarterMail (domaine supprimé) : %s';
$_LANG['inv_usage_prefix'] = '» ';
$_LANG['inv_usage_label'] = '%1$s Go utilisés · %2$d tranche(s) de %3$d Go × %4$s $';
