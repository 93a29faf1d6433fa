PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_migrations (
    number INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
);
INSERT INTO schema_migrations VALUES(1,'identity',1796669466671);
INSERT INTO schema_migrations VALUES(2,'companies_contacts_audit',1796669466682);
INSERT INTO schema_migrations VALUES(3,'funnel',1796669466687);
INSERT INTO schema_migrations VALUES(4,'activities',1796669466694);
INSERT INTO schema_migrations VALUES(5,'reports',1796669466704);
INSERT INTO schema_migrations VALUES(6,'processes',1796669466716);
INSERT INTO schema_migrations VALUES(7,'search_index',1796669466732);
INSERT INTO schema_migrations VALUES(8,'record_merges',1796669466739);
INSERT INTO schema_migrations VALUES(9,'record_event_triggers_and_segments',1796669466757);
INSERT INTO schema_migrations VALUES(10,'imports_and_contact_point_lookup',1796669466765);
INSERT INTO schema_migrations VALUES(11,'funnel_sums',1796669466782);
INSERT INTO schema_migrations VALUES(12,'forecast_sums',1796669466786);
INSERT INTO schema_migrations VALUES(13,'leads',1796669466792);
INSERT INTO schema_migrations VALUES(14,'custom_fields',1796669466811);
INSERT INTO schema_migrations VALUES(15,'deal_imports',1796669466824);
INSERT INTO schema_migrations VALUES(16,'company_deals',1796669466831);
INSERT INTO schema_migrations VALUES(17,'full_text_pending_size',1796669466833);
INSERT INTO schema_migrations VALUES(18,'natural_sort_keys',1796669466845);
INSERT INTO schema_migrations VALUES(19,'lead_activities',1796669466848);
INSERT INTO schema_migrations VALUES(20,'byte_order_keys',1796669466857);
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    locale TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO users VALUES(1,'admin@example.com','Ada Admin','admin','en','Europe/Warsaw',1,'$2b$12$nQ3r6u2ZotrPHsD401XTwO9SnCaho3Ya693D68XNzFdgvLZoAn7GW',1796669467839,1796669467839);
INSERT INTO users VALUES(2,'olga@example.com','Ольга Смирнова','sales_manager','ru','Europe/Warsaw',1,'$2b$12$6kVH6zp2HGKY9bc2/tGpXOotYB8/5rEVstUs9aj9LDPSvg7fLVse2',1796669469026,1796669469026);
INSERT INTO users VALUES(3,'lukasz@example.com','Łukasz Nowak','sales_rep','pl','Europe/Warsaw',1,'$2b$12$eQpp7D/yTkcd1Oe6JQCPQOU4EwRg3DwDLS37jEdDhreq3LYDLvkSO',1796669470122,1796669470122);
CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    manager_id BIGINT REFERENCES users(id),
    shares_records INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
INSERT INTO teams VALUES(1,'Wschód',NULL,0,1796669470818);
CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (team_id, user_id)
);
INSERT INTO team_members VALUES(1,3);
INSERT INTO team_members VALUES(1,2);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
INSERT INTO api_tokens VALUES(1,1,'command line','7d620d8bb191df0b6f06582633155fe36816fbea46eaf66e63344a3bb2e38f66','clt_BDv2fc',1796669470262,1796669470800,NULL);
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE TABLE companies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    team_id BIGINT REFERENCES teams(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    name TEXT NOT NULL,
    legal_name TEXT NOT NULL DEFAULT '',
    tax_id TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    size TEXT,
    website TEXT NOT NULL DEFAULT '',
    priority TEXT,
    addresses TEXT NOT NULL DEFAULT '[]',
    phones TEXT NOT NULL DEFAULT '[]',
    emails TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]'
, custom TEXT NOT NULL DEFAULT '{}');
INSERT INTO companies VALUES(1,1,3,NULL,1,1796669471000,1796669471000,NULL,'odlewnia zeran sp. z o.o.','odlewnia zeran sp. z o.o.   ','Odlewnia Żerań sp. z o.o.','','','',NULL,'',NULL,'[]','[]','[]','[]','{"tier":{"type":"choice","value":"Złoty"}}');
INSERT INTO companies VALUES(2,1,3,NULL,1,1796669471042,1796669471042,NULL,'odlew 12','odlew 2   ','Odlew 2','','','',NULL,'',NULL,'[]','[]','[]','[]','{"tier":{"type":"choice","value":"Złoty"}}');
INSERT INTO companies VALUES(3,1,3,NULL,1,1796669471076,1796669471076,NULL,'odlew 210','odlew 10   ','Odlew 10','','','',NULL,'',NULL,'[]','[]','[]','[]','{"tier":{"type":"choice","value":"Złoty"}}');
INSERT INTO companies VALUES(4,1,2,NULL,1,1796669471095,1796669471095,NULL,'ооо «елочка»','ооо «елочка»  ooo «elochka»   ','ООО «Ёлочка»','','','',NULL,'',NULL,'[]','[]','[]','[]','{"tier":{"type":"choice","value":"Złoty"}}');
INSERT INTO companies VALUES(5,1,2,NULL,1,1796669471146,1796669471146,NULL,'szekesfehervari sutode kft.','szekesfehervari sutode kft.   ','Székesfehérvári Sütöde Kft.','','','',NULL,'',NULL,'[]','[]','[]','[]','{"tier":{"type":"choice","value":"Złoty"}}');
INSERT INTO companies VALUES(6,1,2,NULL,1,1796669471174,1796669471174,NULL,'пловдивска мебел оод','пловдивска мебел оод  plovdivska mebel ood   ','Пловдивска мебел ООД','','','',NULL,'',NULL,'[]','[]','[]','[]','{"tier":{"type":"choice","value":"Złoty"}}');
INSERT INTO companies VALUES(7,1,3,NULL,1,1796669471203,1796669471203,NULL,'harbour & sons ltd','harbour & sons ltd   ','Harbour & Sons Ltd','','','',NULL,'',NULL,'[]','[]','[]','[]','{"tier":{"type":"choice","value":"Złoty"}}');
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    team_id BIGINT REFERENCES teams(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    middle_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    name_order TEXT NOT NULL DEFAULT 'given_first',
    job_title TEXT NOT NULL DEFAULT '',
    company_id BIGINT REFERENCES companies(id),
    phones TEXT NOT NULL DEFAULT '[]',
    emails TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]'
