-- WHMCS 8.x tables touched by the smartermail toolkit, for the private test database.
-- Columns, types, NULL-ness and defaults follow reference/whmcs.md section 1 (fresh 8.4.0 dump,
-- plus the 8.7+/8.13 additions marked below). Written here from those notes, not copied.
-- Most text columns are NOT NULL with no default, as in WHMCS: under STRICT_TRANS_TABLES an
-- INSERT that leaves one out fails, which is exactly what the toolkit's tests must catch.
-- Zero-date defaults are WHMCS's own; they load because the sql_mode has no NO_ZERO_DATE.

CREATE TABLE tblservers (
  id int(10) NOT NULL AUTO_INCREMENT,
  name text NOT NULL,
  ipaddress text NOT NULL,
  assignedips text NOT NULL,
  hostname text NOT NULL,
  monthlycost decimal(16,2) NOT NULL DEFAULT 0.00,
  noc text NOT NULL,
  statusaddress text NOT NULL,
  nameserver1 text NOT NULL,
  nameserver1ip text NOT NULL,
  nameserver2 text NOT NULL,
  nameserver2ip text NOT NULL,
  nameserver3 text NOT NULL,
  nameserver3ip text NOT NULL,
  nameserver4 text NOT NULL,
  nameserver4ip text NOT NULL,
  nameserver5 text NOT NULL,
  nameserver5ip text NOT NULL,
  maxaccounts int(10) NOT NULL DEFAULT 0,
  type text NOT NULL,
  username text NOT NULL,
  password text NOT NULL,
  accesshash text NOT NULL,
  secure text NOT NULL,
  port int(8) DEFAULT NULL,
  active int(1) NOT NULL,
  disabled int(1) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblservergroups (
  id int(10) NOT NULL AUTO_INCREMENT,
  name text NOT NULL,
  filltype int(1) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblservergroupsrel (
  id int(10) NOT NULL AUTO_INCREMENT,
  groupid int(10) NOT NULL,
  serverid int(10) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproductgroups (
  id int(10) NOT NULL AUTO_INCREMENT,
  name text NOT NULL,
  slug varchar(128) NOT NULL DEFAULT '',
  headline text DEFAULT NULL,
  tagline text DEFAULT NULL,
  orderfrmtpl text NOT NULL,
  disabledgateways text NOT NULL,
  hidden tinyint(1) NOT NULL,
  `order` int(1) NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY `order` (`order`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproducts (
  id int(10) NOT NULL AUTO_INCREMENT,
  type text NOT NULL,
  gid int(10) NOT NULL,
  name text NOT NULL,
  slug varchar(128) NOT NULL DEFAULT '',
  description text NOT NULL,
  hidden tinyint(1) NOT NULL,
  showdomainoptions tinyint(1) NOT NULL,
  welcomeemail int(10) NOT NULL DEFAULT 0,
  stockcontrol tinyint(1) NOT NULL,
  qty int(10) NOT NULL DEFAULT 0,
  proratabilling tinyint(1) NOT NULL,
  proratadate int(2) NOT NULL,
  proratachargenextmonth int(2) NOT NULL,
  paytype text NOT NULL,
  allowqty int(1) NOT NULL,
  subdomain text NOT NULL,
  autosetup text NOT NULL,
  servertype text NOT NULL,
  servergroup int(10) NOT NULL,
  configoption1 text NOT NULL,
  configoption2 text NOT NULL,
  configoption3 text NOT NULL,
  configoption4 text NOT NULL,
  configoption5 text NOT NULL,
  configoption6 text NOT NULL,
  configoption7 text NOT NULL,
  configoption8 text NOT NULL,
  configoption9 text NOT NULL,
  configoption10 text NOT NULL,
  configoption11 text NOT NULL,
  configoption12 text NOT NULL,
  configoption13 text NOT NULL,
  configoption14 text NOT NULL,
  configoption15 text NOT NULL,
  configoption16 text NOT NULL,
  configoption17 text NOT NULL,
  configoption18 text NOT NULL,
  configoption19 text NOT NULL,
  configoption20 text NOT NULL,
  configoption21 text NOT NULL,
  configoption22 text NOT NULL,
  configoption23 text NOT NULL,
  configoption24 text NOT NULL,
  freedomain text NOT NULL,
  freedomainpaymentterms text NOT NULL,
  freedomaintlds text NOT NULL,
  recurringcycles int(2) NOT NULL,
  autoterminatedays int(4) NOT NULL,
  autoterminateemail int(10) NOT NULL DEFAULT 0,
  configoptionsupgrade tinyint(1) NOT NULL,
  billingcycleupgrade text NOT NULL,
  upgradeemail int(10) NOT NULL DEFAULT 0,
  overagesenabled varchar(10) NOT NULL,
  overagesdisklimit int(10) NOT NULL,
  overagesbwlimit int(10) NOT NULL,
  overagesdiskprice decimal(6,4) NOT NULL,
  overagesbwprice decimal(6,4) NOT NULL,
  tax tinyint(1) NOT NULL,
  affiliateonetime tinyint(1) NOT NULL,
  affiliatepaytype text NOT NULL,
  affiliatepayamount decimal(16,2) NOT NULL,
  `order` int(10) NOT NULL DEFAULT 0,
  retired tinyint(1) NOT NULL,
  is_featured tinyint(1) NOT NULL,
  -- 8.7+ columns (not in the 8.4.0 dump)
  color text NOT NULL,
  tagline text NOT NULL,
  short_description text NOT NULL,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY gid (gid),
  KEY name (name(64)),
  KEY type (type(4))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblproducts_slugs (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  product_id int(10) unsigned NOT NULL,
  group_id int(10) unsigned NOT NULL,
  group_slug varchar(128) NOT NULL DEFAULT '',
  slug varchar(128) NOT NULL DEFAULT '',
  active tinyint(1) NOT NULL DEFAULT 0,
  clicks int(10) unsigned NOT NULL DEFAULT 0,
  created_at timestamp NULL DEFAULT NULL,
  updated_at timestamp NULL DEFAULT NULL,
  PRIMARY KEY (id),
  KEY product_id (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblcurrencies (
  id int(10) NOT NULL AUTO_INCREMENT,
  code text NOT NULL,
  prefix text NOT NULL,
  suffix text NOT NULL,
  format int(1) NOT NULL,
  rate decimal(10,5) NOT NULL DEFAULT 1.00000,
  `default` int(1) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- -1.00 in a cycle column means "cycle disabled".
CREATE TABLE tblpricing (
  id int(10) NOT NULL AUTO_INCREMENT,
  type enum('product','addon','configoptions','domainregister','domaintransfer','domainrenew','domainaddons','usage') NOT NULL,
  currency int(10) NOT NULL,
  relid int(10) NOT NULL,
  msetupfee decimal(16,2) NOT NULL,
  qsetupfee decimal(16,2) NOT NULL,
  ssetupfee decimal(16,2) NOT NULL,
  asetupfee decimal(16,2) NOT NULL,
  bsetupfee decimal(16,2) NOT NULL,
  tsetupfee decimal(16,2) NOT NULL,
  monthly decimal(16,2) NOT NULL,
  quarterly decimal(16,2) NOT NULL,
  semiannually decimal(16,2) NOT NULL,
  annually decimal(16,2) NOT NULL,
  biennially decimal(16,2) NOT NULL,
  triennially decimal(16,2) NOT NULL,
  PRIMARY KEY (id),
  KEY pricing_relid_idx (relid),
  KEY pricing_currency_idx (currency),
  KEY pricing_type_idx (type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- 8.13 variant: value is mediumtext.
CREATE TABLE tblconfiguration (
  id int(10) NOT NULL AUTO_INCREMENT,
  setting varchar(64) NOT NULL,
  value mediumtext NOT NULL,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  UNIQUE KEY whmcs_setting_unique (setting),
  KEY setting (setting)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Disk and bandwidth columns are in megabytes.
CREATE TABLE tblhosting (
  id int(10) NOT NULL AUTO_INCREMENT,
  userid int(10) NOT NULL,
  orderid int(10) NOT NULL,
  packageid int(10) NOT NULL,
  server int(10) NOT NULL,
  regdate date NOT NULL,
  domain text NOT NULL,
  paymentmethod text NOT NULL,
  qty int(10) unsigned NOT NULL DEFAULT 1,
  firstpaymentamount decimal(16,2) NOT NULL DEFAULT 0.00,
  amount decimal(16,2) NOT NULL DEFAULT 0.00,
  billingcycle text NOT NULL,
  nextduedate date DEFAULT NULL,
  nextinvoicedate date NOT NULL,
  termination_date date NOT NULL DEFAULT '0000-00-00',
  completed_date date NOT NULL DEFAULT '0000-00-00',
  domainstatus enum('Pending','Active','Suspended','Terminated','Cancelled','Fraud','Completed') NOT NULL DEFAULT 'Pending',
  username text NOT NULL,
  password text NOT NULL,
  notes text NOT NULL,
  subscriptionid text NOT NULL,
  recommendation_source_product_id int(10) unsigned DEFAULT NULL,
  promoid int(10) NOT NULL,
  promocount int(10) DEFAULT 0,
  suspendreason text NOT NULL,
  overideautosuspend tinyint(1) NOT NULL,
  overidesuspenduntil date NOT NULL,
  dedicatedip text NOT NULL,
  assignedips text NOT NULL,
  ns1 text NOT NULL,
  ns2 text NOT NULL,
  diskusage int(10) NOT NULL DEFAULT 0,
  disklimit int(10) NOT NULL DEFAULT 0,
  bwusage int(10) NOT NULL DEFAULT 0,
  bwlimit int(10) NOT NULL DEFAULT 0,
  upsell_from_products varchar(40) DEFAULT NULL,
  lastupdate datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY serviceid (id),
  KEY userid (userid),
  KEY orderid (orderid),
  KEY productid (packageid),
  KEY serverid (server),
  KEY domain (domain(64)),
  KEY domainstatus (domainstatus),
  KEY username (username(8))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Column names and NULL-ness per whmcs.md 1.9; where the notes give no type, the usual WHMCS
-- choice is used (text for strings, tinyint(1)/int(1) for flags, blob for the card/bank fields).
CREATE TABLE tblclients (
  id int(10) NOT NULL AUTO_INCREMENT,
  uuid varchar(255) NOT NULL DEFAULT '',
  firstname text NOT NULL,
  lastname text NOT NULL,
  companyname text NOT NULL,
  email text NOT NULL,
  address1 text NOT NULL,
  address2 text NOT NULL,
  city text NOT NULL,
  state text NOT NULL,
  postcode text NOT NULL,
  country text NOT NULL,
  phonenumber text NOT NULL,
  tax_id varchar(128) NOT NULL DEFAULT '',
  password text NOT NULL,
  authmodule text NOT NULL,
  authdata text NOT NULL,
  currency int(10) NOT NULL,
  defaultgateway text NOT NULL,
  credit decimal(16,2) NOT NULL,
  taxexempt tinyint(1) NOT NULL,
  latefeeoveride tinyint(1) NOT NULL,
  overideduenotices tinyint(1) NOT NULL,
  separateinvoices tinyint(1) NOT NULL,
  disableautocc tinyint(1) NOT NULL,
  datecreated date NOT NULL,
  notes text NOT NULL,
  billingcid int(10) NOT NULL,
  securityqid int(10) NOT NULL,
  securityqans text NOT NULL,
  groupid int(10) NOT NULL,
  cardlastfour text NOT NULL,
  cardnum blob NOT NULL,
  startdate blob NOT NULL,
  expdate blob NOT NULL,
  issuenumber blob NOT NULL,
  bankname text NOT NULL,
  banktype text NOT NULL,
  bankcode blob NOT NULL,
  bankacct blob NOT NULL,
  gatewayid text NOT NULL,
  lastlogin datetime DEFAULT NULL,
  ip text NOT NULL,
  host text NOT NULL,
  status enum('Active','Inactive','Closed') NOT NULL DEFAULT 'Active',
  language text NOT NULL,
  pwresetkey text NOT NULL,
  emailoptout int(1) NOT NULL,
  marketing_emails_opt_in tinyint(1) unsigned NOT NULL DEFAULT 0,
  overrideautoclose int(1) NOT NULL,
  allow_sso tinyint(1) NOT NULL DEFAULT 1,
  email_verified tinyint(1) NOT NULL DEFAULT 0,
  email_preferences text DEFAULT NULL,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  pwresetexpiry timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY firstname_lastname (firstname(32),lastname(32)),
  KEY email (email(64))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Cron tasks; frequency is in minutes.
CREATE TABLE tbltask (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  priority int(10) NOT NULL DEFAULT 0,
  class_name varchar(255) NOT NULL DEFAULT '',
  is_enabled tinyint(1) NOT NULL DEFAULT 1,
  is_periodic tinyint(1) NOT NULL DEFAULT 1,
  frequency int(10) unsigned NOT NULL DEFAULT 0,
  name varchar(255) NOT NULL DEFAULT '',
  description text NOT NULL,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY class_name (class_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tbltask_status (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  task_id int(10) unsigned NOT NULL,
  in_progress tinyint(1) NOT NULL DEFAULT 0,
  last_run timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  next_due timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY task_id (task_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Where 7.x kept lastCronInvocationTime (expires is a unix time).
CREATE TABLE tbltransientdata (
  id int(10) NOT NULL AUTO_INCREMENT,
  name varchar(1024) NOT NULL,
  data mediumtext NOT NULL,
  expires int(10) NOT NULL,
  PRIMARY KEY (id),
  KEY name (name(255))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblactivitylog (
  id int(10) NOT NULL AUTO_INCREMENT,
  date datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  description text NOT NULL,
  user text NOT NULL,
  userid int(10) NOT NULL DEFAULT 0,
  user_id int(10) NOT NULL DEFAULT 0,
  admin_id int(10) NOT NULL DEFAULT 0,
  ipaddr text NOT NULL,
  PRIMARY KEY (id),
  KEY userid (userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Target of logModuleCall().
CREATE TABLE tblmodulelog (
  id int(10) NOT NULL AUTO_INCREMENT,
  date datetime NOT NULL,
  module text NOT NULL,
  action text NOT NULL,
  request mediumtext NOT NULL,
  response mediumtext NOT NULL,
  arrdata mediumtext NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------------------------
-- Tables for the WHMCS stand-in's flows (orders, invoices, payments, users, usage metrics).
-- Columns as in a late 8.x structure dump and the 8.13 install SQL; see
-- docs/whmcs-standin-facts.md (d). WHMCS itself writes these on a session with sql_mode '',
-- so its own INSERTs may leave NOT NULL text columns out; the stand-in does the same.

CREATE TABLE tblorders (
  id int(10) NOT NULL AUTO_INCREMENT,
  ordernum bigint(10) NOT NULL,
  userid int(10) NOT NULL,
  contactid int(10) NOT NULL,
  requestor_id int(10) unsigned NOT NULL DEFAULT 0,
  admin_requestor_id int(10) unsigned NOT NULL DEFAULT 0,
  date datetime NOT NULL,
  nameservers text NOT NULL,
  transfersecret text NOT NULL,
  renewals text NOT NULL,
  promocode text NOT NULL,
  promotype text NOT NULL,
  promovalue text NOT NULL,
  orderdata text NOT NULL,
  amount decimal(16,2) NOT NULL,
  paymentmethod text NOT NULL,
  invoiceid int(10) unsigned NOT NULL DEFAULT 0,
  status text NOT NULL,
  ipaddress text NOT NULL,
  fraudmodule text NOT NULL,
  fraudoutput text NOT NULL,
  notes text NOT NULL,
  purchase_source int(10) unsigned NOT NULL DEFAULT 4,
  has_referral_products smallint(3) unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ordernum (ordernum),
  KEY userid (userid),
  KEY contactid (contactid),
  KEY date (date),
  KEY requestor_id (requestor_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- status: 'Unpaid', 'Paid', 'Cancelled', 'Refunded', 'Collections', 'Draft', ...
CREATE TABLE tblinvoices (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  userid int(10) NOT NULL,
  invoicenum text NOT NULL,
  date date DEFAULT NULL,
  duedate date DEFAULT NULL,
  datepaid datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  last_capture_attempt timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_refunded timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_cancelled timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  subtotal decimal(16,2) NOT NULL,
  credit decimal(16,2) NOT NULL,
  tax decimal(16,2) NOT NULL,
  tax2 decimal(16,2) NOT NULL,
  total decimal(16,2) NOT NULL DEFAULT 0.00,
  taxrate decimal(10,3) NOT NULL DEFAULT 0.000,
  taxrate2 decimal(10,3) NOT NULL DEFAULT 0.000,
  status text NOT NULL,
  paymentmethod text NOT NULL,
  paymethodid int(10) unsigned DEFAULT NULL,
  notes text NOT NULL,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY userid (userid),
  KEY status (status(3)),
  KEY duedate (duedate)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- type 'Hosting' + relid = tblhosting.id is the service's line; invoiceid stays 0 until the
-- cron groups the line into an invoice. notes has no default: WHMCS's own inserts omit it.
CREATE TABLE tblinvoiceitems (
  id int(10) NOT NULL AUTO_INCREMENT,
  invoiceid int(10) unsigned NOT NULL DEFAULT 0,
  userid int(10) NOT NULL,
  type varchar(30) NOT NULL,
  relid int(10) NOT NULL,
  description text NOT NULL,
  amount decimal(16,2) NOT NULL DEFAULT 0.00,
  taxed int(1) NOT NULL,
  duedate date DEFAULT NULL,
  paymentmethod text NOT NULL,
  notes text NOT NULL,
  PRIMARY KEY (id),
  KEY invoiceid (invoiceid),
  KEY userid (userid,type,relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Transactions (payments and refunds); GetInvoice lists them and derives the balance.
CREATE TABLE tblaccounts (
  id int(10) NOT NULL AUTO_INCREMENT,
  userid int(10) NOT NULL,
  currency int(10) NOT NULL,
  gateway text NOT NULL,
  date datetime DEFAULT NULL,
  description text NOT NULL,
  amountin decimal(16,2) NOT NULL DEFAULT 0.00,
  fees decimal(16,2) NOT NULL DEFAULT 0.00,
  amountout decimal(16,2) NOT NULL DEFAULT 0.00,
  rate decimal(16,5) NOT NULL DEFAULT 1.00000,
  transid text NOT NULL,
  invoiceid int(10) unsigned NOT NULL DEFAULT 0,
  refundid int(10) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY invoiceid (invoiceid),
  KEY userid (userid),
  KEY date (date),
  KEY transid (transid(32))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- One row per gateway setting (name, type, visible, ...); gateway = module name, e.g. 'mailin'.
CREATE TABLE tblpaymentgateways (
  id int(11) NOT NULL AUTO_INCREMENT,
  gateway text NOT NULL,
  setting text NOT NULL,
  value text NOT NULL,
  `order` int(1) NOT NULL,
  PRIMARY KEY (id),
  KEY gateway_setting (gateway(32),setting(32)),
  KEY setting_value (setting(32),value(32))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- 8.0+ logins; a client's owner is linked through tblusers_clients (owner = 1).
CREATE TABLE tblusers (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  first_name varchar(255) NOT NULL DEFAULT '',
  last_name varchar(255) NOT NULL DEFAULT '',
  email varchar(255) NOT NULL DEFAULT '',
  password varchar(255) NOT NULL DEFAULT '',
  language varchar(32) NOT NULL DEFAULT '',
  second_factor varchar(255) NOT NULL DEFAULT '',
  second_factor_config text DEFAULT NULL,
  remember_token varchar(100) NOT NULL DEFAULT '',
  reset_token varchar(255) NOT NULL DEFAULT '',
  security_question_id int(10) unsigned NOT NULL DEFAULT 0,
  security_question_answer varchar(255) NOT NULL DEFAULT '',
  last_ip varchar(64) NOT NULL DEFAULT '',
  last_hostname varchar(255) NOT NULL DEFAULT '',
  last_login timestamp NULL DEFAULT NULL,
  email_verification_token varchar(100) NOT NULL DEFAULT '',
  email_verification_token_expiry timestamp NULL DEFAULT NULL,
  email_verified_at timestamp NULL DEFAULT NULL,
  reset_token_expiry timestamp NULL DEFAULT NULL,
  created_at timestamp NULL DEFAULT NULL,
  updated_at timestamp NULL DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY tblusers_email_unique (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblusers_clients (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  auth_user_id int(10) unsigned NOT NULL DEFAULT 0,
  client_id int(10) unsigned NOT NULL DEFAULT 0,
  invite_id int(10) unsigned NOT NULL DEFAULT 0,
  owner tinyint(3) unsigned NOT NULL DEFAULT 0,
  permissions text DEFAULT NULL,
  last_login timestamp NULL DEFAULT NULL,
  created_at timestamp NULL DEFAULT NULL,
  updated_at timestamp NULL DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY user_id_client_id (auth_user_id,client_id),
  KEY client_id_owner_idx (client_id,owner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Usage metrics (7.9+): one tenant per (server, tenant key); for a module without
-- ListAccountsUniqueIdentifierField the key is tblhosting.domain.
CREATE TABLE tblserver_tenants (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  server_id int(11) NOT NULL DEFAULT 0,
  tenant varchar(255) NOT NULL DEFAULT '',
  created_at timestamp NULL DEFAULT NULL,
  updated_at timestamp NULL DEFAULT NULL,
  PRIMARY KEY (id),
  KEY server_tenant (tenant,server_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- type is 'snapshot', 'day' or 'month'; measured_at is a Unix time with microseconds.
CREATE TABLE tbltenant_stats (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  tenant_id int(11) NOT NULL DEFAULT 0,
  metric varchar(255) NOT NULL DEFAULT '',
  type varchar(255) NOT NULL DEFAULT '',
  value decimal(19,6) NOT NULL DEFAULT 0.000000,
  measured_at decimal(18,6) NOT NULL DEFAULT 0.000000,
  invoice_id int(11) DEFAULT 0,
  created_at timestamp NULL DEFAULT NULL,
  updated_at timestamp NULL DEFAULT NULL,
  PRIMARY KEY (id),
  KEY tenant_id (tenant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Custom fields: type 'product' + relid = tblproducts.id; values keyed by (fieldid, relid =
-- tblhosting.id). Modules get them as $params['customfields'].
CREATE TABLE tblcustomfields (
  id int(10) NOT NULL AUTO_INCREMENT,
  type text NOT NULL,
  relid int(10) NOT NULL DEFAULT 0,
  fieldname text NOT NULL,
  fieldtype text NOT NULL,
  description text NOT NULL,
  fieldoptions text NOT NULL,
  regexpr text NOT NULL,
  adminonly text NOT NULL,
  required text NOT NULL,
  showorder text NOT NULL,
  showinvoice text NOT NULL,
  sortorder int(10) NOT NULL DEFAULT 0,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY serviceid (relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE tblcustomfieldsvalues (
  id int(10) unsigned NOT NULL AUTO_INCREMENT,
  fieldid int(10) NOT NULL,
  relid int(10) NOT NULL,
  value text NOT NULL,
  created_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (id),
  KEY fieldid_relid (fieldid,relid),
  KEY relid (relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Addon modules' settings (WHMCS 8: an id column; 7.x and older had only the three text
-- columns). One row per (module, setting): 'version', 'access' (admin role ids, comma list) and
-- one per config field. docs/whmcs-standin-facts.md (addon modules).
CREATE TABLE tbladdonmodules (
  id int(11) NOT NULL AUTO_INCREMENT,
  module text NOT NULL,
  setting text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Admin roles; an addon's 'access' row lists the ids of the roles that may open it.
CREATE TABLE tbladminroles (
  id int(1) NOT NULL AUTO_INCREMENT,
  name text NOT NULL,
  widgets text NOT NULL,
  reports text NOT NULL,
  systememails int(1) NOT NULL,
  accountemails int(1) NOT NULL,
  supportemails int(1) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;
