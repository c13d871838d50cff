-- Rows a fresh WHMCS 8.x install has and the toolkit reads (reference/whmcs.md 1.6, 1.7, 1.10, 5).
-- The loader sets @whmcs_version and @whmcs_system_url on the session before running this file.

INSERT INTO tblcurrencies (id, code, prefix, suffix, format, rate, `default`)
VALUES (1, 'USD', '$', ' USD', 2, 1.00000, 1);

INSERT INTO tblconfiguration (setting, value, created_at, updated_at) VALUES
  ('Version', @whmcs_version, NOW(), NOW()),
  ('UpdateStatsAuto', 'on', NOW(), NOW()),
  ('DailyCronExecutionHour', '09', NOW(), NOW()),
  ('SystemURL', @whmcs_system_url, NOW(), NOW()),
  ('InstallationTimestamp', UNIX_TIMESTAMP(), NOW(), NOW()),
  ('APIAllowedIPs', 'a:1:{i:0;a:2:{s:2:"ip";s:0:"";s:4:"note";s:0:"";}}', NOW(), NOW());

INSERT INTO tbltask (id, priority, class_name, is_enabled, is_periodic, frequency, name, description,
                     created_at, updated_at)
VALUES (22, 1660, 'WHMCS\\Cron\\Task\\UpdateServerUsage', 1, 1, 1440, 'Server Usage Stats',
        'Updating Disk & Bandwidth Usage Stats', NOW(), NOW());