, custom TEXT NOT NULL DEFAULT '{}');
INSERT INTO contacts VALUES(1,1,3,NULL,1,1796669471235,1796669471235,NULL,'wisniewski lukasz','lukasz  wisniewski  lukasz.wisniewski@example.pl +48221234567','Łukasz','','Wiśniewski','given_first','',1,'[{"label":"work","number":"+48221234567"}]','[{"address":"lukasz.wisniewski@example.pl","label":"work"}]','[]','{}');
INSERT INTO contacts VALUES(2,1,2,NULL,1,1796669471268,1796669471268,NULL,'иванов иван','иван  иванов  ivan  ivanov  ivan@example.ru +74951234567','Иван','','Иванов','given_first','',4,'[{"label":"work","number":"+74951234567"}]','[{"address":"ivan@example.ru","label":"work"}]','[]','{}');
INSERT INTO contacts VALUES(3,1,2,NULL,1,1796669471296,1796669471296,NULL,'kovacs zsofia','zsofia  kovacs  zsofia@example.hu +3612345678','Zsófia','','Kovács','given_first','',5,'[{"label":"work","number":"+3612345678"}]','[{"address":"zsofia@example.hu","label":"work"}]','[]','{}');
INSERT INTO contacts VALUES(4,1,2,NULL,1,1796669471326,1796669471326,NULL,'георгиева десислава','десислава  георгиева  desislava  georgieva  desi@example.bg +35929876543','Десислава','','Георгиева','given_first','',6,'[{"label":"work","number":"+35929876543"}]','[{"address":"desi@example.bg","label":"work"}]','[]','{}');
CREATE TABLE contact_points (
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL
);
INSERT INTO contact_points VALUES('contact',1,'phone','+48221234567');
INSERT INTO contact_points VALUES('contact',1,'email','lukasz.wisniewski@example.pl');
INSERT INTO contact_points VALUES('contact',2,'phone','+74951234567');
INSERT INTO contact_points VALUES('contact',2,'email','ivan@example.ru');
INSERT INTO contact_points VALUES('contact',3,'phone','+3612345678');
INSERT INTO contact_points VALUES('contact',3,'email','zsofia@example.hu');
INSERT INTO contact_points VALUES('contact',4,'phone','+35929876543');
INSERT INTO contact_points VALUES('contact',4,'email','desi@example.bg');
CREATE TABLE record_tags (
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (record_type, tag, record_id)
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    system_reason TEXT,
    at BIGINT NOT NULL,
    changes TEXT NOT NULL
);
INSERT INTO audit_log VALUES(1,'user',1,'create',NULL,'command line',1796669467839,'[{"field":"email","new":"admin@example.com"},{"field":"name","new":"Ada Admin"},{"field":"role","new":"admin"}]');
INSERT INTO audit_log VALUES(2,'user',2,'create',NULL,'command line',1796669469030,'[{"field":"email","new":"olga@example.com"},{"field":"name","new":"Ольга Смирнова"},{"field":"role","new":"sales_manager"}]');
INSERT INTO audit_log VALUES(3,'user',3,'create',NULL,'command line',1796669470123,'[{"field":"email","new":"lukasz@example.com"},{"field":"name","new":"Łukasz Nowak"},{"field":"role","new":"sales_rep"}]');
INSERT INTO audit_log VALUES(4,'team',1,'create',1,NULL,1796669470818,'[{"field":"name","new":"Wschód"},{"field":"shares_records","new":"false"}]');
INSERT INTO audit_log VALUES(5,'team',1,'update',1,NULL,1796669470838,'[{"field":"members","new":"2, 3"}]');
INSERT INTO audit_log VALUES(6,'company',1,'create',1,NULL,1796669471002,'[{"field":"custom.tier","new":"Złoty"},{"field":"name","new":"Odlewnia Żerań sp. z o.o."}]');
INSERT INTO audit_log VALUES(7,'company',2,'create',1,NULL,1796669471044,'[{"field":"custom.tier","new":"Złoty"},{"field":"name","new":"Odlew 2"}]');
INSERT INTO audit_log VALUES(8,'company',3,'create',1,NULL,1796669471077,'[{"field":"custom.tier","new":"Złoty"},{"field":"name","new":"Odlew 10"}]');
INSERT INTO audit_log VALUES(9,'company',4,'create',1,NULL,1796669471096,'[{"field":"custom.tier","new":"Złoty"},{"field":"name","new":"ООО «Ёлочка»"}]');
INSERT INTO audit_log VALUES(10,'company',5,'create',1,NULL,1796669471147,'[{"field":"custom.tier","new":"Złoty"},{"field":"name","new":"Székesfehérvári Sütöde Kft."}]');
INSERT INTO audit_log VALUES(11,'company',6,'create',1,NULL,1796669471175,'[{"field":"custom.tier","new":"Złoty"},{"field":"name","new":"Пловдивска мебел ООД"}]');
INSERT INTO audit_log VALUES(12,'company',7,'create',1,NULL,1796669471204,'[{"field":"custom.tier","new":"Złoty"},{"field":"name","new":"Harbour & Sons Ltd"}]');
INSERT INTO audit_log VALUES(13,'contact',1,'create',1,NULL,1796669471236,'[{"field":"company_id","new":"1"},{"field":"emails","new":"work: lukasz.wisniewski@example.pl"},{"field":"first_name","new":"Łukasz"},{"field":"last_name","new":"Wiśniewski"},{"field":"name_order","new":"given_first"},{"field":"phones","new":"work: +48221234567"}]');
INSERT INTO audit_log VALUES(14,'contact',2,'create',1,NULL,1796669471269,'[{"field":"company_id","new":"4"},{"field":"emails","new":"work: ivan@example.ru"},{"field":"first_name","new":"Иван"},{"field":"last_name","new":"Иванов"},{"field":"name_order","new":"given_first"},{"field":"phones","new":"work: +74951234567"}]');
INSERT INTO audit_log VALUES(15,'contact',3,'create',1,NULL,1796669471297,'[{"field":"company_id","new":"5"},{"field":"emails","new":"work: zsofia@example.hu"},{"field":"first_name","new":"Zsófia"},{"field":"last_name","new":"Kovács"},{"field":"name_order","new":"given_first"},{"field":"phones","new":"work: +3612345678"}]');
INSERT INTO audit_log VALUES(16,'contact',4,'create',1,NULL,1796669471327,'[{"field":"company_id","new":"6"},{"field":"emails","new":"work: desi@example.bg"},{"field":"first_name","new":"Десислава"},{"field":"last_name","new":"Георгиева"},{"field":"name_order","new":"given_first"},{"field":"phones","new":"work: +35929876543"}]');
INSERT INTO audit_log VALUES(17,'deal',1,'create',1,NULL,1796669471366,'[{"field":"amount","new":"12000.50"},{"field":"company_id","new":"1"},{"field":"currency","new":"PLN"},{"field":"custom.budget","new":"12000.50 PLN"},{"field":"title","new":"Formy dla Żerania 1"}]');
INSERT INTO audit_log VALUES(18,'deal',2,'create',1,NULL,1796669471418,'[{"field":"amount","new":"24000.50"},{"field":"company_id","new":"1"},{"field":"currency","new":"PLN"},{"field":"custom.budget","new":"24000.50 PLN"},{"field":"title","new":"Formy dla Żerania 2"}]');
INSERT INTO audit_log VALUES(19,'deal',3,'create',1,NULL,1796669471465,'[{"field":"amount","new":"36000.50"},{"field":"company_id","new":"1"},{"field":"currency","new":"PLN"},{"field":"custom.budget","new":"36000.50 PLN"},{"field":"title","new":"Formy dla Żerania 3"}]');
INSERT INTO audit_log VALUES(20,'deal',4,'create',1,NULL,1796669471523,'[{"field":"amount","new":"250000.00"},{"field":"company_id","new":"4"},{"field":"currency","new":"PLN"},{"field":"custom.budget","new":"250000.00 PLN"},{"field":"title","new":"Поставка оборудования"}]');
INSERT INTO audit_log VALUES(21,'deal',5,'create',1,NULL,1796669471547,'[{"field":"amount","new":"1800000.00"},{"field":"company_id","new":"5"},{"field":"currency","new":"PLN"},{"field":"custom.budget","new":"1800000.00 PLN"},{"field":"title","new":"Kemence"}]');
INSERT INTO audit_log VALUES(22,'deal',1,'update',1,NULL,1796669471599,'[{"field":"stage_id","new":"3","old":"1"}]');
INSERT INTO audit_log VALUES(23,'deal',1,'update',1,NULL,1796669471647,'[{"field":"status","new":"won","old":"open"}]');
INSERT INTO audit_log VALUES(24,'deal',2,'update',1,NULL,1796669471708,'[{"field":"stage_id","new":"2","old":"1"}]');
INSERT INTO audit_log VALUES(25,'deal',2,'update',1,NULL,1796669471736,'[{"field":"loss_reason_id","new":"1"},{"field":"status","new":"lost","old":"open"}]');
INSERT INTO audit_log VALUES(26,'deal',3,'update',1,NULL,1796669471765,'[{"field":"stage_id","new":"4","old":"1"}]');
INSERT INTO audit_log VALUES(27,'deal',3,'update',1,NULL,1796669471821,'[{"field":"stage_id","new":"2","old":"4"}]');
INSERT INTO audit_log VALUES(28,'deal',4,'update',1,NULL,1796669471862,'[{"field":"loss_reason_id","new":"1"},{"field":"status","new":"lost","old":"open"}]');
INSERT INTO audit_log VALUES(29,'deal',4,'update',1,NULL,1796669471887,'[{"field":"loss_reason_id","old":"1"},{"field":"status","new":"open","old":"lost"}]');
INSERT INTO audit_log VALUES(30,'deal',4,'update',1,NULL,1796669471925,'[{"field":"status","new":"won","old":"open"}]');
INSERT INTO audit_log VALUES(31,'lead',1,'create',1,NULL,1796669471944,'[{"field":"company_name","new":"Nowa Huta SA"},{"field":"first_name","new":"Jan"},{"field":"last_name","new":"Nowy"},{"field":"score","new":"0"},{"field":"status","new":"new"}]');
INSERT INTO audit_log VALUES(32,'lead',2,'create',1,NULL,1796669471964,'[{"field":"company_name","new":"ООО Жерань"},{"field":"first_name","new":"Пётр"},{"field":"last_name","new":"Żerański"},{"field":"score","new":"0"},{"field":"status","new":"new"}]');
INSERT INTO audit_log VALUES(33,'activity',1,'create',1,NULL,1796669471994,'[{"field":"company_id","new":"1"},{"field":"deal_id","new":"3"},{"field":"done","new":"false"},{"field":"due_at","new":"2027-01-12T13:30:00.000Z"},{"field":"kind","new":"task"},{"field":"priority","new":"normal"},{"field":"subject","new":"Wysłać ofertę"}]');
INSERT INTO audit_log VALUES(34,'activity',2,'create',1,NULL,1796669472030,'[{"field":"contact_id","new":"2"},{"field":"deal_id","new":"5"},{"field":"direction","new":"outbound"},{"field":"kind","new":"call"},{"field":"subject","new":"Звонок по поставке"}]');
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users(id),
    key TEXT NOT NULL,
    scope TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE TABLE pipelines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    currency TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
