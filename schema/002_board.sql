-- The 「小ネタ」 board (topics, posts and their moderation) and the
-- feedback box: the board program's tables (cgi/board).  Times are Unix
-- seconds (UTC); dates are YYYY-MM-DD in Japan; text is UTF-8, stored
-- as typed (escaped only at output).

-- Settings an administrator changes on the board's settings page, one
-- row.  `moderation` is what a new topic starts with (pre: a post is
-- shown once approved; post: at once, and reviewed after).
CREATE TABLE board_setting (
	one		INTEGER PRIMARY KEY CHECK (one = 1),
	moderation	TEXT NOT NULL DEFAULT 'pre'
			    CHECK (moderation IN ('pre', 'post')),
	posts_per_hour	INTEGER NOT NULL DEFAULT 10
			    CHECK (posts_per_hour BETWEEN 1 AND 1000),
	updated		INTEGER NOT NULL DEFAULT 0,
	updated_by	TEXT NOT NULL DEFAULT ''
);
INSERT INTO board_setting (one) VALUES (1);

-- A topic the administrator sets.  It takes posts while `state` is
-- 'open' and today lies in [opens_on, closes_on] (either may be '': no
-- bound); 'draft' is seen by administrators only.
CREATE TABLE board_topic (
	id		INTEGER PRIMARY KEY,
	title		TEXT NOT NULL,
	description	TEXT NOT NULL DEFAULT '',
	opens_on	TEXT NOT NULL DEFAULT '',
	closes_on	TEXT NOT NULL DEFAULT '',
	state		TEXT NOT NULL DEFAULT 'draft'
			    CHECK (state IN ('draft', 'open', 'closed')),
	-- The poster's e-mail address: must be given, may be, or is not
	-- asked for (others reach the poster through the relay form).
	email_mode	TEXT NOT NULL DEFAULT 'optional'
			    CHECK (email_mode IN ('required', 'optional',
			    'hidden')),
	max_chars	INTEGER NOT NULL DEFAULT 400
			    CHECK (max_chars BETWEEN 50 AND 2000),
	moderation	TEXT NOT NULL DEFAULT 'pre'
			    CHECK (moderation IN ('pre', 'post')),
	created		INTEGER NOT NULL,
	created_by	TEXT NOT NULL,
	updated		INTEGER NOT NULL
);

-- A post.  `org` and `prefecture` are the posting account's, copied
-- when it posted (never from the form).  `premod` records the topic's
-- mode at that time: a post made under pre-moderation is shown to
-- others only once approved, even if the topic is switched to post-
-- moderation later; one made under post-moderation is shown while it
-- waits.  A decision is taken once: UPDATE ... WHERE state = 'pending'.
CREATE TABLE board_post (
	id		INTEGER PRIMARY KEY,
	topic_id	INTEGER NOT NULL REFERENCES board_topic(id),
	account_id	INTEGER NOT NULL REFERENCES account(id),
	org		TEXT NOT NULL,
	prefecture	TEXT NOT NULL DEFAULT '',
	poster_name	TEXT NOT NULL DEFAULT '',
	department	TEXT NOT NULL DEFAULT '',
	email		TEXT NOT NULL DEFAULT '',	-- '' none given
	body		TEXT NOT NULL,
	state		TEXT NOT NULL DEFAULT 'pending'
			    CHECK (state IN ('pending', 'approved',
			    'rejected', 'hidden', 'withdrawn')),
	premod		INTEGER NOT NULL CHECK (premod IN (0, 1)),
	created		INTEGER NOT NULL,
	moderated_at	INTEGER,		-- approved or rejected
	moderated_by	TEXT NOT NULL DEFAULT '',	-- login
	-- The decision, kept when the post is later hidden or withdrawn
	-- (the counts of the effect analysis).
	decision	TEXT NOT NULL DEFAULT ''
			    CHECK (decision IN ('', 'approved', 'rejected')),
	edited		INTEGER NOT NULL DEFAULT 0,	-- edited, then approved
	hidden_at	INTEGER,		-- hidden after it was shown
	hidden_by	TEXT NOT NULL DEFAULT '',
	reason		TEXT NOT NULL DEFAULT '',	-- of a rejection or hiding
	withdrawn_at	INTEGER
);
CREATE INDEX board_post_topic ON board_post(topic_id, state);
CREATE INDEX board_post_queue ON board_post(state, created);
CREATE INDEX board_post_account ON board_post(account_id, created);

-- The text of a post as it was before a moderator edited it.
CREATE TABLE board_post_history (
	id		INTEGER PRIMARY KEY,
	post_id		INTEGER NOT NULL REFERENCES board_post(id),
	body		TEXT NOT NULL,
	edited_at	INTEGER NOT NULL,
	edited_by	TEXT NOT NULL
);
CREATE INDEX board_post_history_post ON board_post_history(post_id);

-- Messages relayed to a poster whose address is not shown (who wrote,
-- when: for the rate limit and the audit; the text goes only by mail).
CREATE TABLE board_contact (
	id		INTEGER PRIMARY KEY,
	post_id		INTEGER NOT NULL REFERENCES board_post(id),
	account_id	INTEGER NOT NULL REFERENCES account(id),
	created		INTEGER NOT NULL
);
CREATE INDEX board_contact_account ON board_contact(account_id, created);

-- The moderators' daily digest: one row a day it was sent, so that the
-- command sends it at most once a day however often cron runs it.
CREATE TABLE board_digest (
	day		TEXT PRIMARY KEY,	-- YYYY-MM-DD in Japan
	sent_at		INTEGER NOT NULL,
	pending		INTEGER NOT NULL,
	mails		INTEGER NOT NULL
);

-- The feedback box: opinions on the site, read by administrators and
-- operators only.
CREATE TABLE feedback (
	id		INTEGER PRIMARY KEY,
	account_id	INTEGER REFERENCES account(id) ON DELETE SET NULL,
	org		TEXT NOT NULL,		-- the account's name then
	category	TEXT NOT NULL CHECK (category IN ('design',
			    'content', 'feature', 'trouble', 'other')),
	body		TEXT NOT NULL,
	contact_name	TEXT NOT NULL DEFAULT '',
	contact_email	TEXT NOT NULL DEFAULT '',
	state		TEXT NOT NULL DEFAULT 'new'
			    CHECK (state IN ('new', 'handled')),
	created		INTEGER NOT NULL,
	handled_at	INTEGER,
	handled_by	TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_state ON feedback(state, created);

-- Replies sent by mail to a feedback item's contact address.
CREATE TABLE feedback_reply (
	id		INTEGER PRIMARY KEY,
	feedback_id	INTEGER NOT NULL REFERENCES feedback(id),
	at		INTEGER NOT NULL,
	sent_by		TEXT NOT NULL,		-- login
	body		TEXT NOT NULL
);
CREATE INDEX feedback_reply_item ON feedback_reply(feedback_id);
