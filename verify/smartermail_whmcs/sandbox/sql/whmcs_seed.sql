-- Rows a fresh WHMCS 8.x install has and the toolkit reads (reference/whmcs.md 1.6, 1.7, 1.10, 5),
-- plus what the WHMCS stand-in's flows read (docs/whmcs-standin-facts.md (d)); ids and values of the
-- tbltask rows are those of the 8.13 install SQL.
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

-- Settings the stand-in's order, module, invoice and metrics flows read, with the values of a
-- fresh 8.13 install (docs/whmcs-standin-facts.md (d)). ModuleHooks exists (empty) on a fresh
-- install: writers must UPDATE it, not INSERT.
INSERT INTO tblconfiguration (setting, value, created_at, updated_at) VALUES
  ('Language', 'english', NOW(), NOW()),
  ('DateFormat', 'DD/MM/YYYY', NOW(), NOW()),
  ('TaxEnabled', '', NOW(), NOW()),
  ('OrderDaysGrace', '0', NOW(), NOW()),
  ('NoInvoiceEmailOnOrder', '', NOW(), NOW()),
  ('GenerateRandomUsername', '', NOW(), NOW()),
  ('CreateInvoiceDaysBefore', '14', NOW(), NOW()),
  ('CreateInvoiceDaysBeforeMonthly', '', NOW(), NOW()),
  ('CreateInvoiceDaysBeforeQuarterly', '', NOW(), NOW()),
  ('CreateInvoiceDaysBeforeSemiAnnually', '', NOW(), NOW()),
  ('CreateInvoiceDaysBeforeAnnually', '', NOW(), NOW()),
  ('CreateInvoiceDaysBeforeBiennially', '', NOW(), NOW()),
  ('CreateInvoiceDaysBeforeTriennially', '', NOW(), NOW()),
  ('ContinuousInvoiceGeneration', '', NOW(), NOW()),
  ('ModuleHooks', '', NOW(), NOW()),
  ('AddonModulesHooks', '', NOW(), NOW()),
  ('HooksDebugMode', '', NOW(), NOW()),
  ('MetricUsageCollection', '1', NOW(), NOW()),
  ('MetricUsageInvoicing', 'on', NOW(), NOW());

-- Not in a fresh install (the Module Log page creates it when debug logging is switched on).
-- The sandbox turns module debug logging on so that logModuleCall() writes tblmodulelog and CI
-- can read what the module sent and received.
INSERT INTO tblconfiguration (setting, value, created_at, updated_at)
VALUES ('ModuleDebugMode', 'on', NOW(), NOW());

-- The "Mail In Payment" gateway, activated: test orders use paymentmethod 'mailin'.
INSERT INTO tblpaymentgateways (gateway, setting, value, `order`) VALUES
  ('mailin', 'name', 'Mail In Payment', 1),
  ('mailin', 'type', 'Invoices', 0),
  ('mailin', 'visible', 'on', 0);

INSERT INTO tbltask (id, priority, class_name, is_enabled, is_periodic, frequency, name, description,
                     created_at, updated_at)
VALUES (22, 1660, 'WHMCS\\Cron\\Task\\UpdateServerUsage', 1, 1, 1440, 'Server Usage Stats',
        'Updating Disk & Bandwidth Usage Stats', NOW(), NOW()),
       (9, 1520, 'WHMCS\\Cron\\Task\\CreateInvoices', 1, 1, 1440, 'Invoices', 'Generate Invoices',
        NOW(), NOW()),
       (31, 1519, 'WHMCS\\Cron\\Task\\TenantUsageMetrics', 1, 1, 720, 'Tenant Usage Metrics',
        'Collect tenant usage metrics from servers', NOW(), NOW());

-- The three admin roles of a fresh install (widget lists left empty: the stand-in has no dashboard).
INSERT INTO tbladminroles (id, name, widgets, reports, systememails, accountemails, supportemails) VALUES
  (1, 'Full Administrator', '', '', 1, 1, 1),
  (2, 'Sales Operator', '', '', 0, 1, 1),
  (3, 'Support Operator', '', '', 0, 0, 1);