INSERT INTO pipelines VALUES(1,'Sprzedaż','PLN',1,0,1796669470867);
CREATE TABLE stages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
    name TEXT NOT NULL,
    translations TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL,
    probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    forecast_category TEXT NOT NULL,
    rotting_days INTEGER,
    required_fields TEXT NOT NULL DEFAULT '[]',
    is_active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO stages VALUES(1,1,'Pierwszy kontakt','{}',0,10,'pipeline',NULL,'[]',1);
INSERT INTO stages VALUES(2,1,'Prezentacja','{}',1,30,'pipeline',NULL,'[]',1);
INSERT INTO stages VALUES(3,1,'Oferta','{}',2,60,'pipeline',NULL,'[]',1);
INSERT INTO stages VALUES(4,1,'Umowa','{}',3,90,'pipeline',NULL,'[]',1);
CREATE TABLE loss_reasons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    is_active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO loss_reasons VALUES(1,'Cena',1);
CREATE TABLE deals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    team_id BIGINT REFERENCES teams(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    title TEXT NOT NULL,
    company_id BIGINT REFERENCES companies(id),
    pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
    stage_id BIGINT NOT NULL REFERENCES stages(id),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    expected_close TEXT,
    source TEXT NOT NULL DEFAULT '',
    forecast_category TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    loss_reason_id BIGINT REFERENCES loss_reasons(id),
    loss_comment TEXT NOT NULL DEFAULT '',
    closed_at BIGINT,
    stage_entered_at BIGINT NOT NULL
, custom TEXT NOT NULL DEFAULT '{}');
INSERT INTO deals VALUES(1,3,3,NULL,1,1796669471359,1796669471623,NULL,'formy dla zerania 11','formy dla zerania 1 ','Formy dla Żerania 1',1,1,3,1200050,'PLN',NULL,'',NULL,'[]','won',NULL,'',1796669471623,1796669471584,'{"budget":{"currency":"PLN","type":"money","value":"12000.50"}}');
INSERT INTO deals VALUES(2,3,3,NULL,1,1796669471402,1796669471721,NULL,'formy dla zerania 12','formy dla zerania 2 ','Formy dla Żerania 2',1,1,2,2400050,'PLN',NULL,'',NULL,'[]','lost',1,'Konkurencja tańsza o 10%',1796669471721,1796669471680,'{"budget":{"currency":"PLN","type":"money","value":"24000.50"}}');
INSERT INTO deals VALUES(3,3,3,NULL,1,1796669471458,1796669471806,NULL,'formy dla zerania 13','formy dla zerania 3 ','Formy dla Żerania 3',1,1,2,3600050,'PLN',NULL,'',NULL,'[]','open',NULL,'',NULL,1796669471806,'{"budget":{"currency":"PLN","type":"money","value":"36000.50"}}');
INSERT INTO deals VALUES(4,4,2,NULL,1,1796669471489,1796669471911,NULL,'поставка оборудования','поставка оборудования ','Поставка оборудования',4,1,1,25000000,'PLN',NULL,'',NULL,'[]','won',NULL,'',1796669471911,1796669471488,'{"budget":{"currency":"PLN","type":"money","value":"250000.00"}}');
INSERT INTO deals VALUES(5,1,2,NULL,1,1796669471540,1796669471540,NULL,'kemence','kemence ','Kemence',5,1,1,180000000,'PLN',NULL,'',NULL,'[]','open',NULL,'',NULL,1796669471540,'{"budget":{"currency":"PLN","type":"money","value":"1800000.00"}}');
CREATE TABLE deal_contacts (
    deal_id BIGINT NOT NULL REFERENCES deals(id),
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    role TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (deal_id, contact_id)
);
CREATE TABLE stage_transitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id BIGINT NOT NULL REFERENCES deals(id),
    pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
    kind TEXT NOT NULL,
    from_stage_id BIGINT REFERENCES stages(id),
    to_stage_id BIGINT NOT NULL REFERENCES stages(id),
    status TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    probability INTEGER NOT NULL,
    expected_close TEXT,
    loss_reason_id BIGINT REFERENCES loss_reasons(id),
    comment TEXT NOT NULL DEFAULT ''
, first_time SMALLINT NOT NULL DEFAULT 0, reach_from INTEGER NOT NULL DEFAULT 0, reach_to INTEGER NOT NULL DEFAULT 0, stay_ms BIGINT);
INSERT INTO stage_transitions VALUES(1,1,1,'created',NULL,1,'open',1796669471360,1,1200050,'PLN',10,NULL,NULL,'',1,0,1,NULL);
INSERT INTO stage_transitions VALUES(2,2,1,'created',NULL,1,'open',1796669471403,1,2400050,'PLN',10,NULL,NULL,'',1,0,1,NULL);
INSERT INTO stage_transitions VALUES(3,3,1,'created',NULL,1,'open',1796669471459,1,3600050,'PLN',10,NULL,NULL,'',1,0,1,NULL);
INSERT INTO stage_transitions VALUES(4,4,1,'created',NULL,1,'open',1796669471490,1,25000000,'PLN',10,NULL,NULL,'',1,0,1,NULL);
INSERT INTO stage_transitions VALUES(5,5,1,'created',NULL,1,'open',1796669471541,1,180000000,'PLN',10,NULL,NULL,'',1,0,1,NULL);
INSERT INTO stage_transitions VALUES(6,1,1,'moved',1,3,'open',1796669471584,1,1200050,'PLN',60,NULL,NULL,'',1,1,3,224);
INSERT INTO stage_transitions VALUES(7,1,1,'won',3,3,'won',1796669471624,1,1200050,'PLN',100,NULL,NULL,'',1,3,4,40);
INSERT INTO stage_transitions VALUES(8,2,1,'moved',1,2,'open',1796669471681,1,2400050,'PLN',30,NULL,NULL,'',1,1,2,278);
INSERT INTO stage_transitions VALUES(9,2,1,'lost',2,2,'lost',1796669471722,1,2400050,'PLN',0,NULL,1,'Konkurencja tańsza o 10%',0,2,2,41);
INSERT INTO stage_transitions VALUES(10,3,1,'moved',1,4,'open',1796669471744,1,3600050,'PLN',90,NULL,NULL,'',1,1,4,285);
INSERT INTO stage_transitions VALUES(11,3,1,'moved',4,2,'open',1796669471806,1,3600050,'PLN',30,NULL,NULL,'',1,4,4,62);
INSERT INTO stage_transitions VALUES(12,4,1,'lost',1,1,'lost',1796669471847,1,25000000,'PLN',0,NULL,1,'',0,1,1,357);
INSERT INTO stage_transitions VALUES(13,4,1,'reopened',1,1,'open',1796669471875,1,25000000,'PLN',10,NULL,NULL,'',0,1,1,NULL);
INSERT INTO stage_transitions VALUES(14,4,1,'won',1,1,'won',1796669471914,1,25000000,'PLN',100,NULL,NULL,'',1,1,4,39);
CREATE TABLE activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    team_id BIGINT REFERENCES teams(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    deal_id BIGINT REFERENCES deals(id),
    company_id BIGINT REFERENCES companies(id),
    contact_id BIGINT REFERENCES contacts(id),
    due_at BIGINT,
    priority TEXT NOT NULL DEFAULT 'normal',
    is_done INTEGER NOT NULL DEFAULT 0,
    done_at BIGINT,
    direction TEXT,
    duration_minutes INTEGER,
    outcome TEXT NOT NULL DEFAULT '',
    starts_at BIGINT,
    ends_at BIGINT,
    place TEXT NOT NULL DEFAULT '',
    attendees TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]'
, lead_id BIGINT REFERENCES leads(id));
INSERT INTO activities VALUES(1,1,3,NULL,1,1796669471990,1796669471990,NULL,'wyslac oferte','wyslac oferte   ','task','Wysłać ofertę','',3,1,NULL,1799760600000,'normal',0,NULL,NULL,NULL,'',NULL,NULL,'','[]','[]',NULL);
INSERT INTO activities VALUES(2,1,2,NULL,1,1796669472026,1796669472026,NULL,'звонок по поставке','звонок по поставке   ','call','Звонок по поставке','',5,NULL,2,NULL,'normal',0,NULL,'outbound',NULL,'',NULL,NULL,'','[]','[]',NULL);
CREATE TABLE sales_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
    scope_kind TEXT NOT NULL,
    scope_id BIGINT,
    unit TEXT NOT NULL,
    period_start TEXT NOT NULL,
    stage_id BIGINT REFERENCES stages(id),
    target INTEGER NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
