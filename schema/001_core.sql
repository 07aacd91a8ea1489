-- The core every program shares: accounts, sessions, the audit log and
-- the mail outbox.  Times are Unix seconds (UTC); text is UTF-8.

-- One account per municipality and per prefecture (a shared ID, not a
-- person), and the agency's and contractor's staff.
CREATE TABLE account (
	id		INTEGER PRIMARY KEY,
	login		TEXT NOT NULL UNIQUE,	-- the ID typed at sign-in
	name		TEXT NOT NULL,		-- 札幌市, 北海道, 運用担当
	role		TEXT NOT NULL CHECK (role IN
			    ('admin', 'operator', 'moderator',
			     'municipality', 'prefecture')),
	lgcode		TEXT UNIQUE,		-- 全国地方公共団体コード, 6 digits
	prefecture	TEXT NOT NULL DEFAULT '',
	email		TEXT NOT NULL,
	pw_hash		TEXT NOT NULL,		-- argon2id, PHC string
	pw_changed	INTEGER NOT NULL,
	failures	INTEGER NOT NULL DEFAULT 0,	-- in a row
	locked_until	INTEGER NOT NULL DEFAULT 0,	-- after failures
	disabled	INTEGER NOT NULL DEFAULT 0,	-- locked by an admin
	last_login_at	INTEGER,
	last_login_ip	TEXT,
	prev_login_at	INTEGER,		-- shown after sign-in
	prev_login_ip	TEXT,
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL
);

-- A session is known by the SHA-256 of its token; the token itself is
-- only ever in the browser's cookie.
CREATE TABLE session (
	id		INTEGER PRIMARY KEY,
	token_hash	TEXT NOT NULL UNIQUE,
	account_id	INTEGER NOT NULL REFERENCES account(id)
			    ON DELETE CASCADE,
	csrf		TEXT NOT NULL,		-- the forms' token
	created		INTEGER NOT NULL,
	seen		INTEGER NOT NULL,	-- last request
	ip		TEXT NOT NULL DEFAULT ''
);
CREATE INDEX session_account ON session(account_id);

-- Security events, each row chained to the one before by SHA-256 (see
-- cgi/core/audit.h): hash = SHA-256(prev || the row's fields).  Rows are
-- numbered 1, 2, 3 ... without gaps; audit_head holds the last number
-- and hash, written in the same transaction, so that a row deleted at the
-- end shows too.
CREATE TABLE audit (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	event		TEXT NOT NULL,
	actor		TEXT NOT NULL DEFAULT '',	-- login, or '' (system)
	subject		TEXT NOT NULL DEFAULT '',	-- what it concerns
	ip		TEXT NOT NULL DEFAULT '',
	detail		TEXT NOT NULL DEFAULT '',
	prev		TEXT NOT NULL,
	hash		TEXT NOT NULL
);
CREATE INDEX audit_event ON audit(event, at);
CREATE TABLE audit_head (
	one		INTEGER PRIMARY KEY CHECK (one = 1),
	last_id		INTEGER NOT NULL,
	hash		TEXT NOT NULL
);

-- Mail to send, written in the transaction of the change that causes it;
-- the mailer program sends it (cgi/mailer).  One recipient per row, so
-- that a notice to many never shows one address to another.
CREATE TABLE outbox (
	id		INTEGER PRIMARY KEY,
	created		INTEGER NOT NULL,
	rcpt		TEXT NOT NULL,		-- envelope recipient
	kind		TEXT NOT NULL,		-- account_issued, ...
	message		BLOB NOT NULL,		-- RFC 5322, CRLF lines
	state		TEXT NOT NULL DEFAULT 'queued'
			    CHECK (state IN ('queued', 'sent', 'failed')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_try	INTEGER NOT NULL,
	last_error	TEXT NOT NULL DEFAULT '',
	sent_at		INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_try);