CREATE TABLE forecast_overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
    unit TEXT NOT NULL,
    period_start TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    commit_minor BIGINT NOT NULL,
    best_case_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE TABLE process_definitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    process_key TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    bpmn TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL, record_type TEXT,
    UNIQUE (process_key, version)
);
CREATE TABLE process_instances (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    definition_id BIGINT NOT NULL REFERENCES process_definitions(id),
    status TEXT NOT NULL,
    state TEXT NOT NULL,
    next_timer_at BIGINT,
    incident TEXT,
    steps INTEGER NOT NULL,
    record_type TEXT,
    record_id BIGINT,
    campaign_id BIGINT,
    started_by BIGINT REFERENCES users(id),
    started_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE process_tasks (
    instance_id BIGINT NOT NULL REFERENCES process_instances(id),
    token_id INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    name TEXT NOT NULL,
    assignee TEXT,
    candidate_groups TEXT NOT NULL,
    due_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (instance_id, token_id)
);
CREATE TABLE process_effects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id BIGINT NOT NULL REFERENCES process_instances(id),
    effect_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    node_id TEXT NOT NULL,
    token_id INTEGER,
    action TEXT,
    parameters TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT,
    claimed_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    done_at BIGINT
);
CREATE TABLE process_triggers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    process_key TEXT NOT NULL,
    event TEXT NOT NULL,
    stage_id BIGINT REFERENCES stages(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
, record_type TEXT, field TEXT, value TEXT);
CREATE TABLE process_campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    process_key TEXT NOT NULL,
    name TEXT NOT NULL,
    segment TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
, record_type TEXT NOT NULL DEFAULT 'company');
CREATE TABLE process_start_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    process_key TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    campaign_id BIGINT REFERENCES process_campaigns(id),
    requested_by BIGINT REFERENCES users(id),
    effect_key TEXT UNIQUE,
    status TEXT NOT NULL,
    instance_id BIGINT REFERENCES process_instances(id),
    error TEXT,
    created_at BIGINT NOT NULL
);
CREATE TABLE process_schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    process_key TEXT NOT NULL,
    every_text TEXT NOT NULL,
    next_at BIGINT NOT NULL,
    remaining INTEGER,
    created_at BIGINT NOT NULL
);
PRAGMA writable_schema=ON;
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','companies_search','companies_search',0,'CREATE VIRTUAL TABLE companies_search USING fts5(search_text, content=''companies'', content_rowid=''id'', tokenize=''trigram'')');
CREATE TABLE IF NOT EXISTS 'companies_search_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO companies_search_data VALUES(1,X'078121');
INSERT INTO companies_search_data VALUES(10,X'000000010107070007010101020101030101040101050101060101070101');
INSERT INTO companies_search_data VALUES(137438953473,X'000000c5043020202001021b02026f2e0102160202737001021002027a2001021403016501020a01032e202001021a03017a01021302026f2e010218010361207a01020902026e2001020e0103646c65010203010365726101020c0202776e010205010369612001020801036c657701020401036e207301020f0202696101020701036f2e2001021903016f0102170202646c0102020103702e20010212010372616e01020d010373702e0102110103776e6901020601037a206f0102150202657201020b0408070707060806070807080807080808070806070808080808');
INSERT INTO companies_search_data VALUES(274877906945,X'0000004304302020200202090202322002020701033220200202080103646c65020203010365772002020501036c657702020401036f646c02020201037720320202060408070808080808');
INSERT INTO companies_search_data VALUES(412316860417,X'0000004b043020202003020a02023130030207010330202003020901033130200302080103646c65030203010365772003020501036c657703020401036f646c0302020103772031030206040807080808080808');
INSERT INTO companies_search_data VALUES(549755813889,X'000000e6043020202004021d03016f04020e02026f6f04020f0203c2ab650402130402d0b5040205010461c2bb2004021b010363686b0402180103656c6f0402150103686b6104021901046b61c2bb04021a01036c6f6304021601046f20c2ab0402120202636804021702026f2004021103016f0402100104c2ab656c0402140304d0b5d0bb0402060203bb202004040d110105d0b0c2bb2004020c0205b5d0bbd0be0402070205bad0b0c2bb04020b0205bbd0bed1870402080204be20c2ab0402040303d0be200402030502d0be0402020304d187d0ba0402090106d187d0bad0b004020a040806070807090808080908090707060909090a0a0a0a09080709');
INSERT INTO companies_search_data VALUES(687194767361,X'000000d8043020202005021d02026b660502180202737505021101032e202005021c010361726905020e0103646520050216010365206b0502170202686505020902026b650502040202727605020b0202736605020601036665680502080202742e05021a010368657205020a010369207305021001036b65730502050202667405021901036f6465050215010372692005020f0202766105020c01037366650502070202757405021202027a650502020103742e2005021b02026f64050214010375746f050213010376617205020d01037a656b05020304080707080808080707070708070808080708080708070708070808');
INSERT INTO companies_search_data VALUES(824633720833,X'00000168043020202006022c03017006021602026d6506022202026f6f0602280202706c0602170204d0bcd0b506020c0303bed0be060212010361206d060221010362656c060225010364202006022b0202697606021c010365626506022402026c20060226010369767306021d01036b612006022001036c206f06022702026f7606021901036d656206022301036f642006022a02026f640602290202766406021a0103706c6f0602180103736b6106021f010376646906021b0202736b06021e0105d0b020d0bc06020b0205b1d0b5d0bb06020f0205b2d0b4d0b80602050304d181d0ba0602080203b420200602150304d0b8d0b20602060205b5d0b1d0b506020e0402bb200602100205b8d0b2d1810602070204bad0b02006020a0204bb20d0be0602110304d0bed0b20602030205bcd0b5d0b106020d0205bed0b2d0b40602040402b4200602140403bed0b40602130205bfd0bbd0be0602020106d181d0bad0b006020904080607070709080808080708070808080708080707080808070a0a0a0908090a070a0909090a0a07080a');
INSERT INTO companies_search_data VALUES(962072674305,X'0000009604302020200702140202262007020902026c740702100202736f07020b010326207307020a01036172620702030103626f750702050103642020070213010368617207020201036c746407021101036e732007020e01036f6e7307020d0202757207020601037220260702080202626f070204010373206c07020f02026f6e07020c0103746420070212010375722007020704080707070808080808080808070807080708');
CREATE TABLE IF NOT EXISTS 'companies_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO companies_search_idx VALUES(1,X'',2);
INSERT INTO companies_search_idx VALUES(2,X'',2);
INSERT INTO companies_search_idx VALUES(3,X'',2);
INSERT INTO companies_search_idx VALUES(4,X'',2);
INSERT INTO companies_search_idx VALUES(5,X'',2);
INSERT INTO companies_search_idx VALUES(6,X'',2);
INSERT INTO companies_search_idx VALUES(7,X'',2);
CREATE TABLE IF NOT EXISTS 'companies_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO companies_search_docsize VALUES(1,X'1a');
INSERT INTO companies_search_docsize VALUES(2,X'08');
INSERT INTO companies_search_docsize VALUES(3,X'09');
INSERT INTO companies_search_docsize VALUES(4,X'1c');
INSERT INTO companies_search_docsize VALUES(5,X'1c');
INSERT INTO companies_search_docsize VALUES(6,X'2b');
INSERT INTO companies_search_docsize VALUES(7,X'13');
CREATE TABLE IF NOT EXISTS 'companies_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO companies_search_config VALUES('hashsize',16777216);
INSERT INTO companies_search_config VALUES('version',4);
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','contacts_search','contacts_search',0,'CREATE VIRTUAL TABLE contacts_search USING fts5(search_text, content=''contacts'', content_rowid=''id'', tokenize=''trigram'')');
CREATE TABLE IF NOT EXISTS 'contacts_search_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO contacts_search_data VALUES(1,X'048162');
INSERT INTO contacts_search_data VALUES(10,X'000000010104040004010101020101030101040101');
INSERT INTO contacts_search_data VALUES(137438953473,X'0000016c043020206c01021403017701020802022b3401023202026c750102150202776901020901032b343801023301032e706c01022f0202776901021c010331323301023801033231320102370202323101023602023334010239010333343501023a010334353601023b02023832010234010335363701023c010338323201023501034065780102270103616d7001022a0202737a010405160103652e7001022e0202777301040f15020278610102280103692020010213020240650102260202657701040e150202736e01040b1501036b6173010404160202692001021203014001022501036c202b0102310202652e01022d0202756b0104021601036d706c01022b01036e696501040d150103706c2001023003016501022c0103736b690104111502026e6901040c1502027a2001020603012e01021a0103756b6101040316010377697301040a150202736b01041015010378616d01022901037a202001020702022e7701021b0408060707070808070808070708080708080808080808070807080809070608070808090806090807060909080808');
INSERT INTO contacts_search_data VALUES(274877906945,X'00000167043020206902060e080a0302d0b802020602022b3702022d0202697602060f080a0204d0b8d0b202020701032b373402022e01032e727502022a010331323302023301033233340202340103333435020235010334353602023602023935020230010335313202023202023637020237010337343902022f010339353102023101034065780202220103616d7002022502026e2002021203014002022003016f0202180103652e72020229020278610202230103697661020610080a01036c652e02022801036d706c02022601036e20200202130202406502022102026f7602021901036f762002021a0103706c65020227010372752002022b010375202b02022c010376202002021b0202616e020611080a010378616d0202240105d0b0d0bd200202040502d0be02020a0203b2202002020d0304d0b0d0bd020403080205b8d0b2d0b0020402080203bd20200202050304d0bed0b202020b0204bed0b22002020c040a070709090808080808080708070808080807060608070a0808080707080808080809080a07080a0b0809');
INSERT INTO contacts_search_data VALUES(412316860417,X'00000131043020206b03020803017a03021002022b3303022302026b6f03020902027a7303021101032b333603022401032e687503022001033132330302270103323334030228010333343503022902023631030225010334353603022a010335363703022b01033631320302260202373803022c01034065780302180103612020030207020240650302170202637303020d02026d7003021b010363732003020e0103652e6803021f020278610302190103666961030405120103687520030221010369612003020603014003021601036b6f7603020a01036c652e03021e01036d706c03021c01036f6669030404120202766103020b0103706c6503021d010373202003020f02026f6603040312010375202b030222010376616303020c010378616d03021a01037a736f03040212040806070707080808080807080808070808070707080807090808060808080907080808080808');
INSERT INTO contacts_search_data VALUES(549755813889,X'000001fd0430202064040416180301670402210302d0b304020b02022b3304023d0202646504041718020267650402220204d0b3d0b504020c01032b333504023e01032e626704023a0103323938040242010333353904023f010335343304024702023932040240010336353404024601033736350402450103383736040244010339323904024102023837040243010340657804023201036120200404200d02026d700402350202766104021e010362672004023b0103646573040418180103652e6204023902026f7204022402027369040419180202766104022902027861040233010367202b04023c0202656f040223020269650402270103694065040231020265760402280202736c04021b01036c617604021d0202652e04023801036d706c04023601036f72670402250103706c650402370103726769040226010373694004023003017304021a02026c6104021c010376612004041f0d010378616d0402340104d0b0202004040a0d0304d0b2d0b00402080204b2d0b0200404090d0205b3d0b5d0be04020d0403b8d0b50402110205b4d0b5d1810402020205b5d0b2d0b00402130403bed18004020e0304d181d0b80402030205b8d0b5d0b20402120304d181d0bb0402050205bbd0b0d0b20402070205bed180d0b304020f0106d180d0b3d0b8040210020581d0b8d1810402040403bbd0b004020604090607070807090808080808070808080807080907070809080708070708070708070708070808080808060709080a090a0a080a0a08090a090a0a0b0a');
CREATE TABLE IF NOT EXISTS 'contacts_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO contacts_search_idx VALUES(1,X'',2);
INSERT INTO contacts_search_idx VALUES(2,X'',2);
INSERT INTO contacts_search_idx VALUES(3,X'',2);
INSERT INTO contacts_search_idx VALUES(4,X'',2);
CREATE TABLE IF NOT EXISTS 'contacts_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO contacts_search_docsize VALUES(1,X'3b');
INSERT INTO contacts_search_docsize VALUES(2,X'36');
INSERT INTO contacts_search_docsize VALUES(3,X'2b');
INSERT INTO contacts_search_docsize VALUES(4,X'46');
CREATE TABLE IF NOT EXISTS 'contacts_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO contacts_search_config VALUES('hashsize',16777216);
INSERT INTO contacts_search_config VALUES('version',4);
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','deals_search','deals_search',0,'CREATE VIRTUAL TABLE deals_search USING fts5(search_text, content=''deals'', content_rowid=''id'', tokenize=''trigram'')');
CREATE TABLE IF NOT EXISTS 'deals_search_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO deals_search_data VALUES(1,X'0550');
INSERT INTO deals_search_data VALUES(10,X'000000010105050005010101020101030101040101050101');
INSERT INTO deals_search_data VALUES(137438953473,X'0000008e04302031200102130202646c01020702027a6501020b010361203101021203017a01020a02026e6901020f0103646c61010208010365726101020d0103666f72010202010369612001021101036c612001020901036d792001020501036e696101021001036f726d010203010372616e01020e02026d79010204010379206401020601037a657201020c040807070806070808080808080808080708');
INSERT INTO deals_search_data VALUES(274877906945,X'0000008e04302032200202130202646c02020702027a6502020b010361203202021203017a02020a02026e6902020f0103646c61020208010365726102020d0103666f72020202010369612002021101036c612002020901036d792002020501036e696102021001036f726d020203010372616e02020e02026d79020204010379206402020601037a657202020c040807070806070808080808080808080708');
INSERT INTO deals_search_data VALUES(412316860417,X'0000008e04302033200302130202646c03020702027a6503020b010361203303021203017a03020a02026e6903020f0103646c61030208010365726103020d0103666f72030202010369612003021101036c612003020901036d792003020501036e696103021001036f726d030203010372616e03020e02026d79030204010379206403020601037a657203020c040807070806070808080808080808080708');
INSERT INTO deals_search_data VALUES(549755813889,X'000000c1063020d0bed0b104020a0105d0b020d0be0402090304d0b2d0ba0402060403bdd0b80402130205b1d0bed18004020c0205b2d0b0d0bd0402120403bad0b00402070205b4d0bed0b20402100204b8d18f200402150204bad0b0200402080205bdd0b8d18f0402140205bed0b1d0be04020b0403b2d0b00402110304d180d18304020d040381d1820402030205bfd0bed1810402020106d180d183d0b404020e020581d182d0b0040204020582d0b0d0b2040205020583d0b4d0be04020f040a0a09080a0a080a09090a0a0809080a0b0a0a');
INSERT INTO deals_search_data VALUES(687194767361,X'0000003304306365200502070103656d6505020302026e6305020501036b656d05020201036d656e05020401036e6365050206040808070808');
CREATE TABLE IF NOT EXISTS 'deals_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO deals_search_idx VALUES(1,X'',2);
INSERT INTO deals_search_idx VALUES(2,X'',2);
INSERT INTO deals_search_idx VALUES(3,X'',2);
INSERT INTO deals_search_idx VALUES(4,X'',2);
INSERT INTO deals_search_idx VALUES(5,X'',2);
CREATE TABLE IF NOT EXISTS 'deals_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO deals_search_docsize VALUES(1,X'12');
INSERT INTO deals_search_docsize VALUES(2,X'12');
INSERT INTO deals_search_docsize VALUES(3,X'12');
INSERT INTO deals_search_docsize VALUES(4,X'14');
INSERT INTO deals_search_docsize VALUES(5,X'06');
CREATE TABLE IF NOT EXISTS 'deals_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO deals_search_config VALUES('hashsize',16777216);
INSERT INTO deals_search_config VALUES('version',4);
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','activities_search','activities_search',0,'CREATE VIRTUAL TABLE activities_search USING fts5(search_text, content=''activities'', content_rowid=''id'', tokenize=''trigram'')');
CREATE TABLE IF NOT EXISTS 'activities_search_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO activities_search_data VALUES(1,X'0221');
INSERT INTO activities_search_data VALUES(10,X'000000010102020002010101020101');
INSERT INTO activities_search_data VALUES(137438953473,X'00000072043020202001020f02026f660102080103616320010206010363206f010207010365202001020e0202727401020b010366657201020a01036c616301020501036f6665010209010372746501020c0103736c61010204010374652001020d0103777973010202010379736c0102030408070808080708080808080808');
INSERT INTO activities_search_data VALUES(274877906945,X'000000a704302020200202140204d0bfd0be020408050106d0b0d0b2d0ba0202100205b2d0bad0b50202110403bed0bd0202030203b520200202130205b7d0b2d0be0202020204ba20d0bf0202070303d0b5200202120205bdd0bed0ba0202050204be20d0bf02020a0303d0ba200202060403bdd0be0202040304d181d18202020d0204bfd0be200202090502d18102020c0106d181d182d0b002020e020582d0b0d0b202020f04080a0b0a08080a09080a0908080909070b');
CREATE TABLE IF NOT EXISTS 'activities_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO activities_search_idx VALUES(1,X'',2);
INSERT INTO activities_search_idx VALUES(2,X'',2);
CREATE TABLE IF NOT EXISTS 'activities_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO activities_search_docsize VALUES(1,X'0e');
INSERT INTO activities_search_docsize VALUES(2,X'13');
CREATE TABLE IF NOT EXISTS 'activities_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO activities_search_config VALUES('hashsize',16777216);
INSERT INTO activities_search_config VALUES('version',4);
CREATE TABLE record_merges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL,
    survivor_id BIGINT NOT NULL,
    merged_id BIGINT NOT NULL,
    survivor_before TEXT NOT NULL,
    survivor_version BIGINT NOT NULL,
    moved TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    merged_at BIGINT NOT NULL,
    undo_until BIGINT NOT NULL,
    undone_at BIGINT
);
CREATE TABLE segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    record_type TEXT NOT NULL,
    filters TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (record_type, name)
);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    encoding TEXT NOT NULL,
    content TEXT,
    mapping TEXT NOT NULL,
    status TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    report TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    undone_at BIGINT
, options TEXT);
CREATE TABLE import_records (
    import_id BIGINT NOT NULL REFERENCES imports(id),
    record_id BIGINT NOT NULL,
    source_key TEXT
, record_type TEXT);
CREATE TABLE import_mappings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    record_type TEXT NOT NULL,
    columns TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL, options TEXT,
    UNIQUE (record_type, name)
);
CREATE TABLE funnel_weeks (
    pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, stage_id BIGINT NOT NULL, owner_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL, source TEXT NOT NULL, currency TEXT NOT NULL, reason_id BIGINT NOT NULL,
    entered BIGINT NOT NULL, entered_amount BIGINT NOT NULL, reached BIGINT NOT NULL, won BIGINT NOT NULL, won_amount BIGINT NOT NULL, won_cycle_ms BIGINT NOT NULL, lost BIGINT NOT NULL, lost_amount BIGINT NOT NULL, stays BIGINT NOT NULL, stay_ms BIGINT NOT NULL, open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, bucket, stage_id, owner_id, team_id, source, currency, reason_id)
);
INSERT INTO funnel_weeks VALUES(1,2970,1,3,0,'','PLN',0,3,7200150,3,0,0,0,0,0,3,787,0,0,0);
INSERT INTO funnel_weeks VALUES(1,2970,1,2,0,'','PLN',0,2,205000000,2,1,25000000,425,0,0,2,396,1,180000000,1800000000);
INSERT INTO funnel_weeks VALUES(1,2970,2,3,0,'','PLN',0,2,6000100,3,0,0,0,0,0,1,41,1,3600050,108001500);
INSERT INTO funnel_weeks VALUES(1,2970,3,3,0,'','PLN',0,1,1200050,2,1,1200050,265,0,0,1,40,0,0,0);
INSERT INTO funnel_weeks VALUES(1,2970,4,3,0,'','PLN',0,1,3600050,2,0,0,0,0,0,1,62,0,0,0);
INSERT INTO funnel_weeks VALUES(1,2970,2,3,0,'','PLN',1,0,0,0,0,0,0,1,2400050,0,0,0,0,0);
INSERT INTO funnel_weeks VALUES(1,2970,1,2,0,'','PLN',1,0,0,0,0,0,0,1,25000000,0,0,0,0,0);
INSERT INTO funnel_weeks VALUES(1,2970,2,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
INSERT INTO funnel_weeks VALUES(1,2970,3,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
INSERT INTO funnel_weeks VALUES(1,2970,4,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
CREATE TABLE funnel_days (
    pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, stage_id BIGINT NOT NULL, owner_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL, source TEXT NOT NULL, currency TEXT NOT NULL, reason_id BIGINT NOT NULL,
    entered BIGINT NOT NULL, entered_amount BIGINT NOT NULL, reached BIGINT NOT NULL, won BIGINT NOT NULL, won_amount BIGINT NOT NULL, won_cycle_ms BIGINT NOT NULL, lost BIGINT NOT NULL, lost_amount BIGINT NOT NULL, stays BIGINT NOT NULL, stay_ms BIGINT NOT NULL, open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, bucket, stage_id, owner_id, team_id, source, currency, reason_id)
);
INSERT INTO funnel_days VALUES(1,20794,1,3,0,'','PLN',0,3,7200150,3,0,0,0,0,0,3,787,0,0,0);
INSERT INTO funnel_days VALUES(1,20794,1,2,0,'','PLN',0,2,205000000,2,1,25000000,425,0,0,2,396,1,180000000,1800000000);
INSERT INTO funnel_days VALUES(1,20794,2,3,0,'','PLN',0,2,6000100,3,0,0,0,0,0,1,41,1,3600050,108001500);
INSERT INTO funnel_days VALUES(1,20794,3,3,0,'','PLN',0,1,1200050,2,1,1200050,265,0,0,1,40,0,0,0);
INSERT INTO funnel_days VALUES(1,20794,4,3,0,'','PLN',0,1,3600050,2,0,0,0,0,0,1,62,0,0,0);
INSERT INTO funnel_days VALUES(1,20794,2,3,0,'','PLN',1,0,0,0,0,0,0,1,2400050,0,0,0,0,0);
INSERT INTO funnel_days VALUES(1,20794,1,2,0,'','PLN',1,0,0,0,0,0,0,1,25000000,0,0,0,0,0);
INSERT INTO funnel_days VALUES(1,20794,2,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
INSERT INTO funnel_days VALUES(1,20794,3,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
INSERT INTO funnel_days VALUES(1,20794,4,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
CREATE TABLE funnel_hours (
    pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, stage_id BIGINT NOT NULL, owner_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL, source TEXT NOT NULL, currency TEXT NOT NULL, reason_id BIGINT NOT NULL,
    entered BIGINT NOT NULL, entered_amount BIGINT NOT NULL, reached BIGINT NOT NULL, won BIGINT NOT NULL, won_amount BIGINT NOT NULL, won_cycle_ms BIGINT NOT NULL, lost BIGINT NOT NULL, lost_amount BIGINT NOT NULL, stays BIGINT NOT NULL, stay_ms BIGINT NOT NULL, open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, bucket, stage_id, owner_id, team_id, source, currency, reason_id)
);
INSERT INTO funnel_hours VALUES(1,499074,1,3,0,'','PLN',0,3,7200150,3,0,0,0,0,0,3,787,0,0,0);
INSERT INTO funnel_hours VALUES(1,499074,1,2,0,'','PLN',0,2,205000000,2,1,25000000,425,0,0,2,396,1,180000000,1800000000);
INSERT INTO funnel_hours VALUES(1,499074,2,3,0,'','PLN',0,2,6000100,3,0,0,0,0,0,1,41,1,3600050,108001500);
INSERT INTO funnel_hours VALUES(1,499074,3,3,0,'','PLN',0,1,1200050,2,1,1200050,265,0,0,1,40,0,0,0);
INSERT INTO funnel_hours VALUES(1,499074,4,3,0,'','PLN',0,1,3600050,2,0,0,0,0,0,1,62,0,0,0);
INSERT INTO funnel_hours VALUES(1,499074,2,3,0,'','PLN',1,0,0,0,0,0,0,1,2400050,0,0,0,0,0);
INSERT INTO funnel_hours VALUES(1,499074,1,2,0,'','PLN',1,0,0,0,0,0,0,1,25000000,0,0,0,0,0);
INSERT INTO funnel_hours VALUES(1,499074,2,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
INSERT INTO funnel_hours VALUES(1,499074,3,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
INSERT INTO funnel_hours VALUES(1,499074,4,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
CREATE TABLE funnel_totals (
    pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, stage_id BIGINT NOT NULL, owner_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL, source TEXT NOT NULL, currency TEXT NOT NULL, reason_id BIGINT NOT NULL,
    entered BIGINT NOT NULL, entered_amount BIGINT NOT NULL, reached BIGINT NOT NULL, won BIGINT NOT NULL, won_amount BIGINT NOT NULL, won_cycle_ms BIGINT NOT NULL, lost BIGINT NOT NULL, lost_amount BIGINT NOT NULL, stays BIGINT NOT NULL, stay_ms BIGINT NOT NULL, open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, bucket, stage_id, owner_id, team_id, source, currency, reason_id)
);
INSERT INTO funnel_totals VALUES(1,0,1,3,0,'','PLN',0,3,7200150,3,0,0,0,0,0,3,787,0,0,0);
INSERT INTO funnel_totals VALUES(1,0,1,2,0,'','PLN',0,2,205000000,2,1,25000000,425,0,0,2,396,1,180000000,1800000000);
INSERT INTO funnel_totals VALUES(1,0,2,3,0,'','PLN',0,2,6000100,3,0,0,0,0,0,1,41,1,3600050,108001500);
INSERT INTO funnel_totals VALUES(1,0,3,3,0,'','PLN',0,1,1200050,2,1,1200050,265,0,0,1,40,0,0,0);
INSERT INTO funnel_totals VALUES(1,0,4,3,0,'','PLN',0,1,3600050,2,0,0,0,0,0,1,62,0,0,0);
INSERT INTO funnel_totals VALUES(1,0,2,3,0,'','PLN',1,0,0,0,0,0,0,1,2400050,0,0,0,0,0);
INSERT INTO funnel_totals VALUES(1,0,1,2,0,'','PLN',1,0,0,0,0,0,0,1,25000000,0,0,0,0,0);
INSERT INTO funnel_totals VALUES(1,0,2,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
INSERT INTO funnel_totals VALUES(1,0,3,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
INSERT INTO funnel_totals VALUES(1,0,4,2,0,'','PLN',0,0,0,1,0,0,0,0,0,0,0,0,0,0);
CREATE TABLE forecast_weeks (
    pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, owner_id BIGINT NOT NULL, team_id BIGINT NOT NULL,
    category TEXT NOT NULL, currency TEXT NOT NULL, close_month TEXT NOT NULL,
    open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, bucket, owner_id, team_id, category, currency, close_month)
);
INSERT INTO forecast_weeks VALUES(1,2970,3,0,'pipeline','PLN','',1,3600050,108001500);
INSERT INTO forecast_weeks VALUES(1,2970,2,0,'pipeline','PLN','',1,180000000,1800000000);
CREATE TABLE forecast_days (
    pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, owner_id BIGINT NOT NULL, team_id BIGINT NOT NULL,
    category TEXT NOT NULL, currency TEXT NOT NULL, close_month TEXT NOT NULL,
    open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, bucket, owner_id, team_id, category, currency, close_month)
);
INSERT INTO forecast_days VALUES(1,20794,3,0,'pipeline','PLN','',1,3600050,108001500);
INSERT INTO forecast_days VALUES(1,20794,2,0,'pipeline','PLN','',1,180000000,1800000000);
CREATE TABLE forecast_hours (
    pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, owner_id BIGINT NOT NULL, team_id BIGINT NOT NULL,
    category TEXT NOT NULL, currency TEXT NOT NULL, close_month TEXT NOT NULL,
    open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, bucket, owner_id, team_id, category, currency, close_month)
);
INSERT INTO forecast_hours VALUES(1,499074,3,0,'pipeline','PLN','',1,3600050,108001500);
INSERT INTO forecast_hours VALUES(1,499074,2,0,'pipeline','PLN','',1,180000000,1800000000);
CREATE TABLE forecast_totals (
    pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, owner_id BIGINT NOT NULL, team_id BIGINT NOT NULL,
    category TEXT NOT NULL, currency TEXT NOT NULL, close_month TEXT NOT NULL,
    open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, bucket, owner_id, team_id, category, currency, close_month)
);
INSERT INTO forecast_totals VALUES(1,0,3,0,'pipeline','PLN','',1,3600050,108001500);
INSERT INTO forecast_totals VALUES(1,0,2,0,'pipeline','PLN','',1,180000000,1800000000);
CREATE TABLE leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    team_id BIGINT REFERENCES teams(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    sort_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    company_name TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    phones TEXT NOT NULL DEFAULT '[]',
    emails TEXT NOT NULL DEFAULT '[]',
    industry TEXT NOT NULL DEFAULT '',
    company_size TEXT,
    country TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    campaign TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'new',
    behaviours TEXT NOT NULL DEFAULT '[]',
    notes TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    score INTEGER NOT NULL DEFAULT 0,
    score_reasons TEXT NOT NULL DEFAULT '[]',
    converted_contact_id BIGINT REFERENCES contacts(id),
    converted_company_id BIGINT REFERENCES companies(id),
    converted_deal_id BIGINT REFERENCES deals(id),
    converted_at BIGINT
, custom TEXT NOT NULL DEFAULT '{}');
INSERT INTO leads VALUES(1,1,3,NULL,1,1796669471943,1796669471943,NULL,'nowy jan','jan nowy nowa huta sa  ','Jan','Nowy','Nowa Huta SA','','[]','[]','',NULL,'','','','','new','[]','','[]',0,'[]',NULL,NULL,NULL,NULL,'{}');
INSERT INTO leads VALUES(2,1,2,NULL,1,1796669471964,1796669471964,NULL,'zeranski петр','петр zeranski ооо жерань  petr zeranski ooo zheran  ','Пётр','Żerański','ООО Жерань','','[]','[]','',NULL,'','','','','new','[]','','[]',0,'[]',NULL,NULL,NULL,NULL,'{}');
CREATE TABLE lead_scoring_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    position INTEGER NOT NULL,
    attribute TEXT NOT NULL,
    value TEXT NOT NULL,
    points INTEGER NOT NULL
);
CREATE TABLE lead_routing_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    position INTEGER NOT NULL,
    country TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    team_id BIGINT REFERENCES teams(id),
    last_user_id BIGINT
);
CREATE TABLE lead_forms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    form_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    campaign TEXT NOT NULL DEFAULT '',
    redirect_url TEXT NOT NULL DEFAULT '',
    owner_id BIGINT NOT NULL REFERENCES users(id),
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE TABLE form_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    form_id BIGINT NOT NULL REFERENCES lead_forms(id),
    address TEXT NOT NULL,
    at BIGINT NOT NULL,
    lead_id BIGINT REFERENCES leads(id)
);
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table','leads_search','leads_search',0,'CREATE VIRTUAL TABLE leads_search USING fts5(search_text, content=''leads'', content_rowid=''id'', tokenize=''trigram'')');
CREATE TABLE IF NOT EXISTS 'leads_search_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO leads_search_data VALUES(1,X'0247');
INSERT INTO leads_search_data VALUES(10,X'000000010102020002010101020101');
INSERT INTO leads_search_data VALUES(137438953473,X'00000093043020687501020f02026e6f0104050702027361010214010361202001021603016801020e03017301021302026e20010203010368757401021001036a616e01020201036e206e01020402026f770104060701036f776101020c030179010207010373612001021501037461200102120103757461010211010377612001020d02027920010208010379206e01020904080807080606070808080808060808080807');
INSERT INTO leads_search_data VALUES(274877906945,X'0000014d043020207002021a02026f6f0202290202706502021b02027a650204061c03016802022d0204d0b6d0b50202130303bed0be02020f0103616e2002023203017302040a1c01036572610206081c100202747202021d010368657202022f010369206f0202280302d0be02020e01036b692002040d1c01036e20200202330202736b02040b1c01036f207a02022c02026f2002022b03016f02022a010370657402021c010372207a02021f0202616e0206091c100103736b6902040c1c010374722002021e01037a65720204071c0202686502022e0106d0b0d0bdd18c0202170205b5d180d0b0020215040382d1800202030205b6d0b5d1800202140204bdd18c200202180204be20d0b60202120303d0be200202110502d0be0202100205bfd0b5d1820202020104d180207a0202050304d0b0d0bd020216020482d1802002020402038c2020020219040807070806090808070a07080807090808080706080809090809070b0a080a090908070a090909');
CREATE TABLE IF NOT EXISTS 'leads_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO leads_search_idx VALUES(1,X'',2);
INSERT INTO leads_search_idx VALUES(2,X'',2);
CREATE TABLE IF NOT EXISTS 'leads_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO leads_search_docsize VALUES(1,X'15');
INSERT INTO leads_search_docsize VALUES(2,X'32');
CREATE TABLE IF NOT EXISTS 'leads_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO leads_search_config VALUES('hashsize',16777216);
INSERT INTO leads_search_config VALUES('version',4);
CREATE TABLE field_definitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL,
    field_key TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',
    is_required INTEGER NOT NULL DEFAULT 0,
    in_list INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (record_type, field_key)
);
INSERT INTO field_definitions VALUES(1,'company','tier','Poziom','choice','["Złoty","Srebrny"]',0,1,1,1,1796669470910);
INSERT INTO field_definitions VALUES(2,'deal','budget','Budżet','money','[]',0,0,1,1,1796669470951);
CREATE TABLE custom_values (
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    field_key TEXT NOT NULL,
    text_value TEXT NOT NULL,
    number_value REAL
);
INSERT INTO custom_values VALUES('company',1,'tier','zloty',NULL);
INSERT INTO custom_values VALUES('company',2,'tier','zloty',NULL);
INSERT INTO custom_values VALUES('company',3,'tier','zloty',NULL);
INSERT INTO custom_values VALUES('company',4,'tier','zloty',NULL);
INSERT INTO custom_values VALUES('company',5,'tier','zloty',NULL);
INSERT INTO custom_values VALUES('company',6,'tier','zloty',NULL);
INSERT INTO custom_values VALUES('company',7,'tier','zloty',NULL);
INSERT INTO custom_values VALUES('deal',1,'budget','PLN',12000.499999999999999);
INSERT INTO custom_values VALUES('deal',2,'budget','PLN',24000.5);
INSERT INTO custom_values VALUES('deal',3,'budget','PLN',36000.5);
INSERT INTO custom_values VALUES('deal',4,'budget','PLN',250000.0);
INSERT INTO custom_values VALUES('deal',5,'budget','PLN',1800000.0);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('users',3);
INSERT INTO sqlite_sequence VALUES('audit_log',34);
INSERT INTO sqlite_sequence VALUES('api_tokens',1);
INSERT INTO sqlite_sequence VALUES('teams',1);
INSERT INTO sqlite_sequence VALUES('pipelines',1);
INSERT INTO sqlite_sequence VALUES('stages',4);
INSERT INTO sqlite_sequence VALUES('loss_reasons',1);
INSERT INTO sqlite_sequence VALUES('field_definitions',2);
INSERT INTO sqlite_sequence VALUES('companies',7);
INSERT INTO sqlite_sequence VALUES('contacts',4);
INSERT INTO sqlite_sequence VALUES('deals',5);
INSERT INTO sqlite_sequence VALUES('stage_transitions',14);
INSERT INTO sqlite_sequence VALUES('leads',2);
INSERT INTO sqlite_sequence VALUES('activities',2);
CREATE INDEX team_members_user ON team_members (user_id);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
CREATE INDEX companies_sort ON companies (sort_key, id);
CREATE INDEX companies_created ON companies (created_at, id);
CREATE INDEX companies_updated ON companies (updated_at, id);
CREATE INDEX companies_owner ON companies (owner_id);
CREATE INDEX companies_team ON companies (team_id);
CREATE INDEX companies_tax_id ON companies (tax_id) WHERE tax_id <> '';
CREATE INDEX contacts_sort ON contacts (sort_key, id);
CREATE INDEX contacts_created ON contacts (created_at, id);
CREATE INDEX contacts_updated ON contacts (updated_at, id);
CREATE INDEX contacts_owner ON contacts (owner_id);
CREATE INDEX contacts_team ON contacts (team_id);
CREATE INDEX contact_points_record ON contact_points (record_type, record_id);
CREATE INDEX record_tags_record ON record_tags (record_type, record_id);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id, id);
CREATE INDEX stages_pipeline ON stages (pipeline_id, position);
CREATE INDEX deals_sort ON deals (sort_key, id);
CREATE INDEX deals_created ON deals (created_at, id);
CREATE INDEX deals_updated ON deals (updated_at, id);
CREATE INDEX deals_owner ON deals (owner_id);
CREATE INDEX deals_team ON deals (team_id);
CREATE INDEX deals_board ON deals (pipeline_id, stage_id, status, id) WHERE deleted_at IS NULL;
CREATE INDEX deal_contacts_contact ON deal_contacts (contact_id);
CREATE INDEX stage_transitions_deal ON stage_transitions (deal_id, id);
CREATE INDEX stage_transitions_to_stage ON stage_transitions (to_stage_id, at);
CREATE TRIGGER stage_transitions_no_delete BEFORE DELETE ON stage_transitions
BEGIN SELECT RAISE(ABORT, 'stage_transitions is append-only'); END;
CREATE INDEX activities_sort ON activities (sort_key, id);
CREATE INDEX activities_created ON activities (created_at, id);
CREATE INDEX activities_updated ON activities (updated_at, id);
CREATE INDEX activities_deal ON activities (deal_id, created_at);
CREATE INDEX activities_company ON activities (company_id, created_at);
CREATE INDEX activities_contact ON activities (contact_id, created_at);
CREATE INDEX activities_team ON activities (team_id);
CREATE INDEX activities_my_tasks ON activities (owner_id, kind, is_done, due_at) WHERE deleted_at IS NULL;
CREATE INDEX activities_my_meetings ON activities (owner_id, kind, starts_at) WHERE deleted_at IS NULL;
CREATE INDEX sales_plans_period ON sales_plans (pipeline_id, unit, period_start, scope_kind, scope_id);
CREATE INDEX forecast_overrides_period ON forecast_overrides (pipeline_id, unit, period_start, owner_id, id);
CREATE TRIGGER forecast_overrides_no_update BEFORE UPDATE ON forecast_overrides
BEGIN SELECT RAISE(ABORT, 'forecast_overrides is append-only'); END;
CREATE TRIGGER forecast_overrides_no_delete BEFORE DELETE ON forecast_overrides
BEGIN SELECT RAISE(ABORT, 'forecast_overrides is append-only'); END;
CREATE INDEX process_instances_timers ON process_instances (next_timer_at) WHERE status = 'running';
CREATE INDEX process_instances_definition ON process_instances (definition_id, status);
CREATE INDEX process_tasks_assignee ON process_tasks (assignee);
CREATE INDEX process_effects_pending ON process_effects (next_attempt_at) WHERE status = 'pending';
CREATE INDEX process_effects_instance ON process_effects (instance_id, status);
CREATE INDEX process_instances_campaign ON process_instances (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX process_triggers_stage ON process_triggers (event, stage_id);
CREATE INDEX process_start_requests_pending ON process_start_requests (id) WHERE status = 'pending';
CREATE INDEX process_schedules_next ON process_schedules (next_at);
CREATE TRIGGER companies_search_insert AFTER INSERT ON companies BEGIN
    INSERT INTO companies_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER companies_search_delete AFTER DELETE ON companies BEGIN
    INSERT INTO companies_search (companies_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER companies_search_update AFTER UPDATE OF search_text ON companies BEGIN
    INSERT INTO companies_search (companies_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO companies_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_search (contacts_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF search_text ON contacts BEGIN
    INSERT INTO contacts_search (contacts_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO contacts_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER deals_search_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deals_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER deals_search_delete AFTER DELETE ON deals BEGIN
    INSERT INTO deals_search (deals_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER deals_search_update AFTER UPDATE OF search_text ON deals BEGIN
    INSERT INTO deals_search (deals_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO deals_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER activities_search_insert AFTER INSERT ON activities BEGIN
    INSERT INTO activities_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER activities_search_delete AFTER DELETE ON activities BEGIN
    INSERT INTO activities_search (activities_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER activities_search_update AFTER UPDATE OF search_text ON activities BEGIN
    INSERT INTO activities_search (activities_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO activities_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE INDEX record_merges_survivor ON record_merges (record_type, survivor_id);
CREATE INDEX process_triggers_record ON process_triggers (record_type, event);
CREATE INDEX contact_points_lookup ON contact_points (kind, value, record_type, record_id);
CREATE INDEX deals_company_sort ON deals (company_id, sort_key, id);
CREATE INDEX contacts_company_sort ON contacts (company_id, sort_key, id);
CREATE INDEX imports_creator ON imports (created_by, id);
CREATE INDEX import_records_import ON import_records (import_id);
CREATE INDEX import_records_key ON import_records (source_key);
CREATE TRIGGER stage_transitions_no_update BEFORE UPDATE ON stage_transitions BEGIN SELECT RAISE(ABORT, 'stage_transitions is append-only'); END;
CREATE INDEX stage_transitions_kind ON stage_transitions (pipeline_id, kind, at);
CREATE INDEX deals_board_open ON deals (pipeline_id, status, stage_id, currency, amount_minor, owner_id, team_id, stage_entered_at) WHERE deleted_at IS NULL;
CREATE INDEX deals_forecast_open ON deals (pipeline_id, status, expected_close, owner_id, team_id, stage_id, forecast_category, currency, amount_minor)
WHERE deleted_at IS NULL;
CREATE INDEX deals_forecast_won ON deals (pipeline_id, status, closed_at, owner_id, team_id, currency, amount_minor) WHERE deleted_at IS NULL;
CREATE INDEX stage_transitions_firsts ON stage_transitions (to_stage_id, first_time, at, kind, deal_id);
CREATE INDEX stage_transitions_period ON stage_transitions
    (pipeline_id, at, kind, deal_id, to_stage_id, from_stage_id, status, amount_minor, currency, first_time, reach_from, reach_to);
CREATE INDEX leads_sort ON leads (sort_key, id);
CREATE INDEX leads_created ON leads (created_at, id);
CREATE INDEX leads_updated ON leads (updated_at, id);
CREATE INDEX leads_owner ON leads (owner_id, status) WHERE deleted_at IS NULL;
CREATE INDEX leads_team ON leads (team_id);
CREATE INDEX leads_status ON leads (status, score);
CREATE INDEX leads_score ON leads (score, id);
CREATE INDEX leads_converted_contact ON leads (converted_contact_id) WHERE converted_contact_id IS NOT NULL;
CREATE INDEX leads_converted_company ON leads (converted_company_id) WHERE converted_company_id IS NOT NULL;
CREATE INDEX form_submissions_address ON form_submissions (address, at);
CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN INSERT INTO leads_search (rowid, search_text) VALUES (new.id, new.search_text); END;
CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER leads_search_update AFTER UPDATE OF search_text ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO leads_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE INDEX custom_values_text ON custom_values (record_type, field_key, text_value, record_id);
CREATE INDEX custom_values_number ON custom_values (record_type, field_key, number_value, record_id);
CREATE INDEX custom_values_record ON custom_values (record_type, record_id);
CREATE INDEX deals_company_totals ON deals (company_id, status, currency, amount_minor, owner_id, team_id, deleted_at);
CREATE INDEX deals_company_status ON deals (company_id, status, updated_at, id);
CREATE INDEX activities_lead ON activities (lead_id, created_at);
PRAGMA writable_schema=OFF;
COMMIT;
